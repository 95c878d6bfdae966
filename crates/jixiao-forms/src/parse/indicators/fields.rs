//! The indicator table's fields: what each header column is, what kind of cell fits it,
//! and the header's fields in column order.

use crate::align::{Field, FitCost, Kind};
use crate::labels::{self, Level};
use crate::parse::pieces::pieces;
use crate::value::{parse_amount, parse_value};
use jixiao_grid::text::key;
use jixiao_grid::Row;
use jixiao_record::FormKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ind {
    L1,
    L2,
    L3,
    Target,
    Planned,
    Actual,
    Weight,
    Score,
    Note,
}

impl Ind {
    /// The indicator field it fills (RECORDS.md).
    pub(crate) fn field(self) -> &'static str {
        match self {
            Ind::L1 => "level1",
            Ind::L2 => "level2",
            Ind::L3 => "level3",
            Ind::Target => "target",
            Ind::Planned => "planned_to_date",
            Ind::Actual => "actual",
            Ind::Weight => "weight",
            Ind::Score => "score",
            Ind::Note => "deviation_note",
        }
    }
}

pub(crate) struct IndCost;
impl FitCost<Ind> for IndCost {
    fn fit(&self, kind: Kind, id: &Ind) -> f32 {
        use Kind::*;
        match id {
            Ind::L1 => match kind {
                Level1 => 0.0,
                Fragment => 0.3,
                Text => 1.0,
                Level2 => 2.5,
                _ => 4.0,
            },
            Ind::L2 => match kind {
                Level2 => 0.0,
                Fragment => 0.3,
                // 效益指标 / 满意度指标 in the level-2 column: the tail of 社会|效益指标.
                Level1 => 0.5,
                Text => 1.0,
                _ => 4.0,
            },
            Ind::L3 => match kind {
                Text => 0.0,
                Fragment => 1.5,
                Level1 | Level2 => 2.0,
                Measure => 2.5,
                _ => 3.0,
            },
            Ind::Target => match kind {
                Measure => 0.0,
                Number => 0.3,
                Text => 0.3,
                Fragment => 0.6,
                Dash => 1.0,
                Band => 2.0,
                _ => 3.0,
            },
            Ind::Planned | Ind::Actual => match kind {
                Measure | Number | Band => 0.0,
                Text => 0.4,
                Fragment => 0.6,
                Dash => 0.5,
                _ => 3.0,
            },
            Ind::Weight | Ind::Score => match kind {
                Number => 0.0,
                Dash => 1.0,
                _ => 5.0,
            },
            Ind::Note => match kind {
                Text => 0.0,
                Dash => 0.5,
                Band | Measure => 1.5,
                Number => 2.0,
                _ => 2.0,
            },
        }
    }
}

pub(crate) const BANDS: [&str; 5] = [
    "达成指标",
    "部分达成指标并具有一定效果",
    "未达成指标且效果较差",
    "达成",
    "未达成",
];

pub(crate) fn ind_kind(text: &str) -> Kind {
    let t = text.trim();
    if t == "-" || t == "—" || t == "/" {
        return Kind::Dash;
    }
    if BANDS.contains(&key(t).as_str()) {
        return Kind::Band;
    }
    if let Some(l) = labels::level(t) {
        return match l {
            Level::One(_) => Kind::Level1,
            Level::Two(_) => Kind::Level2,
        };
    }
    if labels::is_level_fragment(t) {
        return Kind::Fragment;
    }
    if parse_amount(t).is_some() {
        return Kind::Number;
    }
    if parse_value(t).is_some_and(|v| v.value.is_some()) {
        return Kind::Measure;
    }
    Kind::Text
}

pub(crate) fn ind_header_field(k: &str) -> Option<Ind> {
    if k.contains("一级") {
        Some(Ind::L1)
    } else if k.contains("二级") {
        Some(Ind::L2)
    } else if k.contains("三级") {
        Some(Ind::L3)
    } else if k.contains("计划完成") {
        Some(Ind::Planned)
    } else if k.contains("实际完成") || k.contains("完成值") {
        Some(Ind::Actual)
    } else if k.contains("指标值") {
        Some(Ind::Target)
    } else if k == "分值" || k == "分数" {
        Some(Ind::Weight)
    } else if k == "得分" {
        Some(Ind::Score)
    } else if k.contains("偏差") || k.contains("原因") || k.contains("改进") {
        Some(Ind::Note)
    } else {
        None
    }
}

