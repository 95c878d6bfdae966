//! Parsing of published numbers and indicator values.

use jixiao_grid::text::{clean, fold_width};
use jixiao_record::{Op, Value};
use regex::Regex;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::LazyLock;

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$").expect("static regex")
});

static COMPARISON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(>=|<=|=>|=<|≥|≤|≧|≦|>|<|=)?\s*((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(.*)$")
        .expect("static regex")
});

/// Folds width and removes spaces so `１２３．５` and `1 234` parse.
fn fold(s: &str) -> String {
    clean(s).chars().map(fold_width).collect()
}

/// A published amount, rate, weight or score: thousands separators removed, scale kept.
/// A trailing `%` is allowed (rates printed as `40.87%`). `-`, empty and anything that is
/// not a plain number give `None`.
pub fn parse_amount(s: &str) -> Option<Decimal> {
    let f = fold(s);
    let f = f.trim();
    let f = f.strip_suffix('%').unwrap_or(f).trim();
    if !NUMBER.is_match(f) {
        return None;
    }
    Decimal::from_str(&f.replace(',', "")).ok()
}

/// True when the text is a plain number as [`parse_amount`] reads it.
pub fn is_amount(s: &str) -> bool {
    parse_amount(s).is_some()
}

/// Parses an indicator value: `≥90.00(%)`, `>=40000份`, `86.00(%)`, `98%以上`, `及时`.
/// Qualitative text keeps `op`, `value` and `unit` null. Returns `None` for empty text.
pub fn parse_value(s: &str) -> Option<Value> {
    // OCR bullets and dots around a value are not part of it.
    let text = clean(s).trim_matches(['·', '•', '・']).trim().to_string();
    if text.is_empty() {
        return None;
    }
    let folded: String = text
        .chars()
        .map(|c| match c {
            '＞' => '>',
            '＜' => '<',
            '＝' => '=',
            c => fold_width(c),
        })
        .collect();
    let qualitative = Value {
        text: text.clone(),
        op: None,
        value: None,
        unit: None,
    };
    let Some(caps) = COMPARISON.captures(folded.trim()) else {
        return Some(qualitative);
    };
    let mut op = caps.get(1).map(|m| match m.as_str() {
        ">=" | "=>" | "≥" | "≧" => Op::Ge,
        "<=" | "=<" | "≤" | "≦" => Op::Le,
        ">" => Op::Gt,
        "<" => Op::Lt,
        _ => Op::Eq,
    });
    let number = caps.get(2).map_or("", |m| m.as_str()).replace(',', "");
    let Ok(value) = Decimal::from_str(&number) else {
        return Some(qualitative);
    };
    let mut rest = caps.get(3).map_or("", |m| m.as_str()).trim().to_string();
    if op.is_none() {
        for (suffix, o) in [
            ("及以上", Op::Ge),
            ("以上", Op::Ge),
            ("及以下", Op::Le),
            ("以下", Op::Le),
            ("以内", Op::Le),
        ] {
            if let Some(r) = rest.strip_suffix(suffix) {
                rest = r.trim().to_string();
                op = Some(o);
                break;
            }
        }
    }
    let unit = if rest.is_empty() {
        None
    } else if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        if inner.contains(['(', ')']) {
            return Some(qualitative);
        }
        Some(clean(inner))
    } else if rest.chars().any(|c| c.is_ascii_digit())
        || rest.chars().count() > 8
        || rest.starts_with(['年', '月', '日', '号', '时', '点'])
        || rest.contains(['(', ')'])
    {
        return Some(qualitative);
    } else {
        Some(rest)
    };
    Some(Value {
        text,
        op,
        value: Some(value),
        unit: unit.filter(|u| !u.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> (Option<Op>, Option<String>, Option<String>) {
        let v = parse_value(s).expect("value");
        (v.op, v.value.map(|d| d.to_string()), v.unit)
    }

    #[test]
    fn comparisons_and_units() {
        assert_eq!(
            v(">85(%)"),
            (Some(Op::Gt), Some("85".into()), Some("%".into()))
        );
        assert_eq!(
            v("≥3.00(次)"),
            (Some(Op::Ge), Some("3.00".into()), Some("次".into()))
        );
        assert_eq!(
            v(">160.00(人 次)"),
            (Some(Op::Gt), Some("160.00".into()), Some("人次".into()))
        );
        assert_eq!(
            v(">=40000份"),
            (Some(Op::Ge), Some("40000".into()), Some("份".into()))
        );
        assert_eq!(
            v("≤100000.00 (元/人/年)"),
            (
                Some(Op::Le),
                Some("100000.00".into()),
                Some("元/人/年".into())
            )
        );
        assert_eq!(
            v("86.00(%)"),
            (None, Some("86.00".into()), Some("%".into()))
        );
        assert_eq!(v("40.87%"), (None, Some("40.87".into()), Some("%".into())));
        assert_eq!(
            v("98%以上"),
            (Some(Op::Ge), Some("98".into()), Some("%".into()))
        );
        assert_eq!(
            v("＞1,000(元)"),
            (Some(Op::Gt), Some("1000".into()), Some("元".into()))
        );
        assert_eq!(v("100.00"), (None, Some("100.00".into()), None));
    }

    #[test]
    fn qualitative_stays_text() {
        for q in [
            "及时",
            "达成指标",
            "2025 年 5-7 月",
            "12月31日",
            "11月举办",
            "使用效率 100%",
            "12月前",
        ] {
            assert_eq!(v(q), (None, None, None), "{q}");
        }
        assert!(parse_value("  ").is_none());
    }

    #[test]
    fn amounts() {
        assert_eq!(
            parse_amount("1,670.50").map(|d| d.to_string()),
            Some("1670.50".into())
        );
        assert_eq!(
            parse_amount("40.87%").map(|d| d.to_string()),
            Some("40.87".into())
        );
        assert_eq!(
            parse_amount("156").map(|d| d.to_string()),
            Some("156".into())
        );
        assert_eq!(parse_amount("-"), None);
        assert_eq!(parse_amount("1,2"), None);
        assert_eq!(parse_amount("≥90"), None);
    }
}
