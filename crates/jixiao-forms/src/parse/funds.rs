//! The funds block: the money header (年初预算数 / 全年预算数 / …) and its rows
//! (年度资金总额, 其中：当年财政拨款, 上年结转资金, 其他资金), aligned to the header; the
//! declarations' two-column layout; the funds unit.

use crate::align::{align, Field, FitCost, Item, Kind};
use crate::parse::indicators::rows::MAX_ROW_CELLS;
use crate::parse::pieces::{pieces, split_numbers, split_trailing_numbers, Piece};
use crate::segment::row_key;
use crate::value::parse_amount;
use jixiao_grid::text::{clean, key};
use jixiao_grid::{Origin, Row};
use jixiao_record::{FormKind, FundsRow, FundsRowKind};
use regex::Regex;
use rust_decimal::Decimal;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Money {
    Initial,
    Budget,
    Executed,
    Weight,
    Rate,
    Score,
}

pub(crate) struct MoneyCost;
impl FitCost<Money> for MoneyCost {
    fn fit(&self, kind: Kind, id: &Money) -> f32 {
        match (id, kind) {
            (_, Kind::Number) => 0.0,
            (Money::Weight | Money::Score, Kind::Dash) => 0.0,
            (Money::Rate, Kind::Dash) => 1.0,
            (_, Kind::Dash) => 1.5,
            _ => 4.0,
        }
    }
}

pub(crate) fn money_header_field(k: &str) -> Option<Money> {
    if k.contains("年初") {
        Some(Money::Initial)
    } else if k.contains("执行率") {
        Some(Money::Rate)
    } else if k.contains("预算数") || k.contains("全年预算") || k.contains("期预算") {
        Some(Money::Budget)
    } else if k.contains("执行数") || (k.ends_with("执行") && !k.starts_with("预算执行")) {
        // `全年执行` cut short by OCR; `预算执行` is the block's own label cut short
        // (预算执行 over 情况(万元)), no column.
        Some(Money::Executed)
    } else if k == "分值" || k == "分数" {
        Some(Money::Weight)
    } else if k == "得分" {
        Some(Money::Score)
    } else {
        None
    }
}

pub(crate) fn money_row_kind(k: &str) -> Option<FundsRowKind> {
    if k.chars().count() > 20 {
        return None;
    }
    if k.contains("资金总额") {
        Some(FundsRowKind::Total)
    } else if k.contains("财政拨款") {
        Some(FundsRowKind::CurrentAppropriation)
    } else if k.contains("上年结转") {
        Some(FundsRowKind::Carryover)
    } else if k.contains("其他资金") {
        Some(FundsRowKind::Other)
    } else if k.contains("财政资金") {
        Some(FundsRowKind::Fiscal)
    } else {
        None
    }
}

pub(crate) fn money_kind(text: &str) -> Kind {
    if text.trim() == "-" || text.trim() == "—" {
        Kind::Dash
    } else if parse_amount(text).is_some() {
        Kind::Number
    } else {
        Kind::Text
    }
}

/// Header fields of a funds block: one field per recognised header cell (a cell holding
/// several header labels is split).
pub(crate) fn money_fields(header: &Row, kind: FormKind) -> (Vec<Field<Money>>, bool) {
    let mut fields: Vec<Field<Money>> = Vec::new();
    for p in pieces(header) {
        let toks: Vec<&str> = p.raw.split_whitespace().collect();
        let sub: Vec<(f32, String)> =
            if toks.len() > 1 && toks.iter().all(|t| money_header_field(&key(t)).is_some()) {
                let n = toks.len() as f32;
                toks.iter()
                    .enumerate()
                    .map(|(i, t)| (p.col + i as f32 / n, key(t)))
                    .collect()
            } else {
                vec![(p.col, key(&p.text))]
            };
        for (col, k) in sub {
            if let Some(m) = money_header_field(&k) {
                if !fields.iter().any(|f| f.id == m) {
                    fields.push(Field {
                        id: m,
                        start: col,
                        end: col,
                        multi: false,
                    });
                }
            }
        }
    }
    let expected: &[Money] = match kind {
        FormKind::Monitoring => &[Money::Initial, Money::Budget, Money::Executed, Money::Rate],
        _ => &[
            Money::Initial,
            Money::Budget,
            Money::Executed,
            Money::Weight,
            Money::Rate,
            Money::Score,
        ],
    };
    let complete = expected.iter().all(|m| fields.iter().any(|f| f.id == *m));
    if !complete {
        // Place missing fields in canonical order between the known ones.
        let mut out: Vec<Field<Money>> = Vec::new();
        let base = fields.first().map_or(2.0, |f| f.start);
        for (i, m) in expected.iter().enumerate() {
            if let Some(f) = fields.iter().find(|f| f.id == *m) {
                out.push(f.clone());
            } else {
                let prev = out.last().map_or(base - 1.0 + i as f32 * 0.0, |f| f.end);
                out.push(Field {
                    id: *m,
                    start: prev + 0.5,
                    end: prev + 1.0,
                    multi: false,
                });
            }
        }
        fields = out;
    }
    fields.sort_by(|a, b| a.start.total_cmp(&b.start));
    (fields, complete)
}

