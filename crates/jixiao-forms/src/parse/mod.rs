//! Parsing one form instance (a row range of the grid) into a [`Record`].
//!
//! One module per block of a form: [`pieces`] of rows, the [`header`] fields, the
//! [`funds`] block, the [`goals`], the [`indicators`] table and what follows it
//! ([`closing`]); [`dates`] for years, periods and districts.

mod closing;
mod dates;
mod funds;
mod goals;
pub(crate) mod header;
mod indicators;
mod pieces;

pub(crate) use dates::file_year;

use crate::explain::{FieldSource, FormTrace, RowRef};
use crate::parse::closing::{monitoring_tail, total_and_grade};
use crate::parse::dates::{district_of, iso_date, year_in_prose, PERIOD, YEAR};
use crate::parse::funds::{declaration_funds, funds_block, funds_unit, money_row_of};
use crate::parse::goals::{goals, is_goal_header};
use crate::parse::header::{head_fields, split_two_names, HeadKey, FRAGMENT_TRIM};
use crate::parse::indicators::{indicators, TableTrace};
use crate::parse::pieces::{join, non_empty, pieces};
use crate::segment::{is_end_marker, is_indicator_header, row_key};
use jixiao_grid::text::is_cjk;
use jixiao_grid::{Grid, Row};
use jixiao_record::{FormKind, Period, Record, RecordSource};
use std::ops::Range;

/// Which form a segment is: by its title, else by its content.
pub(crate) fn form_kind(rows: &[Row]) -> FormKind {
    for r in rows.iter().take(8) {
        let k = row_key(r);
        if k.contains("跟踪表") || k.contains("跟踪时段") {
            return FormKind::Monitoring;
        }
        if k.contains("申报表") {
            return FormKind::TargetDeclaration;
        }
        if k.contains("自评") || k.contains("自我评价") {
            return FormKind::SelfEvaluation;
        }
    }
    let all: String = rows.iter().map(row_key).collect();
    if all.contains("跟踪期") {
        FormKind::Monitoring
    } else if all.contains("资金申请总额") || all.contains("项目性质") {
        FormKind::TargetDeclaration
    } else {
        FormKind::SelfEvaluation
    }
}

/// A form parsed from a row range, before file-level details are filled in.
#[derive(Debug, Clone)]
pub struct ParsedForm {
    /// The record; `record_id` and `source` are left for the caller.
    pub record: Record,
    /// Grid rows the form spans.
    pub rows: Range<usize>,
    /// Grid row of its funds block's total row (年度资金总额 / 年度资金申请总额).
    pub anchor: usize,
}

