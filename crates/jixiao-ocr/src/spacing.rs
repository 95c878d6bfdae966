//! What the recogniser cannot say: where a space was printed, and whether a comma or a
//! parenthesis is the full-width or the ASCII form. Both are told by the blank columns
//! of the line's ink, measured in line heights (`h`, about an em of CJK text):
//!
//! * a space between an ASCII character and a CJK one (`2025 年`, `WIFI 无线`) leaves a
//!   blank of a third of an em or more, where the two glyphs' side bearings alone leave
//!   about a tenth;
//! * a full-width `，；：` is drawn at the left of a whole em, so more than half an em
//!   stays blank after it; the ASCII form leaves a tenth, or a third with a space;
//! * a full-width `（` sits at the right of its em (a wide blank before it), `）` at the
//!   left (a wide blank after it); a closing parenthesis at the end of the text takes the
//!   form of the one that opened it.
//!
//! The character centres come from CTC's time steps and are coarse; they only pick which
//! blank lies between which two characters.

/// Blank after an ASCII/CJK boundary that means a printed space (line heights): side
/// bearings alone leave about 0.12, a space adds about 0.25.
const SPACE: f32 = 0.22;
/// Blank after `，；：` of the full-width form (line heights): about 0.65 after a
/// full-width comma, 0.45 after an ASCII comma and a space.
const FULL_PUNCT: f32 = 0.56;
/// Blank after an ASCII `,;:` that means a space follows it.
const PUNCT_SPACE: f32 = 0.22;
/// CTC emits a character up to this many line heights off its ink: the window in which a
/// blank counts for the boundary after it.
const CENTRE_SLACK: f32 = 0.2;
/// Blank beside a parenthesis of the full-width form.
const FULL_PAREN: f32 = 0.33;

fn cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// Full-width marks drawn at the left of their em (a wide blank after them) …
fn closing_mark(c: char) -> bool {
    matches!(
        c,
        '》' | '）'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '。'
            | '，'
            | '、'
            | '；'
            | '：'
            | '”'
            | '’'
    )
}

/// … and at its right (a wide blank before them).
fn opening_mark(c: char) -> bool {
    matches!(
        c,
        '《' | '（' | '「' | '『' | '【' | '〔' | '〈' | '“' | '‘'
    )
}

fn ascii_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '%' | ')' | '-' | '.')
}

/// Runs of blank columns: `(start, end)`, end exclusive.
fn blanks(ink: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut x = 0;
    while x < ink.len() {
        if ink[x] {
            x += 1;
            continue;
        }
        let s = x;
        while x < ink.len() && !ink[x] {
            x += 1;
        }
        out.push((s, x));
    }
    out
}

