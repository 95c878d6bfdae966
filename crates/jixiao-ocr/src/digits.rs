//! The numbers inside long lines, cut out and read again at full width.
//!
//! Long lines are read narrowed ([`crate::rec`]'s squeeze), which CJK text tolerates but
//! numbers do not: CTC keeps two equal characters apart only when a blank time step falls
//! between them, and narrowed `100000.00` comes out with zeros lost. Reading the whole
//! line again at full width fixes that at the price of a second, wider inference of the
//! line — a quarter of a dense page's cost. Instead, each run of digits the narrowed
//! reading found is cut out of the crop with one whole character on either side (at the
//! blanks found from the characters' centres and the crop's ink), read at full width on
//! its own, and the digits between the two neighbours put in place of the narrowed ones.
//! A window whose reading is not one number between two non-numeric characters (debris
//! of the cut trimmed from its ends) is not trusted: its line is read again whole.

use crate::rec::Reading;
use jixiao_raster::Raster;

/// Characters a number's run is made of (its digits and the marks inside numbers).
fn numeric(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '.' | ',' | '%')
}

/// A grey value darker than this is ink when looking for the blank between characters.
const INK: u8 = 160;
/// White margin around a window, in crop heights: the recogniser was trained on text
/// with some margin, like the line crops themselves get.
const WINDOW_PAD: f32 = 0.3;

/// A run of numeric characters of a reading: characters `start..end`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Run {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Marks that may stand inside a number but not at its ends (`90%，` ends at `%`).
fn inner_mark(c: char) -> bool {
    matches!(c, '.' | ',')
}

/// `a..b` of `chars` without inner marks at either end.
fn trim_marks(chars: &[char], mut a: usize, mut b: usize) -> (usize, usize) {
    while a < b && inner_mark(chars[a]) {
        a += 1;
    }
    while b > a && inner_mark(chars[b - 1]) {
        b -= 1;
    }
    (a, b)
}

/// The runs of numeric characters holding a digit, in reading order; a run begins and
/// ends with a digit (or ends with `%`): a comma after a number is the sentence's.
pub(crate) fn runs(text: &str) -> Vec<Run> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if !numeric(chars[k]) {
            k += 1;
            continue;
        }
        let first = k;
        while k < chars.len() && numeric(chars[k]) {
            k += 1;
        }
        let (start, end) = trim_marks(&chars, first, k);
        if chars[start..end].iter().any(char::is_ascii_digit) {
            out.push(Run { start, end });
        }
    }
    out
}

/// The column of least ink in `a..b` of `crop` (the blank between two characters).
fn blank_between(crop: &Raster, a: usize, b: usize) -> usize {
    let (a, b) = (a.min(crop.width), b.min(crop.width));
    if b <= a {
        return a;
    }
    let ink = |x: usize| {
        (0..crop.height)
            .filter(|&y| crop.pixels[y * crop.width + x] < INK)
            .count()
    };
    // The least-ink column nearest the middle (a gap is usually several columns wide).
    let mid = (a + b) / 2;
    (a..b)
        .min_by_key(|&x| (ink(x), x.abs_diff(mid)))
        .unwrap_or(mid)
}

/// The window of `crop` (columns `from..to`) holding run `r` of `reading` with one
/// whole character on either side: from the blank before the character before the run to
/// the blank after the character after it. The neighbours are read whole, as they were
/// in the line, rather than as halves a cut leaves (which the model reads as `1`s); a
/// window's number must lie between them ([`number`]).
pub(crate) fn window(crop: &Raster, reading: &Reading, r: Run) -> (usize, usize) {
    let c = &reading.centres;
    let at = |k: usize| c.get(k).map_or(crop.width, |v| v.max(0.0) as usize);
    let from = if r.start < 2 {
        0
    } else {
        blank_between(crop, at(r.start - 2), at(r.start - 1))
    };
    let to = if r.end + 1 >= c.len() {
        crop.width
    } else {
        blank_between(crop, at(r.end), at(r.end + 1)) + 1
    };
    (
        from.min(crop.width),
        to.clamp(from.min(crop.width), crop.width),
    )
}