pub(crate) fn funds_block(rows: &[Row], kind: FormKind) -> Vec<FundsRow> {
    let header = rows.iter().position(|r| {
        let k = row_key(r);
        k.contains("年初预算") || (k.contains("预算数") && k.contains("执行"))
    });
    let Some(first_money) = rows.iter().position(|r| money_row_of(r).is_some()) else {
        return Vec::new();
    };
    let header_row = header.filter(|&h| h <= first_money).map(|h| &rows[h]);
    let (fields, complete) = match header_row {
        Some(h) => money_fields(h, kind),
        None => money_fields(
            &Row {
                cells: vec![],
                origin: Origin::Line { line: 0 },
            },
            kind,
        ),
    };
    let lambda = crate::align::lambda(complete);
    let mut out: Vec<FundsRow> = Vec::new();
    for row in &rows[first_money..] {
        let Some((kind_row, label_idx)) = money_row_of(row) else {
            if out.len() >= 4 {
                break;
            }
            continue;
        };
        if out.iter().any(|r| r.row == kind_row) {
            break;
        }
        let ps = pieces(row);
        let mut items_p: Vec<Piece> = Vec::new();
        let (_, fused) = split_trailing_numbers(&ps[label_idx]);
        items_p.extend(fused);
        for p in &ps[label_idx + 1..] {
            items_p.extend(split_numbers(p));
        }
        items_p.truncate(MAX_ROW_CELLS);
        let items: Vec<Item> = items_p
            .iter()
            .map(|p| Item {
                col: p.col,
                kind: money_kind(&p.text),
                len: p.text.chars().count(),
            })
            .collect();
        let a = align(&items, &fields, &MoneyCost, crate::align::MAX_SHIFT, lambda);
        let mut fr = FundsRow {
            row: kind_row,
            initial_budget: None,
            budget: None,
            executed: None,
            rate_pct: None,
            weight: None,
            score: None,
            initial_budget_yuan: None,
            budget_yuan: None,
            executed_yuan: None,
            source: Some(row.origin.clone()),
        };
        for (p, f) in items_p.iter().zip(&a.fields) {
            let Some(fi) = f else { continue };
            let v = parse_amount(&p.text);
            match fields[*fi].id {
                Money::Initial => fr.initial_budget = v,
                Money::Budget => fr.budget = v,
                Money::Executed => fr.executed = v,
                Money::Weight => fr.weight = v,
                Money::Rate => fr.rate_pct = v,
                Money::Score => fr.score = v,
            }
        }
        out.push(fr);
    }
    out
}

/// The money row kind of a row and the index (among filled pieces) of its label cell.
pub(crate) fn money_row_of(row: &Row) -> Option<(FundsRowKind, usize)> {
    let ps = pieces(row);
    ps.iter().enumerate().rev().find_map(|(i, p)| {
        let (label, _) = split_trailing_numbers(p);
        money_row_kind(&key(&label)).map(|k| (k, i))
    })
}

/// Declarations print two label columns (project totals left, this year's request
/// right) and one value column: each amount belongs to the nearest label on its left.
pub(crate) fn declaration_funds(rows: &[Row]) -> Vec<FundsRow> {
    let mut found: Vec<(FundsRowKind, Option<Decimal>, Option<&Origin>)> = Vec::new();
    for row in rows {
        let mut current: Option<FundsRowKind> = None;
        let mut row_vals: Vec<(FundsRowKind, Option<Decimal>)> = Vec::new();
        for p in pieces(row) {
            let k = key(&p.text);
            if k.contains("项目资金总额") && !k.contains("申请") {
                current = None;
                continue;
            }
            if k.contains("资金申请总额") {
                current = Some(FundsRowKind::Total);
                row_vals.push((FundsRowKind::Total, None));
                continue;
            }
            if let Some(kind) = money_row_kind(&k).filter(|_| parse_amount(&p.text).is_none()) {
                current = Some(kind);
                row_vals.push((kind, None));
                continue;
            }
            if let (Some(kind), Some(v)) = (current, parse_amount(&p.text)) {
                if let Some(slot) = row_vals.iter_mut().rev().find(|(k, _)| *k == kind) {
                    if slot.1.is_none() {
                        slot.1 = Some(v);
                    }
                }
            }
        }
        for (k, v) in row_vals {
            let at = v.is_some().then_some(&row.origin);
            match found.iter_mut().find(|(fk, _, _)| *fk == k) {
                Some(slot) => {
                    if slot.1.is_none() {
                        slot.1 = v;
                        slot.2 = at;
                    }
                }
                None => found.push((k, v, at)),
            }
        }
    }
    found.sort_by_key(|(k, _, _)| *k);
    found
        .into_iter()
        .filter(|(k, v, _)| *k != FundsRowKind::Fiscal || v.is_some())
        .map(|(row, budget, at)| FundsRow {
            row,
            initial_budget: None,
            budget,
            executed: None,
            rate_pct: None,
            weight: None,
            score: None,
            initial_budget_yuan: None,
            budget_yuan: None,
            executed_yuan: None,
            source: at.cloned(),
        })
        .collect()
}

