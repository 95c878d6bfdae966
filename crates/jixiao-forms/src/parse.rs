//! Parsing one form instance (a row range of the grid) into a [`Record`].

use crate::align::{align, Field, FitCost, Item, Kind};
use crate::explain::{CellUse, FieldSource, FormTrace, RowOutcome, RowRef, TableRow};
use crate::labels::{self, Level};
use crate::segment::{is_end_marker, is_indicator_header, keys, row_key, year_line};
use crate::value::{parse_amount, parse_value};
use jixiao_grid::text::{clean, is_cjk, key};
use jixiao_grid::{Grid, Origin, Row};
use jixiao_record::{FormKind, FundsRow, FundsRowKind, Indicator, Period, Record, RecordSource};
use regex::Regex;
use rust_decimal::Decimal;
use std::ops::Range;
use std::sync::LazyLock;

/// One cell with its column and cleaned text.
#[derive(Debug, Clone)]
struct Piece {
    col: f32,
    raw: String,
    text: String,
}

fn pieces(row: &Row) -> Vec<Piece> {
    row.cells
        .iter()
        .filter(|c| !c.is_blank())
        .map(|c| Piece {
            col: c.col,
            raw: c.text.clone(),
            text: c.cleaned().to_string(),
        })
        .collect()
}

/// Splits a cell that holds several whitespace-separated plain numbers or dashes
/// (`- 0.00`, `0.00 0.00`) into one piece each, at fractional columns.
fn split_numbers(p: &Piece) -> Vec<Piece> {
    let toks: Vec<&str> = p.raw.split_whitespace().collect();
    if toks.len() > 1 && toks.iter().all(|t| *t == "-" || parse_amount(t).is_some()) {
        let n = toks.len() as f32;
        return toks
            .iter()
            .enumerate()
            .map(|(i, t)| Piece {
                col: p.col + i as f32 / n,
                raw: (*t).to_string(),
                text: (*t).to_string(),
            })
            .collect();
    }
    vec![p.clone()]
}

/// Splits a label cell with numbers fused to its end (`上年结转资金 0.00`) into the label
/// and the numbers.
fn split_trailing_numbers(p: &Piece) -> (String, Vec<Piece>) {
    let toks: Vec<&str> = p.raw.split_whitespace().collect();
    let mut k = toks.len();
    while k > 0 && (toks[k - 1] == "-" || parse_amount(toks[k - 1]).is_some()) {
        k -= 1;
    }
    if k == 0 || k == toks.len() {
        return (p.text.clone(), Vec::new());
    }
    let n = (toks.len() - k) as f32;
    let nums = toks[k..]
        .iter()
        .enumerate()
        .map(|(i, t)| Piece {
            col: p.col + 0.5 * (i as f32 + 1.0) / n,
            raw: (*t).to_string(),
            text: (*t).to_string(),
        })
        .collect();
    (clean(&toks[..k].join(" ")), nums)
}

/// Splits a name fused with its target in one cell (`服务满意度 ≥80.00`).
fn split_trailing_measure(p: &Piece) -> Vec<Piece> {
    let toks: Vec<&str> = p.raw.split_whitespace().collect();
    if toks.len() >= 2 {
        let last = toks[toks.len() - 1];
        let head = clean(&toks[..toks.len() - 1].join(" "));
        let is_measure = parse_value(last).is_some_and(|v| v.op.is_some());
        if is_measure
            && head.chars().any(is_cjk)
            && parse_value(&head).is_some_and(|v| v.value.is_none())
        {
            return vec![
                Piece {
                    col: p.col,
                    raw: head.clone(),
                    text: head,
                },
                Piece {
                    col: p.col + 0.5,
                    raw: last.to_string(),
                    text: clean(last),
                },
            ];
        }
    }
    vec![p.clone()]
}

/// Joins cleaned fragments of one value spread over cells: no separator between CJK, a
/// space between ASCII words.
fn join(parts: &[String]) -> String {
    let mut out = String::new();
    for p in parts {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        if let (Some(a), Some(b)) = (out.chars().last(), p.chars().next()) {
            if !(is_cjk(a) || is_cjk(b)) && (a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric())
            {
                out.push(' ');
            }
        }
        out.push_str(p);
    }
    out
}

fn non_empty(s: String) -> Option<String> {
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

// ---------------------------------------------------------------------------------------
// Header key/value fields

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeadKey {
    Name,
    Department,
    Implementer,
    Nature,
    Category,
    Start,
    End,
}

impl HeadKey {
    /// The record field it fills (RECORDS.md).
    fn field(self) -> &'static str {
        match self {
            HeadKey::Name => "project_name",
            HeadKey::Department => "department",
            HeadKey::Implementer => "implementer",
            HeadKey::Nature => "project_nature",
            HeadKey::Category => "project_category",
            HeadKey::Start => "planned_start",
            HeadKey::End => "planned_end",
        }
    }
}

const HEAD_KEYS: [(&str, HeadKey); 13] = [
    ("项目名称", HeadKey::Name),
    ("名称", HeadKey::Name),
    ("主管部门", HeadKey::Department),
    ("主管单位", HeadKey::Department),
    ("主管", HeadKey::Department),
    ("实施单位", HeadKey::Implementer),
    ("实施单", HeadKey::Implementer),
    ("项目性质", HeadKey::Nature),
    ("项目类别", HeadKey::Category),
    ("计划开始日期", HeadKey::Start),
    ("计划完成日期", HeadKey::End),
    ("开始日期", HeadKey::Start),
    ("完成日期", HeadKey::End),
];

fn head_key_exact(k: &str) -> Option<HeadKey> {
    if let Some((_, h)) = HEAD_KEYS.iter().find(|(n, _)| *n == k) {
        return Some(*h);
    }
    // `项目 主管` and similar: a short cell ending in 主管.
    if k.chars().count() <= 4 && k.ends_with("主管") {
        return Some(HeadKey::Department);
    }
    None
}

/// A label fused with its value in one cell (`项目名称 专业技术…`): the label and the rest.
fn head_key_prefix(text: &str) -> Option<(HeadKey, String)> {
    let k = key(text);
    for (n, h) in HEAD_KEYS.iter().filter(|(n, _)| n.chars().count() >= 4) {
        if k.starts_with(n) && k.chars().count() > n.chars().count() {
            // Cut the label's characters off the cleaned text.
            let mut seen = 0;
            let want = n.chars().count();
            let mut idx = 0;
            for (i, c) in text.char_indices() {
                if seen == want {
                    idx = i;
                    break;
                }
                if !c.is_whitespace() && key(&c.to_string()).chars().count() == 1 {
                    seen += 1;
                }
                idx = i + c.len_utf8();
            }
            return Some((*h, text[idx..].to_string()));
        }
    }
    None
}

