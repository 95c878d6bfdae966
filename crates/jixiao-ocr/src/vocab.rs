//! Closed vocabularies of cell text that OCR may snap to; nothing else is changed.

/// Closed vocabularies snap near misses; nothing else is changed. A cell holding only
/// a dash-like stroke is the placeholder `-` (the model reads a lone `-` as 一 or —).
/// Empty readings are dropped.
pub(crate) fn vocabulary(text: &str, alone: bool) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if alone && matches!(t, "一" | "—" | "–" | "－" | "_" | "一一" | "——" | "~") {
        return Some("-".into());
    }
    // A speck beside a number reads as `·`, `'` or a second `.`: no number is printed
    // with one (`.9.75` is 9.75; a lone `.5` keeps its point).
    let speck = |c: char| matches!(c, '·' | '\'' | '`' | '‘' | '’');
    let mut core = t.trim_matches(speck);
    for _ in 0..2 {
        if let Some(rest) = core.strip_prefix('.') {
            if rest.contains('.') {
                core = rest;
            }
        }
        if let Some(rest) = core.strip_suffix('.') {
            if rest.contains('.') {
                core = rest;
            }
        }
    }
    if core != t
        && core.starts_with(|c: char| c.is_ascii_digit())
        && core.ends_with(|c: char| c.is_ascii_digit() || c == '%' || c == ')')
    {
        return Some(core.to_string());
    }
    Some(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::vocabulary;

    #[test]
    fn placeholders_snap_and_numbers_lose_specks_but_nothing_else_changes() {
        assert_eq!(vocabulary("一", true).as_deref(), Some("-"));
        assert_eq!(vocabulary("一", false).as_deref(), Some("一"));
        assert_eq!(vocabulary("·5", true).as_deref(), Some("5"));
        assert_eq!(vocabulary("95.00(%)·", true).as_deref(), Some("95.00(%)"));
        assert_eq!(vocabulary("·提高", true).as_deref(), Some("·提高"));
        assert_eq!(vocabulary(".9.75", true).as_deref(), Some("9.75"));
        assert_eq!(vocabulary("9.75.", true).as_deref(), Some("9.75"));
        assert_eq!(vocabulary(".5", true).as_deref(), Some(".5"));
        assert_eq!(vocabulary("12.5", true).as_deref(), Some("12.5"));
        assert_eq!(vocabulary("  ", true), None);
    }
}
