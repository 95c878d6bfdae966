//! The header block: 项目名称 / 主管部门 / 实施单位 / 项目性质 … key–value pairs, also when
//! a label is fused with its value or split over two cells by OCR.

use crate::parse::pieces::{join, pieces, Piece};
use jixiao_grid::text::{clean, is_cjk, key};
use jixiao_grid::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeadKey {
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
    pub(crate) fn field(self) -> &'static str {
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

pub(crate) const HEAD_KEYS: [(&str, HeadKey); 13] = [
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

pub(crate) fn head_key_exact(k: &str) -> Option<HeadKey> {
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
pub(crate) fn head_key_prefix(text: &str) -> Option<(HeadKey, String)> {
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
pub(crate) enum Tok {
    Key(HeadKey),
    Val(String),
}

pub(crate) fn head_tokens(row: &Row) -> Vec<Tok> {
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
                        bbox: p.bbox,
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

pub(crate) const FRAGMENT_TRIM: &[char] = &[
    ':', '：', '·', '•', '_', ' ', '.', ',', '、', '|', '，', '；', ';',
];

/// Reads 项目名称 / 主管部门 / … pairs from the preamble rows.
pub(crate) fn head_fields(rows: &[Row]) -> Vec<(HeadKey, String, usize)> {
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
pub(crate) fn split_two_names(row: &Row) -> Option<(String, String)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(tsv: &str) -> Vec<Row> {
        jixiao_text::parse(tsv).rows
    }

    fn fields(tsv: &str) -> Vec<(HeadKey, String)> {
        head_fields(&rows(tsv))
            .into_iter()
            .map(|(k, v, _)| (k, v))
            .collect()
    }

    #[test]
    fn labels_and_their_values_pair_up_across_a_row() {
        let f = fields("项目名称\t\t人才工作经费\n主管部门\t上海市某局\t实施单位\t上海市某中心\n");
        assert_eq!(
            f,
            [
                (HeadKey::Name, "人才工作经费".to_string()),
                (HeadKey::Department, "上海市某局".to_string()),
                (HeadKey::Implementer, "上海市某中心".to_string()),
            ]
        );
    }

    #[test]
    fn a_label_fused_with_its_value_or_split_by_ocr_is_still_a_label() {
        assert_eq!(
            fields("项目名称 专业技术人员经费\n"),
            [(HeadKey::Name, "专业技术人员经费".to_string())]
        );
        // 实施单位 | 立: the label's last character read as a cell of its own.
        assert_eq!(
            fields("实施单位\t立\t上海市某中心\n"),
            [(HeadKey::Implementer, "上海市某中心".to_string())]
        );
        assert_eq!(
            fields("项目\t名称\t某项目\n"),
            [(HeadKey::Name, "某项目".to_string())]
        );
    }

    #[test]
    fn two_names_after_a_department_label_are_department_and_implementer() {
        let r = &rows("主管部门\t上海市某某局\t\t上海市某某中心\n")[0];
        assert_eq!(
            split_two_names(r),
            Some(("上海市某某局".to_string(), "上海市某某中心".to_string()))
        );
        let one = &rows("主管部门\t上海市某某局\n")[0];
        assert_eq!(split_two_names(one), None);
    }
}