#[derive(Debug)]
enum Tok {
    Key(HeadKey),
    Val(String),
}

fn head_tokens(row: &Row) -> Vec<Tok> {
    // A key printed inside a cell after other text (`上上作专项 实施单`) splits it.
    let ps: Vec<Piece> = pieces(row)
        .into_iter()
        .flat_map(|p| {
            let toks: Vec<&str> = p.raw.split_whitespace().collect();
            let has_key = toks.len() > 1
                && toks
                    .iter()
                    .any(|t| key(t).chars().count() >= 3 && head_key_exact(&key(t)).is_some());
            if has_key {
                toks.iter()
                    .map(|t| Piece {
                        col: p.col,
                        raw: (*t).to_string(),
                        text: clean(t),
                    })
                    .collect()
            } else {
                vec![p]
            }
        })
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < ps.len() {
        let k = key(&ps[i].text);
        if i + 1 < ps.len() {
            let pair = format!("{k}{}", key(&ps[i + 1].text));
            if let Some(h) = HEAD_KEYS
                .iter()
                .filter(|(n, _)| n.chars().count() >= 4)
                .find(|(n, _)| *n == pair)
                .map(|(_, h)| *h)
            {
                out.push(Tok::Key(h));
                i += 2;
                continue;
            }
        }
        if let Some(h) = head_key_exact(&k) {
            out.push(Tok::Key(h));
        } else if i == 0 && k == "项目" && ps.len() > 1 {
            out.push(Tok::Key(HeadKey::Name));
        } else if let Some((h, rest)) = head_key_prefix(&ps[i].text) {
            out.push(Tok::Key(h));
            out.push(Tok::Val(clean(&rest)));
        } else {
            out.push(Tok::Val(ps[i].text.clone()));
        }
        i += 1;
    }
    out
}

const FRAGMENT_TRIM: &[char] = &[
    ':', '：', '·', '•', '_', ' ', '.', ',', '、', '|', '，', '；', ';',
];

/// Reads 项目名称 / 主管部门 / … pairs from the preamble rows.
fn head_fields(rows: &[Row]) -> Vec<(HeadKey, String, usize)> {
    let mut out: Vec<(HeadKey, String, usize)> = Vec::new();
    for (ri, row) in rows.iter().enumerate() {
        let toks = head_tokens(row);
        if !toks.iter().any(|t| matches!(t, Tok::Key(_))) {
            continue;
        }
        let mut cur: Option<(HeadKey, Vec<String>)> = None;
        let mut just_keyed: Option<HeadKey> = None;
        let flush = |cur: &mut Option<(HeadKey, Vec<String>)>,
                     out: &mut Vec<(HeadKey, String, usize)>| {
            if let Some((h, parts)) = cur.take() {
                out.push((h, join(&parts), ri));
            }
        };
        for t in toks {
            match t {
                Tok::Key(h) => {
                    if cur.as_ref().is_some_and(|(c, p)| *c == h && p.is_empty()) {
                        continue;
                    }
                    flush(&mut cur, &mut out);
                    cur = Some((h, Vec::new()));
                    just_keyed = Some(h);
                }
                Tok::Val(v) => {
                    let frag = v.trim_matches(FRAGMENT_TRIM).to_string();
                    let n = frag.chars().count();
                    // What is left of a label OCR split over two cells: 实施单位 | 立,
                    // 项目 | 夕称.
                    let residue = match just_keyed {
                        Some(HeadKey::Implementer) => n == 1 && frag.chars().all(is_cjk),
                        Some(HeadKey::Name) => n <= 2 && frag.ends_with('称'),
                        _ => false,
                    };
                    let junk = n == 0 || (n == 1 && !frag.chars().all(is_cjk));
                    just_keyed = None;
                    if residue || junk {
                        continue;
                    }
                    if let Some((_, parts)) = cur.as_mut() {
                        parts.push(frag);
                    }
                }
            }
        }
        flush(&mut cur, &mut out);
    }
    out
}

/// In a 主管部门 row without an 实施单位 label, two organisation names separated by blank
/// cells are the department and the implementer.
fn split_two_names(row: &Row) -> Option<(String, String)> {
    let texts: Vec<String> = row.cells.iter().map(|c| clean(&c.text)).collect();
    // Skip the label cells (主管部门, or 主管 | 部门).
    let mut i = texts.iter().position(|t| !t.is_empty())?;
    while i < texts.len() {
        let k = key(&texts[i]);
        if k.is_empty() || head_key_exact(&k) == Some(HeadKey::Department) || k == "部门" {
            i += 1;
        } else {
            break;
        }
    }
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut gap = true;
    for t in &texts[i..] {
        if t.is_empty() {
            gap = true;
            continue;
        }
        if gap {
            groups.push(Vec::new());
            gap = false;
        }
        if let Some(g) = groups.last_mut() {
            g.push(t.trim_matches(FRAGMENT_TRIM).to_string());
        }
    }
    let names: Vec<String> = groups.iter().map(|g| join(g)).collect();
    let is_org = |s: &str| s.chars().filter(|c| is_cjk(*c)).count() >= 4;
    (names.len() == 2 && names.iter().all(|n| is_org(n)))
        .then(|| (names[0].clone(), names[1].clone()))
}

// ---------------------------------------------------------------------------------------
// Funds block

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Money {
    Initial,
    Budget,
    Executed,
    Weight,
    Rate,
    Score,
}

struct MoneyCost;
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

fn money_header_field(k: &str) -> Option<Money> {
    if k.contains("年初") {
        Some(Money::Initial)
    } else if k.contains("执行率") {
        Some(Money::Rate)
    } else if k.contains("预算数") || k.contains("全年预算") || k.contains("期预算") {
        Some(Money::Budget)
    } else if k.contains("执行数") || k.ends_with("执行") {
        Some(Money::Executed)
    } else if k == "分值" || k == "分数" {
        Some(Money::Weight)
    } else if k == "得分" {
        Some(Money::Score)
    } else {
        None
    }
}