/// Columns `from..to` of `crop` with white margins; the margin's width in pixels is
/// returned too (window x = crop x − from + margin).
pub(crate) fn cut(crop: &Raster, from: usize, to: usize) -> (Raster, usize) {
    let pad = (crop.height as f32 * WINDOW_PAD) as usize + 1;
    let w = to - from + 2 * pad;
    let mut pixels = vec![255u8; w * crop.height];
    for y in 0..crop.height {
        let src = &crop.pixels[y * crop.width + from..y * crop.width + to];
        pixels[y * w + pad..y * w + pad + src.len()].copy_from_slice(src);
    }
    (
        Raster {
            width: w,
            height: crop.height,
            pixels,
        },
        pad,
    )
}

/// Punctuation that may stand between a number and the next word (`90.1%,全年`,
/// `：100`); the window, read at full width, sees it better than the narrowed line.
fn mark(c: char) -> bool {
    inner_mark(c) || matches!(c, ';' | ':' | '，' | '。' | '；' | '：' | '、')
}

/// Run `r` of `text` with the marks beside it: the characters the window's number
/// replaces.
pub(crate) fn with_marks(text: &str, r: Run) -> Run {
    let chars: Vec<char> = text.chars().collect();
    let (mut start, mut end) = (r.start, r.end);
    while start > 0 && mark(chars[start - 1]) {
        start -= 1;
    }
    while end < chars.len() && mark(chars[end]) {
        end += 1;
    }
    Run { start, end }
}

/// The number a window's reading holds, with the marks beside it: its characters
/// `a..b`, between the run's neighbours (`before` / `after`: the line had a character
/// there, so the window must show one that is neither number nor mark) once debris of
/// the cut is trimmed from the ends; `None` when the number is not one run of numeric
/// characters with a digit.
pub(crate) fn number(w: &Reading, before: bool, after: bool) -> Option<(usize, usize)> {
    let chars: Vec<char> = w.text.chars().collect();
    let a = chars.iter().position(|c| numeric(*c))?;
    let b = chars.iter().rposition(|c| numeric(*c))? + 1;
    let (a, b) = trim_marks(&chars, a, b);
    let core = &chars[a..b];
    if !(core.iter().all(|c| numeric(*c)) && core.iter().any(char::is_ascii_digit)) {
        return None;
    }
    let r = with_marks(&w.text, Run { start: a, end: b });
    ((!before || r.start > 0) && (!after || r.end < chars.len())).then_some((r.start, r.end))
}