pub(crate) fn expected_ind(kind: FormKind) -> &'static [Ind] {
    match kind {
        FormKind::SelfEvaluation => &[
            Ind::L1,
            Ind::L2,
            Ind::L3,
            Ind::Target,
            Ind::Actual,
            Ind::Weight,
            Ind::Score,
            Ind::Note,
        ],
        FormKind::Monitoring => &[
            Ind::L1,
            Ind::L2,
            Ind::L3,
            Ind::Target,
            Ind::Planned,
            Ind::Actual,
            Ind::Note,
        ],
        FormKind::TargetDeclaration => &[Ind::L1, Ind::L2, Ind::L3, Ind::Target],
    }
}

/// Fields of an indicator table from one or two header rows. Unrecognised header
/// fragments (`三级扫 | 旨标`) widen the field on their left.
pub(crate) fn ind_fields(headers: &[&Row], kind: FormKind) -> (Vec<Field<Ind>>, bool) {
    // col, field, is_fragment, the first line's key
    let mut cols: Vec<(f32, Option<Ind>, bool, String)> = Vec::new();
    for (hi, h) in headers.iter().enumerate() {
        for p in pieces(h) {
            let k = key(&p.text);
            if labels::is_section_label(&p.text) {
                continue;
            }
            let f = ind_header_field(&k);
            // A second header line fills columns the first left blank; where the first
            // has a cell, the second is the rest of that cell (or OCR debris): it names
            // the column only when the first did not (`跟踪期` over `计划完成值`).
            let named: Vec<Ind> = cols.iter().filter_map(|c| c.1).collect();
            match cols.iter_mut().find(|(c, ..)| (*c - p.col).abs() < 0.01) {
                Some((_, above @ None, _, first)) => {
                    // A field named once only: OCR debris joined to a cell does not
                    // name a second level-2 column.
                    let whole = ind_header_field(&format!("{first}{k}"));
                    if whole.is_some_and(|w| !named.contains(&w)) {
                        *above = whole;
                    }
                }
                Some(_) => {}
                None => cols.push((p.col, f, f.is_none() && hi == 0, k)),
            }
        }
    }
    cols.sort_by(|a, b| a.0.total_cmp(&b.0));
    let expected = expected_ind(kind);
    let mut fields: Vec<Field<Ind>> = Vec::new();
    let mut fragments: Vec<f32> = Vec::new();
    for (col, f, frag, _) in cols {
        match f {
            Some(id) if expected.contains(&id) => {
                if let Some(existing) = fields.iter_mut().find(|x| x.id == id) {
                    if existing.end < col && fields.last().is_some_and(|l| l.id == id) {
                        if let Some(l) = fields.last_mut() {
                            l.end = col;
                        }
                    }
                } else {
                    fields.push(Field {
                        id,
                        start: col,
                        end: col,
                        multi: matches!(id, Ind::L1 | Ind::L2 | Ind::L3 | Ind::Note),
                    });
                }
            }
            None if frag => fragments.push(col),
            _ => {}
        }
    }
    // An unrecognised header cell next to 三级指标 is part of it (`三级扫 | 旨标`, or
    // a centred label with OCR debris on its left).
    for col in fragments {
        if let Some(l3) = fields.iter_mut().find(|f| f.id == Ind::L3) {
            if (l3.start - col - 1.0).abs() < 0.01 {
                l3.start = col;
            } else if (col - l3.end - 1.0).abs() < 0.01 {
                l3.end = col;
            }
        }
    }
    // Keep canonical order; drop out-of-order duplicates.
    let mut ordered: Vec<Field<Ind>> = Vec::new();
    for f in fields {
        let rank = expected.iter().position(|e| *e == f.id).unwrap_or(0);
        let last_rank = ordered
            .last()
            .map(|l| expected.iter().position(|e| *e == l.id).unwrap_or(0));
        if last_rank.is_none_or(|lr| rank > lr) {
            ordered.push(f);
        }
    }
    let complete = expected.iter().all(|e| ordered.iter().any(|f| f.id == *e));
    if !complete {
        let mut out: Vec<Field<Ind>> = Vec::new();
        for (i, e) in expected.iter().enumerate() {
            if let Some(f) = ordered.iter().find(|f| f.id == *e) {
                out.push(f.clone());
            } else {
                let prev_end = out.last().map_or(-1.0 + i as f32 * 0.0, |f| f.end);
                let next_start = ordered
                    .iter()
                    .filter(|f| expected.iter().position(|x| *x == f.id).unwrap_or(0) > i)
                    .map(|f| f.start)
                    .next()
                    .unwrap_or(prev_end + 2.0);
                let mid = if next_start > prev_end + 1.0 {
                    (prev_end + next_start) / 2.0
                } else {
                    prev_end + 0.5
                };
                out.push(Field {
                    id: *e,
                    start: mid,
                    end: mid,
                    multi: matches!(e, Ind::L1 | Ind::L2 | Ind::L3 | Ind::Note),
                });
            }
        }
        ordered = out;
    }
    (ordered, complete)
}