fn money_row_kind(k: &str) -> Option<FundsRowKind> {
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

fn money_kind(text: &str) -> Kind {
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
fn money_fields(header: &Row, kind: FormKind) -> (Vec<Field<Money>>, bool) {
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

fn funds_block(rows: &[Row], kind: FormKind) -> Vec<FundsRow> {
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
    let lambda = if complete { 0.6 } else { 0.3 };
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
        let a = align(&items, &fields, &MoneyCost, 3, lambda);
        let mut fr = FundsRow {
            row: kind_row,
            initial_budget: None,
            budget: None,
            executed: None,
            rate_pct: None,
            weight: None,
            score: None,
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
fn money_row_of(row: &Row) -> Option<(FundsRowKind, usize)> {
    let ps = pieces(row);
    ps.iter().enumerate().rev().find_map(|(i, p)| {
        let (label, _) = split_trailing_numbers(p);
        money_row_kind(&key(&label)).map(|k| (k, i))
    })
}

/// Declarations print two label columns (project totals left, this year's request
/// right) and one value column: each amount belongs to the nearest label on its left.
fn declaration_funds(rows: &[Row]) -> Vec<FundsRow> {
    let mut found: Vec<(FundsRowKind, Option<Decimal>)> = Vec::new();
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
            match found.iter_mut().find(|(fk, _)| *fk == k) {
                Some(slot) => {
                    if slot.1.is_none() {
                        slot.1 = v;
                    }
                }
                None => found.push((k, v)),
            }
        }
    }
    found.sort_by_key(|(k, _)| *k);
    found
        .into_iter()
        .filter(|(k, v)| *k != FundsRowKind::Fiscal || v.is_some())
        .map(|(row, budget)| FundsRow {
            row,
            initial_budget: None,
            budget,
            executed: None,
            rate_pct: None,
            weight: None,
            score: None,
        })
        .collect()
}

static UNIT_YUAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[(（]\s*元\s*[)）]|单位\s*[:：]?\s*元").expect("static regex"));
static UNIT_WAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"万元|[(（]\s*万|单位\s*[:：]?\s*万").expect("static regex"));

/// The money unit the funds block states: `万元` or `元`. A unit cut by OCR (`资金 元)`)
/// states nothing.
fn funds_unit(rows: &[Row]) -> Option<String> {
    let text: String = rows
        .iter()
        .flat_map(|r| r.filled().map(|c| clean(&c.text)))
        .collect::<Vec<_>>()
        .join(" ");
    if UNIT_WAN.is_match(&text) {
        Some("万元".into())
    } else if UNIT_YUAN.is_match(&text) {
        Some("元".into())
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------
// Indicators

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ind {
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
    fn field(self) -> &'static str {
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

struct IndCost;
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

const BANDS: [&str; 5] = [
    "达成指标",
    "部分达成指标并具有一定效果",
    "未达成指标且效果较差",
    "达成",
    "未达成",
];

fn ind_kind(text: &str) -> Kind {
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

fn ind_header_field(k: &str) -> Option<Ind> {
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

fn expected_ind(kind: FormKind) -> &'static [Ind] {
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
fn ind_fields(headers: &[&Row], kind: FormKind) -> (Vec<Field<Ind>>, bool) {
    let mut cols: Vec<(f32, Option<Ind>, bool)> = Vec::new(); // col, field, is_fragment
    for (hi, h) in headers.iter().enumerate() {
        for p in pieces(h) {
            let k = key(&p.text);
            if labels::is_section_label(&p.text) {
                continue;
            }
            let f = ind_header_field(&k);
            // A second header line only fills columns the first left blank: where the
            // first has a cell, the second is the rest of that cell (or OCR debris).
            match cols.iter_mut().find(|(c, _, _)| (*c - p.col).abs() < 0.01) {
                Some(_) => {}
                None => cols.push((p.col, f, f.is_none() && hi == 0)),
            }
        }
    }
    cols.sort_by(|a, b| a.0.total_cmp(&b.0));
    let expected = expected_ind(kind);
    let mut fields: Vec<Field<Ind>> = Vec::new();
    let mut fragments: Vec<f32> = Vec::new();
    for (col, f, frag) in cols {
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

#[derive(Debug, Default, Clone)]
struct RawInd {
    l1: Vec<String>,
    l2: Vec<String>,
    l3: Vec<String>,
    target: Option<String>,
    planned: Option<String>,
    actual: Option<String>,
    weight: Option<String>,
    score: Option<String>,
    note: Vec<String>,
    /// The row (index into the form's rows) this was read from, rows merged into it,
    /// and rows whose text went to its note: for the explanation.
    row: usize,
    parts: Vec<usize>,
    notes: Vec<usize>,
}

impl RawInd {
    fn has_value(&self) -> bool {
        self.target.is_some() || self.planned.is_some() || self.actual.is_some()
    }
}

fn is_table_end(row: &Row) -> bool {
    let ks = keys(row);
    let first = ks.first().map(String::as_str).unwrap_or("");
    let all = ks.concat();
    first.starts_with("总分")
        || ks.iter().any(|k| k == "总分")
        || is_end_marker(row)
        || all.contains("总体判断")
        || all.contains("总体评价")
        || first.starts_with("纠错")
        || all.contains("完成可能性")
        || all.contains("绩效跟踪")
}

/// Rows with more filled cells than this are not indicator rows.
const MAX_ROW_CELLS: usize = 40;

/// In a self-evaluation every indicator has 分值 and 得分. A row with neither is part
/// of a neighbouring indicator whose text wrapped onto its own line (scans centre a
/// row's numbers between its wrapped lines): it joins the previous indicator when that
/// one has room for what the row holds (an empty target or actual), else the next.
fn merge_weightless_rows(raws: Vec<(usize, Origin, RawInd)>) -> Vec<(usize, Origin, RawInd)> {
    fn cat(a: Option<String>, b: Option<String>) -> Option<String> {
        match (a, b) {
            (Some(a), Some(b)) => Some(join(&[a, b])),
            (a, b) => a.or(b),
        }
    }
    fn absorb(into: &mut RawInd, mut part: RawInd, part_first: bool) {
        // Lines of dots, dashes and stars are scan noise, not text of the indicator.
        let chinese = |t: &String| t.chars().any(is_cjk);
        // A wrapped line carries words; a bare number on it is noise.
        let value = |t: &String| {
            t.chars().any(|c| is_cjk(c) || c.is_ascii_digit()) && parse_amount(t).is_none()
        };
        into.parts.push(part.row);
        into.parts.append(&mut part.parts);
        into.notes.append(&mut part.notes);
        part.l3.retain(chinese);
        part.note.retain(chinese);
        part.target = part.target.filter(value);
        part.actual = part.actual.filter(value);
        if part_first {
            into.l3 = part.l3.into_iter().chain(into.l3.drain(..)).collect();
            into.note = part.note.into_iter().chain(into.note.drain(..)).collect();
            into.target = cat(part.target, into.target.take());
            into.actual = cat(part.actual, into.actual.take());
        } else {
            into.l3.extend(part.l3);
            into.note.extend(part.note);
            into.target = cat(into.target.take(), part.target);
            into.actual = cat(into.actual.take(), part.actual);
        }
    }
    let mut out: Vec<(usize, Origin, RawInd)> = Vec::new();
    let mut pending: Option<RawInd> = None;
    for (t, origin, raw) in raws {
        // A weight or score is at most 100; a larger number is noise in those columns.
        let number = |v: &Option<String>| {
            v.as_deref()
                .and_then(parse_amount)
                .is_some_and(|d| d <= Decimal::from(100))
        };
        if !number(&raw.weight) && !number(&raw.score) {
            let fits_previous = pending.is_none()
                && out.last().is_some_and(|(_, _, prev)| {
                    (raw.target.is_none() || prev.target.is_none())
                        && (raw.actual.is_none() || prev.actual.is_none())
                });
            if fits_previous {
                if let Some((_, _, prev)) = out.last_mut() {
                    absorb(prev, raw, false);
                }
            } else {
                match pending.as_mut() {
                    Some(p) => absorb(p, raw, false),
                    None => pending = Some(raw),
                }
            }
            continue;
        }
        let mut raw = raw;
        if let Some(p) = pending.take() {
            absorb(&mut raw, p, true);
        }
        out.push((t, origin, raw));
    }
    if let (Some(p), Some((_, _, last))) = (pending, out.last_mut()) {
        absorb(last, p, false);
    }
    out
}

/// A row of exactly two plain numbers, the first the weight sum (100), and no values:
/// the 总分 row with its label lost.
fn is_unlabelled_total(ps: &[Piece], items: &[Item]) -> bool {
    let nums: Vec<Decimal> = ps.iter().filter_map(|p| parse_amount(&p.text)).collect();
    nums.len() == 2
        && nums[0] >= Decimal::from(99)
        && nums[0] <= Decimal::from(101)
        && !items.iter().any(|i| {
            matches!(
                i.kind,
                Kind::Measure | Kind::Band | Kind::Level1 | Kind::Level2
            )
        })
}

/// A label solved for a run of rows.
struct Label {
    first: usize,
    last: usize,
    name: String,
}

/// Groups one level column's fragments into labels: consecutive fragments are joined
/// until they read as a level name.
fn level_labels(parts: &[Option<String>], want_two: bool) -> Vec<Label> {
    let mut out = Vec::new();
    let mut r = 0;
    let matches = |t: &str| -> Option<&'static str> {
        match labels::level(t) {
            Some(Level::Two(n)) if want_two => Some(n),
            Some(Level::One(n)) if !want_two => Some(n),
            _ => None,
        }
    };
    while r < parts.len() {
        let Some(first) = parts[r].as_ref() else {
            r += 1;
            continue;
        };
        let mut text = first.clone();
        let mut last = r;
        let mut hit = matches(&text);
        while hit.is_none()
            && last + 1 < parts.len()
            && last + 1 - r < 4
            && parts[last + 1].is_some()
        {
            last += 1;
            text.push_str(parts[last].as_deref().unwrap_or(""));
            hit = matches(&text);
        }
        match hit {
            Some(n) => {
                out.push(Label {
                    first: r,
                    last,
                    name: n.to_string(),
                });
                r = last + 1;
            }
            None => {
                // A lone cut label (`时效`), or a clean custom label ending in 指标, is kept;
                // noise is not.
                let t = clean(first);
                let loose =
                    labels::level_loose(&t).filter(|l| matches!(l, Level::Two(_)) == want_two);
                if let Some(l) = loose {
                    out.push(Label {
                        first: r,
                        last: r,
                        name: l.name().to_string(),
                    });
                } else if t.ends_with("指标") && t.chars().count() >= 4 && t.chars().all(is_cjk) {
                    out.push(Label {
                        first: r,
                        last: r,
                        name: t,
                    });
                }
                r += 1;
            }
        }
    }
    out
}

/// A label assigned to a row: its name and the rows it was printed on.
type Filled = Option<(String, usize, usize)>;

/// Assigns each table row the label whose merged region covers it. Labels printed at
/// the top of their region fill down; labels centred in their region (scans, PDF
/// exports) cover the rows around them.
fn fill_levels(labels: &[Label], n: usize, top_aligned: bool) -> Vec<Filled> {
    let mut out: Vec<Filled> = vec![None; n];
    if labels.is_empty() || n == 0 {
        return out;
    }
    let mut start = 0usize;
    for (k, l) in labels.iter().enumerate() {
        let next_first = labels.get(k + 1).map_or(n, |x| x.first);
        let end = if k + 1 == labels.len() {
            n - 1
        } else if top_aligned {
            next_first.saturating_sub(1)
        } else {
            // Twice the centre. A label wrapped over two lines is centred between them,
            // and OCR puts those lines on the rows at and above the centre.
            let centre2 = l.first + l.last + usize::from(l.last > l.first);
            let e = centre2.saturating_sub(start);
            e.clamp(l.last, next_first.saturating_sub(1).max(l.last))
        };
        for slot in out.iter_mut().take(end.min(n - 1) + 1).skip(start) {
            *slot = Some((l.name.clone(), l.first, l.last));
        }
        start = end + 1;
    }
    out
}

fn span_distance(t: usize, first: usize, last: usize) -> usize {
    if t < first {
        first - t
    } else {
        t.saturating_sub(last)
    }
}

/// A level-2 fragment read under a known level 1 (`社会` under 效益指标).
fn level2_under(part: &str, parent: &str) -> Option<&'static str> {
    let k = key(part);
    if k.is_empty() {
        return None;
    }
    let c: Vec<&'static str> = labels::LEVEL2
        .iter()
        .filter(|(n, p)| *p == parent && n.starts_with(&k))
        .map(|(n, _)| *n)
        .collect();
    (c.len() == 1).then(|| c[0])
}

/// Final levels of a row from the filled label columns. A level 2 names its level 1;
/// when the two disagree, the label printed nearer the row wins.
fn resolve_levels(
    t: usize,
    l1: &Filled,
    l2: &Filled,
    l2_parts: &[Option<String>],
) -> (Option<String>, Option<String>) {
    let parent = l2.as_ref().and_then(|(n, _, _)| labels::parent_of(n));
    match (l1, l2, parent) {
        (Some((n1, f1, e1)), Some((n2, f2, e2)), Some(p)) if p != n1 => {
            if span_distance(t, *f1, *e1) < span_distance(t, *f2, *e2) {
                // Level 1 is nearer: read the nearest level-2 fragment under it.
                let lo = t.saturating_sub(2);
                let l2 = (lo..=t)
                    .rev()
                    .filter_map(|r| l2_parts.get(r).cloned().flatten())
                    .find_map(|part| level2_under(&part, n1))
                    .or_else(|| {
                        // Else the next level-2 label below that belongs to it (a label
                        // centred in its region is printed below the region's top).
                        l2_parts
                            .iter()
                            .skip(t + 1)
                            .take(12)
                            .flatten()
                            .find_map(|part| match labels::level_loose(part) {
                                Some(Level::Two(n)) if labels::parent_of(n) == Some(n1) => Some(n),
                                _ => None,
                            })
                    })
                    .map(str::to_string);
                (Some(n1.clone()), l2)
            } else {
                (Some(p.to_string()), Some(n2.clone()))
            }
        }
        (_, Some((n2, _, _)), Some(p)) => (Some(p.to_string()), Some(n2.clone())),
        (Some((n1, _, _)), None, _) => {
            // No level 2 label: read a nearby level-2 fragment under the known level 1.
            let lo = t.saturating_sub(2);
            let l2 = (lo..=t + 2)
                .filter_map(|r| l2_parts.get(r).cloned().flatten())
                .find_map(|part| level2_under(&part, n1))
                .map(str::to_string);
            (Some(n1.clone()), l2)
        }
        (l1, l2, _) => (
            l1.as_ref().map(|(n, _, _)| n.clone()),
            l2.as_ref().map(|(n, _, _)| n.clone()),
        ),
    }
}

/// The indicator table's rows as the explanation shows them: `base` is the grid index of
/// the form's first row.
pub(crate) struct TableTrace {
    base: usize,
    rows: Vec<TableRow>,
}

impl TableTrace {
    fn push(&mut self, ri: usize, row: &Row, cells: Vec<CellUse>, outcome: RowOutcome) {
        self.rows.push(TableRow {
            from: RowRef {
                row: self.base + ri,
                origin: row.origin.clone(),
            },
            cells,
            cost: None,
            shift: None,
            outcome,
        });
    }
}

/// Cells of a row as the explanation lists them, none placed yet.
fn unplaced(ps: &[Piece]) -> Vec<CellUse> {
    ps.iter()
        .map(|p| CellUse {
            text: p.text.clone(),
            col: p.col,
            field: None,
        })
        .collect()
}

fn indicators(
    rows: &[Row],
    kind: FormKind,
    mut trace: Option<&mut TableTrace>,
) -> (Vec<Indicator>, usize) {
    let Some(h) = rows.iter().position(is_indicator_header) else {
        return (Vec::new(), rows.len());
    };
    let mut headers = vec![&rows[h]];
    let mut body = h + 1;
    if let Some(next) = rows.get(h + 1) {
        let n = pieces(next)
            .iter()
            .filter(|p| ind_header_field(&key(&p.text)).is_some())
            .count();
        let first = pieces(next)
            .first()
            .map(|p| key(&p.text))
            .unwrap_or_default();
        if n >= 3 || first == "指标" {
            headers.push(next);
            body = h + 2;
        }
    }
    let (fields, complete) = ind_fields(&headers, kind);
    let lambda = if complete { 0.6 } else { 0.3 };

    // (table row, origin, raw)
    let mut raws: Vec<(usize, Origin, RawInd)> = Vec::new();
    let mut l1_parts: Vec<Option<String>> = Vec::new();
    let mut l2_parts: Vec<Option<String>> = Vec::new();
    let mut end = rows.len();
    let mut pushed: Vec<usize> = Vec::new();
    for (ri, row) in rows.iter().enumerate().skip(body) {
        if row.is_blank() {
            continue;
        }
        if is_table_end(row) {
            if let Some(tr) = trace.as_deref_mut() {
                let reason = "a closing row (总分, 评分等级, 总体评价, 完成可能性 …)";
                tr.push(
                    ri,
                    row,
                    unplaced(&pieces(row)),
                    RowOutcome::TableEnd { reason },
                );
            }
            end = ri;
            break;
        }
        let mut ps: Vec<Piece> = Vec::new();
        for p in pieces(row) {
            if labels::is_section_label(&p.text) {
                continue;
            }
            for q in split_numbers(&p) {
                ps.extend(split_trailing_measure(&q));
            }
        }
        let items: Vec<Item> = ps
            .iter()
            .map(|p| Item {
                col: p.col,
                kind: ind_kind(&p.text),
                len: p.text.chars().count(),
            })
            .collect();
        if items.len() > MAX_ROW_CELLS {
            // Not a table row (run-away text); keeps the alignment's work bounded.
            if let Some(tr) = trace.as_deref_mut() {
                let reason = "more cells than a table row has (run-away text)";
                tr.push(ri, row, unplaced(&ps), RowOutcome::Dropped { reason });
            }
            continue;
        }
        if !l1_parts.is_empty() && is_unlabelled_total(&ps, &items) {
            if let Some(tr) = trace.as_deref_mut() {
                let reason = "the 总分 row with its label lost (weight sum, then total)";
                tr.push(ri, row, unplaced(&ps), RowOutcome::TableEnd { reason });
            }
            end = ri;
            break;
        }
        let a = align(&items, &fields, &IndCost, 3, lambda);
        if let Some(tr) = trace.as_deref_mut() {
            let cells = ps
                .iter()
                .zip(&a.fields)
                .map(|(p, f)| CellUse {
                    text: p.text.clone(),
                    col: p.col,
                    field: f.map(|fi| fields[fi].id.field()),
                })
                .collect();
            // Outcome settled below, once rows are merged.
            tr.push(ri, row, cells, RowOutcome::Labels);
            if let Some(last) = tr.rows.last_mut() {
                last.cost = Some(a.cost);
                last.shift = Some(a.shift);
            }
        }
        let mut raw = RawInd {
            row: ri,
            ..RawInd::default()
        };
        for (p, f) in ps.iter().zip(&a.fields) {
            let Some(fi) = f else { continue };
            let t = p.text.clone();
            match fields[*fi].id {
                Ind::L1 => raw.l1.push(t),
                Ind::L2 => raw.l2.push(t),
                Ind::L3 => raw.l3.push(t),
                Ind::Target => raw.target = Some(t),
                Ind::Planned => raw.planned = Some(t),
                Ind::Actual => raw.actual = Some(t),
                Ind::Weight => raw.weight = Some(t),
                Ind::Score => raw.score = Some(t),
                Ind::Note => raw.note.push(t),
            }
        }
        // A level-3 name that landed in a level column: the rightmost unknown text there.
        if raw.l3.is_empty() && raw.has_value() && raw.l2.len() >= 2 {
            // Two labels in the level-2 column: the second is the level-3 name (printed
            // like a level, e.g. 服务对象满意度指标 twice).
            if let Some(v) = raw.l2.pop() {
                raw.l3.push(v);
            }
        }
        if raw.l3.is_empty() && raw.has_value() {
            for col in [&mut raw.l2, &mut raw.l1] {
                if let Some(last) = col.last() {
                    if labels::level(last).is_none() {
                        if let Some(v) = col.pop() {
                            raw.l3.push(v);
                        }
                        break;
                    }
                }
            }
        }
        // An unlabelled row whose "weight" is the weight sum (100) is the total row.
        let weight_sum = raw.weight.as_deref().and_then(parse_amount);
        if raw.target.is_none()
            && raw.score.is_some()
            && weight_sum.is_some_and(|w| w >= Decimal::from(99) && w <= Decimal::from(101))
        {
            if let Some(last) = trace.as_deref_mut().and_then(|tr| tr.rows.last_mut()) {
                last.outcome = RowOutcome::TableEnd {
                    reason: "an unlabelled row whose weight is the weight sum (100): the total row",
                };
            }
            end = ri;
            break;
        }
        let t = l1_parts.len();
        l1_parts.push(non_empty(join(&raw.l1)));
        l2_parts.push(non_empty(join(&raw.l2)));
        let wrapped_text =
            kind == FormKind::SelfEvaluation && (!raw.l3.is_empty() || !raw.note.is_empty());
        if raw.has_value() || (raw.weight.is_some() && !raw.l3.is_empty()) || wrapped_text {
            // (Rows without 分值/得分 are merged into their indicator below.)
            pushed.push(ri);
            raws.push((t, row.origin.clone(), raw));
        } else if !raw.note.is_empty() && raw.l3.is_empty() {
            if let Some((_, _, prev)) = raws.last_mut() {
                prev.note.extend(raw.note.iter().cloned());
                prev.notes.push(ri);
            }
        } else if let Some(last) = trace.as_deref_mut().and_then(|tr| tr.rows.last_mut()) {
            if raw.l1.is_empty() && raw.l2.is_empty() {
                last.outcome = RowOutcome::Dropped {
                    reason: "no target, value, weight or score, and no level label",
                };
            }
        }
    }
    if kind == FormKind::SelfEvaluation {
        raws = merge_weightless_rows(raws);
    }
    let first_ind = raws.first().map_or(0, |(t, _, _)| *t);
    let n = l1_parts.len();
    // Labels printed on the first indicator row mean labels sit at the top of their
    // merged regions; otherwise they are centred in them.
    // A label wrapped over several rows is a merged cell rendered with its text
    // centred (PDF and scan exports): then every label is centred in its region.
    let l1_labels = level_labels(&l1_parts, false);
    let l2_labels = level_labels(&l2_parts, true);
    let wrapped = l1_labels.iter().chain(&l2_labels).any(|l| l.last > l.first);
    let top = !wrapped
        && (l1_parts.get(first_ind).is_some_and(Option::is_some)
            || l2_parts.get(first_ind).is_some_and(Option::is_some));
    let l1_fill = fill_levels(&l1_labels, n, top);
    let mut l2_fill = fill_levels(&l2_labels, n, top);
    if !top {
        // Centred labels place region boundaries only roughly. Near a boundary, a
        // level-3 name that plainly names one of the two adjacent level 2s decides.
        for (t, _, raw) in &raws {
            let Some(hint) = labels::level2_hint(&join(&raw.l3)) else {
                continue;
            };
            let here = l2_fill.get(*t).cloned().flatten();
            if here.as_ref().is_some_and(|(n, _, _)| n == hint) {
                continue;
            }
            let lo = t.saturating_sub(2);
            let hi = (t + 2).min(n.saturating_sub(1));
            let near = (lo..=hi)
                .filter_map(|r| l2_fill.get(r).cloned().flatten())
                .find(|(n, _, _)| n == hint);
            if let Some(found) = near {
                l2_fill[*t] = Some(found);
            }
        }
    }
    if let Some(tr) = trace {
        // Every row merged into an indicator says which (1-based, as indicators.ordinal).
        let settle = |ri: usize, outcome: RowOutcome, tr: &mut TableTrace| {
            let row = tr.base + ri;
            if let Some(t) = tr.rows.iter_mut().find(|t| t.from.row == row) {
                t.outcome = outcome;
            }
        };
        for &ri in &pushed {
            let reason = "a wrapped line without 分值/得分 and no indicator to join";
            settle(ri, RowOutcome::Dropped { reason }, tr);
        }
        for (k, (_, _, raw)) in raws.iter().enumerate() {
            settle(raw.row, RowOutcome::Indicator { indicator: k + 1 }, tr);
            for &p in &raw.parts {
                settle(p, RowOutcome::PartOf { indicator: k + 1 }, tr);
            }
            for &p in &raw.notes {
                settle(p, RowOutcome::NoteOf { indicator: k + 1 }, tr);
            }
        }
    }
    let out = raws
        .into_iter()
        .map(|(t, origin, raw)| {
            let (level1, level2) = resolve_levels(
                t,
                l1_fill.get(t).unwrap_or(&None),
                l2_fill.get(t).unwrap_or(&None),
                &l2_parts,
            );
            let amount = |s: &Option<String>| s.as_deref().and_then(parse_amount);
            Indicator {
                level1,
                level2,
                level3: non_empty(join(&raw.l3)),
                target: raw.target.as_deref().and_then(parse_value),
                planned_to_date: raw.planned.as_deref().and_then(parse_value),
                actual: raw.actual.as_deref().and_then(parse_value),
                weight: amount(&raw.weight),
                score: amount(&raw.score),
                deviation_note: non_empty(join(&raw.note)),
                source: origin,
            }
        })
        .collect();
    (out, end)
}

// ---------------------------------------------------------------------------------------
// Goals

/// The header row of the goals block (预期目标 / 实际完成情况 / 年度总体目标 …), also when
/// OCR has cut its labels (`预 | i期目标 | 实 | 际完成情`).
fn is_goal_header(row: &Row) -> bool {
    let k = row_key(row);
    k.contains("期目标")
        || k.contains("总体目标")
        || k.contains("项目总目标")
        || k.contains("完成情况")
        || k.contains("绩效目标")
        || k.contains("际完成情")
}

fn is_goal_label(text: &str) -> bool {
    let k = key(text);
    let n = k.chars().count();
    n > 0 && n <= 8 && k.chars().all(|c| "年度总体目标项目绩效预期".contains(c))
}

/// Goal texts between the funds block and the indicator table:
/// (planned, actual, project-level goal of declarations).
fn goals(rows: &[Row], kind: FormKind) -> (Option<String>, Option<String>, Option<String>) {
    let Some(h) = rows.iter().position(is_goal_header) else {
        return (None, None, None);
    };
    let hp = pieces(&rows[h]);
    let mut planned: Vec<String> = Vec::new();
    let mut actual: Vec<String> = Vec::new();
    let mut project: Vec<String> = Vec::new();
    let split_col: Option<f32> = if kind == FormKind::TargetDeclaration {
        hp.iter()
            .filter(|p| key(&p.text).contains("年度总体目标"))
            .map(|p| p.col)
            .next_back()
    } else {
        hp.iter()
            .find(|p| {
                let k = key(&p.text);
                k.contains("实际完成") || k.contains("完成情") || k.starts_with('实')
            })
            .map(|p| p.col)
    };
    // OCR splits centred labels over cells (`预 | i期目标`): the plan's region then
    // extends as far right of its label's centre as it starts left of it.
    let planned_cells: Vec<f32> = hp
        .iter()
        .filter(|p| {
            let k = key(&p.text);
            k.contains("预") || k.contains("期目标")
        })
        .map(|p| p.col)
        .collect();
    let split_col = match (split_col, planned_cells.first(), planned_cells.last()) {
        (Some(a), Some(&p0), Some(&p1)) if kind != FormKind::TargetDeclaration && p1 > p0 => {
            let centre = (p0 + p1) / 2.0;
            let first_content = rows[h + 1..]
                .iter()
                .take_while(|r| !is_indicator_header(r))
                .flat_map(pieces)
                .filter(|p| !is_goal_label(&p.text))
                .map(|p| p.col)
                .fold(f32::INFINITY, f32::min);
            if first_content.is_finite() {
                Some(a.min((2.0 * centre - first_content + 1.0).max(p1 + 1.0)))
            } else {
                Some(a)
            }
        }
        (s, _, _) => s,
    };
    let min_content_col = hp
        .iter()
        .find(|p| {
            let k = key(&p.text);
            k.contains("期目标") || k.contains("项目总目标") || k.starts_with('预')
        })
        .map(|p| p.col);
    let mut mode_actual = false;
    for (i, row) in rows.iter().enumerate().skip(h) {
        if is_indicator_header(row) {
            break;
        }
        let ps: Vec<Piece> = pieces(row)
            .into_iter()
            .map(|mut p| {
                // A goal label printed as the first paragraph of its own cell.
                for label in ["预期目标", "实际完成情况", "年度总体目标", "项目总目标"]
                {
                    if let Some(rest) = p.text.strip_prefix(label) {
                        if !rest.trim().is_empty() {
                            p.text = rest.trim().to_string();
                        }
                    }
                }
                p
            })
            .collect();
        // Two texts in a row shifted against its header: the first is the plan, the
        // second the outcome, whatever their columns.
        let texts: Vec<&Piece> = ps
            .iter()
            .filter(|p| !is_goal_label(&p.text) && key(&p.text).chars().count() > 12)
            .collect();
        if i > h
            && kind != FormKind::TargetDeclaration
            && texts.len() == 2
            && ps.len() == 2
            && split_col.is_some_and(|c| {
                texts.iter().all(|p| p.col < c) || texts.iter().all(|p| p.col >= c)
            })
        {
            planned.push(texts[0].text.clone());
            actual.push(texts[1].text.clone());
            continue;
        }
        if ps.len() == 1 {
            let k = key(&ps[0].text);
            if k == "预期目标" || k == "年度总体目标" {
                mode_actual = false;
                continue;
            }
            if k.contains("实际完成情况") && k.chars().count() <= 10 {
                mode_actual = true;
                continue;
            }
        }
        for p in &ps {
            let k = key(&p.text);
            if i == h {
                // Header row: labels only, unless a long text sits in it.
                if k.chars().count() <= 12 {
                    continue;
                }
            }
            if is_goal_label(&p.text) {
                continue;
            }
            // OCR debris of the 年度总体目标 label in the row's first cell (`左座`).
            let first_in_row = ps.first().is_some_and(|f| (f.col - p.col).abs() < 0.01);
            if first_in_row && min_content_col.is_some_and(|m| p.col < m) && k.chars().count() <= 3
            {
                continue;
            }
            let target = if ps.len() == 1 && split_col.is_none_or(|_| row.cells.len() <= 1) {
                if mode_actual {
                    &mut actual
                } else {
                    &mut planned
                }
            } else {
                match split_col {
                    Some(c) if p.col >= c => {
                        if kind == FormKind::TargetDeclaration {
                            &mut planned
                        } else {
                            &mut actual
                        }
                    }
                    _ => {
                        if kind == FormKind::TargetDeclaration {
                            &mut project
                        } else {
                            &mut planned
                        }
                    }
                }
            };
            target.push(p.text.clone());
        }
    }
    (
        non_empty(join(&planned)),
        non_empty(join(&actual)),
        non_empty(join(&project)),
    )
}

// ---------------------------------------------------------------------------------------
// Totals, grade, monitoring outlook

fn total_and_grade(rows: &[Row]) -> (Option<Decimal>, Option<String>) {
    let mut total = None;
    let mut grade = None;
    for row in rows {
        let ps = pieces(row);
        let toks: Vec<String> = ps
            .iter()
            .flat_map(|p| p.raw.split_whitespace().map(clean).collect::<Vec<_>>())
            .filter(|t| !t.is_empty())
            .collect();
        let nums: Vec<Decimal> = toks.iter().filter_map(|t| parse_amount(t)).collect();
        let k = row_key(row);
        let labelled_total = k.contains("总分");
        let grade_row = k.contains("评分等") || is_end_marker(row);
        let total_row = (nums.len() >= 2 && (labelled_total || grade_row || toks.len() <= 4))
            || (labelled_total && nums.len() == 1);
        if total.is_none() && total_row {
            total = nums.last().copied();
        }
        if grade_row && grade.is_none() {
            grade = toks
                .iter()
                .find(|t| labels::GRADES.contains(&t.as_str()))
                .cloned()
                .or_else(|| {
                    toks.iter().find_map(|t| {
                        let last = t.chars().last()?.to_string();
                        (labels::GRADES.contains(&last.as_str()) && key(t).starts_with("评分等级"))
                            .then_some(last)
                    })
                });
        }
    }
    (total, grade)
}

/// The text after the first piece whose key satisfies `is_label`.
fn after_label(row: &Row, is_label: impl Fn(&str) -> bool) -> Option<String> {
    let ps = pieces(row);
    let i = ps.iter().position(|p| is_label(&key(&p.text)))?;
    let rest: Vec<String> = ps[i + 1..]
        .iter()
        .filter(|p| !key(&p.text).contains("可能性"))
        .map(|p| p.text.clone())
        .collect();
    non_empty(join(&rest))
}

fn is_corrective_label(k: &str) -> bool {
    k.starts_with("纠偏") || k.starts_with("纠错") || k.contains("纠偏措施")
}

/// A judgement question of the overall-judgement block (年度项目预算完成可能性 …).
fn is_judgement_label(k: &str) -> bool {
    k.chars().count() >= 6 && (k.contains("可能性") || k.ends_with('性')) && !k.contains("总体")
}

/// Monitoring forms end with two judgements (budget, goals) and corrective actions.
/// Labels vary between producers, so a judgement about 目标 is the goals outlook and
/// the other is the budget outlook, in order.
fn monitoring_tail(rows: &[Row]) -> (Option<String>, Option<String>, Option<String>) {
    let mut budget: Option<Option<String>> = None;
    let mut goals: Option<Option<String>> = None;
    let mut actions = None;
    for row in rows {
        let ks = keys(row);
        if ks.iter().any(|k| is_corrective_label(k)) {
            if actions.is_none() {
                actions = after_label(row, is_corrective_label);
            }
            continue;
        }
        let Some(label) = ks.iter().find(|k| is_judgement_label(k)) else {
            continue;
        };
        let value = after_label(row, is_judgement_label);
        if label.contains("目标") && goals.is_none() {
            goals = Some(value);
        } else if budget.is_none() && !label.contains("目标") {
            budget = Some(value);
        } else if goals.is_none() {
            goals = Some(value);
        }
    }
    (budget.flatten(), goals.flatten(), actions)
}

// ---------------------------------------------------------------------------------------
// Dates, years, districts

static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(?:至|-|—|~|到)\s*(20\d{2})\s*年\s*(\d{1,2})\s*月",
    )
    .expect("static regex")
});
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(20\d{2})\s*年度").expect("static regex"));
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})").expect("static regex")
});

