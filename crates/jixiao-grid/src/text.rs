//! Text normalisation shared by readers and the form parser.
//!
//! * [`clean`] turns raw cell text into the "cleaned text" of the record contract: HTML
//!   remnants removed, whitespace runs collapsed, no space between two CJK characters,
//!   trimmed. Full-width and half-width forms are kept as published.
//! * [`key`] folds text further for *matching* labels: full-width ASCII to half-width,
//!   all whitespace and punctuation removed. Never used for output.

use regex::Regex;
use std::sync::LazyLock;

static HTML_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>").expect("static regex"));

/// True for characters that are written without spaces between them in Chinese text:
/// ideographs, CJK punctuation and full-width forms.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{3000}'..='\u{303f}'
        | '\u{ff00}'..='\u{ffef}'
        | '\u{2018}'..='\u{201f}'
    )
}

/// Removes HTML remnants (`<p>`, `</b>`, `<sub>` …) and decodes the few entities that
/// appear in exports.
pub fn strip_html(s: &str) -> String {
    if !s.contains(['<', '&']) {
        return s.to_owned();
    }
    let s = HTML_TAG.replace_all(s, "");
    if s.contains('&') {
        s.replace("&nbsp;", " ")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    } else {
        s.into_owned()
    }
}

/// Cleaned text: HTML removed, whitespace collapsed, no space between CJK characters,
/// trimmed.
pub fn clean(s: &str) -> String {
    if !s.is_empty()
        && s.is_ascii()
        && !s.contains(['<', '&'])
        && !s.contains("  ")
        && !s.contains(|c: char| c.is_whitespace() && c != ' ')
        && s.trim() == s
    {
        return s.to_owned();
    }
    let s = strip_html(s);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let prev = out.chars().last();
            let next = chars.get(i).copied();
            match (prev, next) {
                (None, _) | (_, None) => {}
                (Some(p), Some(n)) if is_cjk(p) && is_cjk(n) => {}
                _ => out.push(' '),
            }
            let _ = start;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Folds a full-width ASCII variant (`（`, `：`, `％`, `＞` …) to its half-width form.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// A matching key: cleaned, width-folded, without whitespace or punctuation. (What
/// [`clean`] does beyond removing HTML only moves whitespace, which the key drops, so
/// the key is taken from the text with its HTML removed: the form parser asks for keys
/// of every cell many times, and `clean` copies the text three times.)
pub fn key(s: &str) -> String {
    let keep = |c: &char| !c.is_whitespace() && !is_punct(*c);
    if s.contains(['<', '&']) {
        strip_html(s).chars().map(fold_width).filter(keep).collect()
    } else {
        s.chars().map(fold_width).filter(keep).collect()
    }
}

/// Punctuation ignored by [`key`].
fn is_punct(c: char) -> bool {
    matches!(
        c,
        ':' | ';'
            | ','
            | '.'
            | '·'
            | '•'
            | '、'
            | '。'
            | '，'
            | '_'
            | '-'
            | '—'
            | '('
            | ')'
            | '['
            | ']'
            | '【'
            | '】'
            | '〔'
            | '〕'
            | '「'
            | '」'
            | '|'
            | '/'
            | '\\'
            | '*'
            | '~'
            | '\''
            | '"'
            | '“'
            | '”'
            | '‘'
            | '’'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_removes_html_and_cjk_spaces() {
        assert_eq!(clean("<p>年度 总体 目标</p>"), "年度总体目标");
        assert_eq!(clean(" >160.00(人 次) "), ">160.00(人次)");
        assert_eq!(clean("工作,为 2026"), "工作,为 2026");
        assert_eq!(clean("<b></b>"), "");
        assert_eq!(clean("a   b"), "a b");
    }

    #[test]
    fn the_key_is_the_key_of_the_cleaned_text() {
        let of_clean = |s: &str| -> String {
            clean(s)
                .chars()
                .map(fold_width)
                .filter(|c| !c.is_whitespace() && !is_punct(*c))
                .collect()
        };
        for s in [
            "",
            "  ",
            "年度 总体　目标",
            "<p>产出&nbsp;指标</p>",
            "a &amp; b &lt;c&gt; &quot;d&quot;",
            "（万元）： ≥90.00(%)",
            "\t其中：当年\n财政拨款 ",
            "A  B\u{3000}Ｃ",
            "<b>x</b>y z",
            "<br/>1、 2。 3",
        ] {
            assert_eq!(key(s), of_clean(s), "{s:?}");
        }
    }

    #[test]
    fn key_folds_width_and_punctuation() {
        assert_eq!(key("项目资金（万元）"), "项目资金万元");
        assert_eq!(key("其中: 当年财政 拨款"), "其中当年财政拨款");
        assert_eq!(key("执行率（%）"), "执行率%");
    }
}
