//! Pieces of a row: its filled cells with column and cleaned text, and the splits of
//! cells that hold several values (`- 0.00`, a label fused with its numbers).

use crate::value::{parse_amount, parse_value};
use jixiao_grid::text::{clean, is_cjk};
use jixiao_grid::Row;

/// One cell with its column and cleaned text.
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    pub(crate) col: f32,
    pub(crate) raw: String,
    pub(crate) text: String,
    /// Where its cell's text was printed (`[x0, top, x1, bottom]`), when the reader
    /// knows ([`jixiao_grid::Cell::bbox`]); pieces split from a cell share its box.
    pub(crate) bbox: Option<[f32; 4]>,
}

/// True for a cell of nothing but OCR debris: punctuation without a letter, digit or
/// CJK character (`,,,`, `·`, `|`, `_`, `、`; CJK punctuation is punctuation too).
/// Dashes are kept: `-` means "not applicable".
pub(crate) fn is_debris(text: &str) -> bool {
    !text.is_empty()
        && !text.chars().any(char::is_alphanumeric)
        && !text
            .chars()
            .any(|c| matches!(c, '-' | '—' | '－' | '–' | '/'))
}

/// The row's filled cells as pieces, debris cells left out.
pub(crate) fn pieces(row: &Row) -> Vec<Piece> {
    row.cells
        .iter()
        .filter(|c| !c.is_blank() && !is_debris(c.cleaned()))
        .map(|c| Piece {
            col: c.col,
            raw: c.text.clone(),
            text: c.cleaned().to_string(),
            bbox: c.bbox,
        })
        .collect()
}

/// The row's filled cells as pieces, debris included: for the goal texts, which other
/// renderings print in one merged cell with their debris (`获得离证.好评`), so a debris
/// cell of a text export is kept as their text keeps it.
pub(crate) fn pieces_with_debris(row: &Row) -> Vec<Piece> {
    row.cells
        .iter()
        .filter(|c| !c.is_blank())
        .map(|c| Piece {
            col: c.col,
            raw: c.text.clone(),
            text: c.cleaned().to_string(),
            bbox: c.bbox,
        })
        .collect()
}

/// Splits a cell that holds several whitespace-separated plain numbers or dashes
/// (`- 0.00`, `0.00 0.00`) into one piece each, at fractional columns.
pub(crate) fn split_numbers(p: &Piece) -> Vec<Piece> {
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
                bbox: p.bbox,
            })
            .collect();
    }
    vec![p.clone()]
}

/// Splits a label cell with numbers fused to its end (`上年结转资金 0.00`) into the label
/// and the numbers.
pub(crate) fn split_trailing_numbers(p: &Piece) -> (String, Vec<Piece>) {
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
            bbox: p.bbox,
        })
        .collect();
    (clean(&toks[..k].join(" ")), nums)
}

/// Splits a name fused with its target in one cell (`服务满意度 ≥80.00`).
pub(crate) fn split_trailing_measure(p: &Piece) -> Vec<Piece> {
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
                    bbox: p.bbox,
                },
                Piece {
                    col: p.col + 0.5,
                    raw: last.to_string(),
                    text: clean(last),
                    bbox: p.bbox,
                },
            ];
        }
    }
    vec![p.clone()]
}

/// Joins cleaned fragments of one value spread over cells: no separator between CJK, a
/// space between ASCII words.
pub(crate) fn join(parts: &[String]) -> String {
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

pub(crate) fn non_empty(s: String) -> Option<String> {
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debris_is_punctuation_alone_and_dashes_are_kept() {
        for d in [",,,", "·", "|", "_", "、", "，", "："] {
            assert!(is_debris(d), "{d}");
        }
        for t in ["-", "—", "/", "中", "1", "a"] {
            assert!(!is_debris(t), "{t}");
        }
    }
}