const DISTRICTS: [&str; 16] = [
    "黄浦区",
    "徐汇区",
    "长宁区",
    "静安区",
    "普陀区",
    "虹口区",
    "杨浦区",
    "闵行区",
    "宝山区",
    "嘉定区",
    "浦东新区",
    "金山区",
    "松江区",
    "青浦区",
    "奉贤区",
    "崇明区",
];
static DISTRICT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"市(\p{Han}{1,3}?(?:新区|区|县))").expect("static regex"));

fn district_of(texts: &[&Option<String>]) -> Option<String> {
    for t in texts.iter().filter_map(|t| t.as_deref()) {
        if let Some(d) = DISTRICTS.iter().find(|d| t.contains(*d)) {
            return Some((*d).to_string());
        }
    }
    for t in texts.iter().filter_map(|t| t.as_deref()) {
        if let Some(c) = DISTRICT.captures(t) {
            return c.get(1).map(|m| m.as_str().to_string());
        }
    }
    None
}

fn iso_date(s: &str) -> Option<String> {
    let c = DATE.captures(s)?;
    let y: u32 = c.get(1)?.as_str().parse().ok()?;
    let m: u32 = c.get(2)?.as_str().parse().ok()?;
    let d: u32 = c.get(3)?.as_str().parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

static PROSE_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(20\d{2})\s*年").expect("static regex"));

/// Last resort for forms whose title carries no year: the year the form's own text
/// mentions most often (`在2023年计划开展…`).
fn year_in_prose(rows: &[Row]) -> Option<i32> {
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for r in rows {
        for c in PROSE_YEAR.captures_iter(&r.joined()) {
            if let Some(y) = c.get(1).and_then(|m| m.as_str().parse::<i32>().ok()) {
                match counts.iter_mut().find(|(v, _)| *v == y) {
                    Some(e) => e.1 += 1,
                    None => counts.push((y, 1)),
                }
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts.first().map(|(y, _)| *y)
}

/// The year a whole file speaks of: its first stand-alone year line, if any.
pub(crate) fn file_year(grid: &Grid) -> Option<i32> {
    grid.rows.iter().find_map(year_line)
}

// ---------------------------------------------------------------------------------------

/// Which form a segment is: by its title, else by its content.
fn form_kind(rows: &[Row]) -> FormKind {
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
    let (total_score, grade) = if kind == FormKind::SelfEvaluation {
        total_and_grade(&rows[table_end.min(rows.len())..])
    } else {
        (None, None)
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
        outlook_budget,
        outlook_goals,
        corrective_actions,
        goal_project,
        project_key: None,
        source: RecordSource {
            file: String::new(),
            sha256: String::new(),
            format: String::new(),
            pages: Vec::new(),
            link: String::new(),
            lines: None,
            text_recovery: None,
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
            ("header", 0, funds_start.min(anchor)),
            ("funds", funds_start.min(anchor), unit_rows_end),
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