/// Puts window reading `w` (characters `a..b`, columns from `offset` of the crop, after
/// `pad` white columns) in place of run `r` of `line`.
pub(crate) fn splice(line: &mut Reading, r: Run, w: &Reading, (a, b): (usize, usize), offset: f32) {
    let chars: Vec<char> = line.text.chars().collect();
    let mut text: String = chars[..r.start].iter().collect();
    text.extend(w.text.chars().skip(a).take(b - a));
    text.extend(chars[r.end..].iter());
    let mut centres = line.centres[..r.start.min(line.centres.len())].to_vec();
    centres.extend(w.centres[a..b].iter().map(|x| x + offset));
    centres.extend_from_slice(&line.centres[r.end.min(line.centres.len())..]);
    let mut probs = line.probs[..r.start.min(line.probs.len())].to_vec();
    probs.extend_from_slice(&w.probs[a..b]);
    probs.extend_from_slice(&line.probs[r.end.min(line.probs.len())..]);
    line.confidence = if probs.is_empty() {
        0.0
    } else {
        probs.iter().sum::<f32>() / probs.len() as f32
    };
    line.text = text;
    line.centres = centres;
    line.probs = probs;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(text: &str, centres: &[f32]) -> Reading {
        Reading {
            text: text.into(),
            confidence: 0.9,
            centres: centres.to_vec(),
            probs: vec![0.9; centres.len()],
        }
    }

    #[test]
    fn runs_are_digits_with_their_marks() {
        assert_eq!(
            runs("完成100.00万元，占95%"),
            vec![Run { start: 2, end: 8 }, Run { start: 12, end: 15 }]
        );
        // Marks alone are no number; a comma or point after one is not part of it.
        assert_eq!(runs("a,b.%"), vec![]);
        assert_eq!(runs("≥90%,入住"), vec![Run { start: 1, end: 4 }]);
        assert_eq!(runs("共3.5."), vec![Run { start: 1, end: 4 }]);
        assert_eq!(
            runs("2024年10月"),
            vec![Run { start: 0, end: 4 }, Run { start: 5, end: 7 }]
        );
    }

    /// A crop of `n` glyphs 10 px wide with 4 px blanks (glyph k at 14k..14k+10).
    fn strip(n: usize) -> Raster {
        let (w, h) = (14 * n, 20);
        let mut pixels = vec![255u8; w * h];
        for k in 0..n {
            for y in 4..16 {
                for x in 14 * k..14 * k + 10 {
                    pixels[y * w + x] = 0;
                }
            }
        }
        Raster {
            width: w,
            height: h,
            pixels,
        }
    }

    #[test]
    fn windows_cut_at_the_blanks_beside_the_run() {
        let crop = strip(6);
        // Centres 5, 19, 33, …: characters 2..4 are the run.
        let centres: Vec<f32> = (0..6).map(|k| 14.0 * k as f32 + 5.0).collect();
        let r = reading("项目12元整", &centres);
        // The run with one whole neighbour on each side: glyphs 1..5.
        let (from, to) = window(&crop, &r, Run { start: 2, end: 4 });
        assert!((10..14).contains(&from), "{from}");
        assert!((66..71).contains(&to), "{to}");
        // Runs at or next to the ends reach the crop's edges.
        assert_eq!(window(&crop, &r, Run { start: 1, end: 2 }).0, 0);
        assert_eq!(window(&crop, &r, Run { start: 3, end: 5 }).1, crop.width);
        let (cut, pad) = cut(&crop, from, to);
        assert_eq!(cut.width, to - from + 2 * pad);
        assert!(cut.pixels[..pad].iter().all(|p| *p == 255));
    }

    #[test]
    fn window_readings_keep_the_number_only() {
        let r = |t: &str| reading(t, &vec![0.0; t.chars().count()]);
        assert_eq!(number(&r("目100000.00元"), true, true), Some((1, 10)));
        assert_eq!(number(&r("100"), false, false), Some((0, 3)));
        // Debris of the cut outside the neighbours is trimmed.
        assert_eq!(number(&r("-及6000份"), true, true), Some((2, 6)));
        // Marks beside the number come with it; a neighbour must follow them.
        assert_eq!(number(&r("≥90%,入"), true, true), Some((1, 5)));
        assert_eq!(number(&r("达：90%，"), true, true), None);
        assert_eq!(
            with_marks("≥90%，入住", Run { start: 1, end: 4 }),
            Run { start: 1, end: 5 }
        );
        // A digit where the neighbour should be, a letter inside the number, or no
        // digit: not trusted.
        assert_eq!(number(&r("1及6000份"), true, true), None);
        assert_eq!(number(&r("26000份"), true, true), None);
        assert_eq!(number(&r("及6000"), true, true), None);
        assert_eq!(number(&r("10o0"), false, false), None);
        assert_eq!(number(&r("元."), false, false), None);
        assert_eq!(number(&r(""), false, false), None);
    }

    #[test]
    fn a_spliced_number_replaces_the_narrowed_one() {
        let mut line = reading("共10000元", &[5.0, 15.0, 20.0, 25.0, 30.0, 35.0, 45.0]);
        line.probs = vec![0.9, 0.5, 0.5, 0.5, 0.5, 0.5, 0.9];
        let mut w = reading(
            "共100000元",
            &[2.0, 8.0, 11.0, 14.0, 17.0, 20.0, 23.0, 30.0],
        );
        w.probs = vec![0.3, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.4];
        let r = runs(&line.text)[0];
        let n = number(&w, true, true).expect("a number between neighbours");
        splice(&mut line, r, &w, n, 10.0);
        assert_eq!(line.text, "共100000元");
        assert_eq!(
            line.centres,
            vec![5.0, 18.0, 21.0, 24.0, 27.0, 30.0, 33.0, 45.0]
        );
        assert!((line.confidence - (0.9 * 2.0 + 6.0) / 8.0).abs() < 1e-6);
    }
}