pub(crate) static UNIT_YUAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[(（]\s*元\s*[)）]|单位\s*[:：]?\s*元").expect("static regex"));
pub(crate) static UNIT_WAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"万元|[(（]\s*万|单位\s*[:：]?\s*万").expect("static regex"));

/// The money unit the funds block states: `万元` or `元`, read along the rows and down
/// each column (a label wrapped onto the next row's line, `项目资金（元` over `）`, reads
/// whole down its column). A unit cut by OCR (`资金 元)`) states nothing.
pub(crate) fn funds_unit(rows: &[Row]) -> Option<String> {
    let mut text: String = rows
        .iter()
        .flat_map(|r| r.filled().map(|c| clean(&c.text)))
        .collect::<Vec<_>>()
        .join(" ");
    let mut columns: Vec<(f32, String)> = Vec::new();
    for c in rows.iter().flat_map(|r| r.filled()) {
        match columns.iter_mut().find(|(col, _)| *col == c.col) {
            Some((_, t)) => t.push_str(c.cleaned()),
            None => columns.push((c.col, c.cleaned().to_string())),
        }
    }
    for (_, t) in columns {
        text.push(' ');
        text.push_str(&t);
    }
    if UNIT_WAN.is_match(&text) {
        Some("万元".into())
    } else if UNIT_YUAN.is_match(&text) {
        Some("元".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_labels_name_their_columns_and_the_block_label_names_none() {
        assert_eq!(money_header_field("年初预算数"), Some(Money::Initial));
        assert_eq!(money_header_field("跟踪期预算数"), Some(Money::Budget));
        assert_eq!(money_header_field("跟踪期执行数"), Some(Money::Executed));
        // OCR cut 全年执行数 short; 预算执行 is the block's label cut short.
        assert_eq!(money_header_field("全年执行"), Some(Money::Executed));
        assert_eq!(money_header_field("预算执行"), None);
        assert_eq!(money_header_field("执行率"), Some(Money::Rate));
    }

    #[test]
    fn funds_rows_align_to_their_header() {
        let g = jixiao_text::parse(
            "预算执行情况(万元)\t\t年初预算数\t跟踪期预算数\t跟踪期执行数\t执行率(%)\n\
             \t年度资金总额\t4.00\t4.00\t3.80\t95.00\n\
             \t其中：当年财政拨款\t4.00\t4.00\t3.80\t95.00\n\
             \t上年结转资金\t0.00\t0.00\t0.00\t0.00\n\
             \t其他资金\t0.00\t0.00\t0.00\t0.00\n",
        );
        let f = funds_block(&g.rows, FormKind::Monitoring);
        assert_eq!(f.len(), 4);
        assert_eq!(f[0].row, FundsRowKind::Total);
        assert_eq!(f[0].budget, Some(Decimal::new(400, 2)));
        assert_eq!(f[0].executed, Some(Decimal::new(380, 2)));
        assert_eq!(f[1].row, FundsRowKind::CurrentAppropriation);
        assert_eq!(funds_unit(&g.rows).as_deref(), Some("万元"));
    }

    #[test]
    fn a_unit_wrapped_onto_the_next_rows_line_reads_down_its_column() {
        // A borderless declaration: 项目资金（元） wrapped in its narrow column, each line
        // on the line of a funds row.
        let g = jixiao_text::parse(
            "\t项目资金总额：\t年度资金申请总额：\t381,419.84\n\
             项目资金（元\t其中：财政资金\t其中：当年财政拨款\t381,419.84\n\
             ）\t\t上年结转资金\t0.00\n",
        );
        let along: String = g.rows.iter().map(|r| r.joined()).collect();
        assert!(!UNIT_YUAN.is_match(&along), "not readable along the rows");
        assert_eq!(funds_unit(&g.rows).as_deref(), Some("元"));
    }
}