/// Parses one segment of the grid; with `trace`, says how (one [`FormTrace`] pushed).
pub(crate) fn parse_form(
    grid: &Grid,
    seg: &crate::segment::Segment,
    fallback_year: Option<i32>,
    trace: Option<&mut Vec<FormTrace>>,
) -> ParsedForm {
    let seg_rows = &grid.rows[seg.rows.clone()];
    let seg_anchor = seg_rows
        .iter()
        .position(crate::segment::is_anchor)
        .unwrap_or(0);
    // An indicator table before the anchor belongs to a form whose funds block is
    // missing (reported as not read): this form begins at the first title or 项目名称
    // row after it, so the two never mix.
    let lead = seg_rows[..seg_anchor]
        .iter()
        .rposition(crate::segment::is_table_header)
        .map_or(0, |h| {
            (h + 1..seg_anchor)
                .find(|&i| crate::segment::is_start_marker(&seg_rows[i]))
                .unwrap_or(seg_anchor)
        });
    let range = seg.rows.start + lead..seg.rows.end;
    let rows = &grid.rows[range.clone()];
    let kind = form_kind(rows);
    let anchor = seg_anchor - lead;
    let preamble = &rows[..anchor.min(rows.len())];

    // Header fields.
    let fields = head_fields(preamble);
    let get = |h: HeadKey| -> Option<String> {
        fields
            .iter()
            .find(|(k, v, _)| *k == h && !v.is_empty())
            .map(|(_, v, _)| v.clone())
    };
    let mut project_name = get(HeadKey::Name);
    if project_name.is_none() {
        // A name printed above its label, or a label lost to OCR: the text row before the
        // 项目名称 / 主管部门 row that is not a title, year or period line.
        let name_row = fields
            .iter()
            .find(|(k, _, _)| *k == HeadKey::Name)
            .or_else(|| fields.iter().find(|(k, _, _)| *k == HeadKey::Department))
            .map(|(_, _, r)| *r);
        if let Some(r) = name_row {
            project_name = preamble[..r]
                .iter()
                .rev()
                .find(|row| !row.is_blank())
                .filter(|row| !crate::segment::is_start_marker(row) && !is_end_marker(row))
                .and_then(|row| {
                    let parts: Vec<String> = pieces(row)
                        .into_iter()
                        .map(|p| p.text.trim_matches(FRAGMENT_TRIM).to_string())
                        .filter(|t| t.chars().filter(|c| is_cjk(*c)).count() >= 2)
                        .collect();
                    non_empty(join(&parts))
                });
        }
    }
    let mut department = get(HeadKey::Department);
    let mut implementer = get(HeadKey::Implementer);
    if implementer.is_none() {
        // A lone 实施单位 label missing: the department row holds two names apart.
        if let Some((_, _, r)) = fields.iter().find(|(k, _, _)| *k == HeadKey::Department) {
            if let Some((d, i)) = split_two_names(&preamble[*r]) {
                department = Some(d);
                implementer = Some(i);
            }
        }
    }
    let district = district_of(&[&department, &implementer]);

    // Year and period.
    let pre_text: String = preamble
        .iter()
        .map(|r| r.joined())
        .collect::<Vec<_>>()
        .join(" ");
    let period = PERIOD.captures(&pre_text).and_then(|c| {
        let y1 = c.get(1)?.as_str();
        let m1: u32 = c.get(2)?.as_str().parse().ok()?;
        let y2 = c.get(3)?.as_str();
        let m2: u32 = c.get(4)?.as_str().parse().ok()?;
        Some(Period {
            start: format!("{y1}-{m1:02}"),
            end: format!("{y2}-{m2:02}"),
        })
    });
    let year = YEAR
        .captures(&pre_text)
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok())
        .or_else(|| period.as_ref().and_then(|p| p.start[..4].parse().ok()))
        .or(fallback_year)
        .or_else(|| year_in_prose(rows));

    // Funds.
    let (funds, funds_start, unit_rows_end) = if kind == FormKind::TargetDeclaration {
        let decl_start = rows
            .iter()
            .position(|r| row_key(r).contains("资金申请总额") || row_key(r).contains("项目资金"))
            .unwrap_or(anchor);
        let decl_end = rows
            .iter()
            .skip(decl_start)
            .position(|r| {
                let k = row_key(r);
                k.contains("绩效目标")
                    || k.contains("总目标")
                    || is_goal_header(r)
                    || is_indicator_header(r)
            })
            .map_or(rows.len(), |p| p + decl_start);
        (
            declaration_funds(&rows[decl_start..decl_end]),
            decl_start,
            decl_end,
        )
    } else {
        let start = anchor.saturating_sub(3);
        let end = rows
            .iter()
            .skip(anchor)
            .position(|r| is_goal_header(r) || is_indicator_header(r))
            .map_or(rows.len(), |p| p + anchor);
        (funds_block(&rows[start..end], kind), start, end)
    };
    let funds_unit = funds_unit(&rows[anchor.saturating_sub(3)..unit_rows_end.max(anchor)]);

    // Goals, indicators, totals.
    let ind_header = rows
        .iter()
        .position(is_indicator_header)
        .unwrap_or(rows.len());
    let (goal_planned, goal_actual, goal_project) =
        goals(&rows[unit_rows_end.min(ind_header)..ind_header], kind);
    let mut table = trace.as_ref().map(|_| TableTrace {
        base: range.start,
        rows: Vec::new(),
    });
    let (indicators, table_end) = indicators(rows, kind, table.as_mut());
    let (total_score, total_source, grade) = if kind == FormKind::SelfEvaluation {
        total_and_grade(&rows[table_end.min(rows.len())..])
    } else {
        (None, None, None)
    };
    let (outlook_budget, outlook_goals, corrective_actions) = if kind == FormKind::Monitoring {
        monitoring_tail(&rows[table_end.min(rows.len())..])
    } else {
        (None, None, None)
    };

    let record = Record {
        record_id: String::new(),
        form: kind,
        year,
        period: if kind == FormKind::Monitoring {
            period
        } else {
            None
        },
        project_name,
        department,
        implementer,
        district,
        project_nature: get(HeadKey::Nature),
        project_category: get(HeadKey::Category),
        planned_start: get(HeadKey::Start).and_then(|s| iso_date(&s)),
        planned_end: get(HeadKey::End).and_then(|s| iso_date(&s)),
        funds_unit,
        funds,
        goal_planned,
        goal_actual,
        indicators,
        total_score,
        grade,
        total_source,
        outlook_budget,
        outlook_goals,
        corrective_actions,
        goal_project,
        project_key: None,
        form_key: None,
        duplicate_of: None,
        source: RecordSource {
            file: String::new(),
            sha256: String::new(),
            format: String::new(),
            pages: Vec::new(),
            link: String::new(),
            lines: None,
            text_recovery: None,
            web: Default::default(),
        },
    };
    if let Some(traces) = trace {
        let at = |r: usize| RowRef::of(grid, range.start + r);
        let mut sources: Vec<FieldSource> = fields
            .iter()
            .filter(|(_, v, _)| !v.is_empty())
            .map(|(k, v, r)| FieldSource {
                field: k.field().to_string(),
                value: v.clone(),
                from: at(*r),
                cell: crate::explain::cell_of(&preamble[*r], v),
            })
            .collect();
        let funds_rows = range.start + funds_start..range.start + unit_rows_end;
        let goals_start = unit_rows_end.min(ind_header);
        let tail_start = table_end.clamp(ind_header, rows.len());
        let blocks = [
            ("header", 0, anchor),
            (
                "funds",
                funds_start.min(anchor),
                unit_rows_end.max(anchor + 1),
            ),
            ("goals", goals_start, ind_header),
            ("indicators", ind_header, tail_start),
            ("closing", tail_start, rows.len()),
        ]
        .into_iter()
        .filter(|(_, a, b)| a < b)
        .map(|(name, a, b)| crate::explain::Block {
            name,
            first: at(a),
            last: at(b - 1),
        })
        .collect();
        sources.extend(crate::explain::funds_sources(
            grid,
            funds_rows,
            &record,
            |r| money_row_of(r).map(|(k, _)| k),
        ));
        traces.push(FormTrace {
            form: traces.len() + 1,
            kind,
            project_name: record.project_name.clone(),
            first: at(0),
            begins: if lead == 0 {
                crate::explain::begin_reason(grid, seg.begin)
            } else {
                format!(
                    "after the indicator table of a form without funds block, at {}",
                    crate::explain::place(&rows[0].origin)
                )
            },
            ends: crate::explain::Ending {
                last: at(rows.len().saturating_sub(1)),
                reason: String::new(),
            },
            anchor: RowRef::of(grid, seg.anchor),
            fields: sources,
            blocks,
            indicator_header: (ind_header < rows.len()).then(|| at(ind_header)),
            indicator_rows: table.map(|t| t.rows).unwrap_or_default(),
            indicators: record.indicators.len(),
        });
    }
    ParsedForm {
        record,
        rows: range,
        anchor: seg.anchor,
    }
}