/// `text` with spaces put back and punctuation forms told by their width. `centres` are
/// the characters' centres in crop pixels, `ink` the crop's ink columns, `h` the line
/// height in pixels. Text whose centres do not match is returned unchanged.
pub fn respace(text: &str, centres: &[f32], ink: &[bool], h: f32) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() != centres.len() || chars.len() < 2 || h <= 0.0 {
        return text.to_string();
    }
    let runs = blanks(ink);
    // Inner blanks only: the margins before the first ink and after the last are no gaps.
    let first_ink = ink.iter().position(|b| *b).unwrap_or(0);
    let last_ink = ink.iter().rposition(|b| *b).unwrap_or(ink.len());
    // Widest blank between the centres of characters i and i+1, in line heights.
    let gap = |i: usize| -> f32 {
        let (a, b) = (centres[i], centres[i + 1]);
        runs.iter()
            .filter(|(s, e)| *s > first_ink && *e <= last_ink)
            .filter(|(s, e)| {
                let m = (*s + *e) as f32 / 2.0;
                m > a - CENTRE_SLACK * h && m < b
            })
            .map(|(s, e)| (e - s) as f32 / h)
            .fold(0.0, f32::max)
    };
    let mut out = String::with_capacity(text.len() + 8);
    let mut open: Vec<bool> = Vec::new(); // full-width form of each open parenthesis
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let after = if i + 1 < chars.len() { gap(i) } else { 0.0 };
        let before = if i > 0 { gap(i - 1) } else { 0.0 };
        let mut c = c;
        let mut space = false;
        match c {
            '，' | ',' | '；' | ';' | '：' | ':' if next.is_some_and(|n| n != ' ') => {
                let full = after >= FULL_PUNCT;
                c = match (c, full) {
                    ('，' | ',', true) => '，',
                    ('，' | ',', false) => ',',
                    ('；' | ';', true) => '；',
                    ('；' | ';', false) => ';',
                    ('：' | ':', true) => '：',
                    _ => ':',
                };
                space = !full && after >= PUNCT_SPACE;
            }
            // Beside a full-width mark the blank is the mark's own: keep the model's form.
            '(' | '（' if i > 0 && closing_mark(chars[i - 1]) => open.push(c == '（'),
            ')' | '）' if next.is_some_and(opening_mark) => {
                open.pop();
            }
            '(' | '（' => {
                let full = if i > 0 {
                    before >= FULL_PAREN
                } else {
                    c == '（'
                };
                open.push(full);
                c = if full { '（' } else { '(' };
            }
            ')' | '）' => {
                let opener = open.pop();
                let full = match next {
                    Some(_) => after >= FULL_PAREN,
                    None => opener.unwrap_or(c == '）'),
                };
                c = if full { '）' } else { ')' };
            }
            _ => {}
        }
        out.push(c);
        if let Some(n) = next {
            let boundary = (ascii_word(c) && cjk(n)) || (cjk(c) && n.is_ascii_alphanumeric());
            if !space && boundary && after >= SPACE {
                space = true;
            }
            if space && n != ' ' {
                out.push(' ');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ink columns for glyphs at `(start, width)`, in a line 20 px high.
    fn ink(len: usize, glyphs: &[(usize, usize)]) -> Vec<bool> {
        let mut v = vec![false; len];
        for &(s, w) in glyphs {
            v[s..s + w].iter_mut().for_each(|b| *b = true);
        }
        v
    }

    #[test]
    fn a_wide_blank_between_digits_and_cjk_is_a_space() {
        // "2025年": digits 10 px wide 2 px apart, then 年 after a 9 px blank (0.45 h).
        let g = [(0, 10), (12, 10), (24, 10), (36, 10), (55, 20)];
        let centres = [5.0, 17.0, 29.0, 41.0, 65.0];
        assert_eq!(respace("2025年", &centres, &ink(80, &g), 20.0), "2025 年");
        // Set 2 px apart: no space.
        let g = [(0, 10), (12, 10), (24, 10), (36, 10), (48, 20)];
        let centres = [5.0, 17.0, 29.0, 41.0, 58.0];
        assert_eq!(respace("2025年", &centres, &ink(80, &g), 20.0), "2025年");
    }

    #[test]
    fn comma_and_parenthesis_forms_follow_their_blanks() {
        // 甲，乙 with the comma's em mostly blank (14 px after its ink).
        let g = [(0, 20), (22, 4), (40, 20)];
        assert_eq!(
            respace("甲,乙", &[10.0, 24.0, 50.0], &ink(62, &g), 20.0),
            "甲，乙"
        );
        // 甲, 乙: a narrow comma and a space (7 px blank).
        let g = [(0, 20), (22, 3), (32, 20)];
        assert_eq!(
            respace("甲，乙", &[10.0, 23.0, 42.0], &ink(54, &g), 20.0),
            "甲, 乙"
        );
        // 局（本级）: a wide blank before the opening parenthesis; the closing one ends
        // the text and follows it.
        let g = [(0, 20), (32, 6), (40, 20), (62, 20), (84, 6)];
        let c = [10.0, 35.0, 50.0, 72.0, 87.0];
        assert_eq!(respace("局(本级)", &c, &ink(100, &g), 20.0), "局（本级）");
        // 100.00(%): tight, ASCII.
        let g = [(0, 40), (42, 5), (49, 12), (63, 5)];
        let c = [20.0, 44.0, 55.0, 65.0];
        assert_eq!(respace("0（%）", &c, &ink(70, &g), 20.0), "0(%)");
        // 》( : the blank before the parenthesis is the 》's own; the model's form stays.
        let g = [(0, 8), (30, 6), (40, 20)];
        assert_eq!(
            respace("》(沪", &[6.0, 33.0, 50.0], &ink(62, &g), 20.0),
            "》(沪"
        );
    }
}
