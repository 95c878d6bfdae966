//! Glyph names and the base encodings of simple fonts.

use std::sync::OnceLock;

static AGL: &str = include_str!("../../data/agl.txt");
static ENCODINGS: &str = include_str!("../../data/encodings.txt");

/// The base encodings a simple font can name (or imply).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseEncoding {
    /// Adobe StandardEncoding (Type 1 fonts without an encoding of their own).
    Standard,
    /// WinAnsiEncoding (Windows code page 1252).
    WinAnsi,
    /// MacRomanEncoding.
    MacRoman,
    /// MacExpertEncoding (old-style figures, small capitals, fractions).
    MacExpert,
    /// The built-in encoding of the standard Symbol font.
    Symbol,
    /// The built-in encoding of the standard ZapfDingbats font.
    ZapfDingbats,
}

/// Glyph names by code.
type Names = [Option<&'static str>; 256];

/// Glyph names of an encoding table from `data/encodings.txt`, by code.
fn table(which: &str) -> &'static Names {
    static T: OnceLock<Vec<(String, Box<Names>)>> = OnceLock::new();
    let all = T.get_or_init(|| {
        let mut out: Vec<(String, Box<Names>)> = Vec::new();
        for l in ENCODINGS.lines().filter(|l| !l.starts_with('#')) {
            let mut it = l.split(' ');
            let (Some(enc), Some(code), Some(name)) = (it.next(), it.next(), it.next()) else {
                continue;
            };
            let Ok(code) = code.parse::<u8>() else {
                continue;
            };
            let i = match out.iter().position(|(e, _)| e == enc) {
                Some(i) => i,
                None => {
                    out.push((enc.to_string(), Box::new([None; 256])));
                    out.len() - 1
                }
            };
            out[i].1[usize::from(code)] = Some(name);
        }
        out
    });
    static EMPTY: Names = [None; 256];
    all.iter()
        .find(|(e, _)| e == which)
        .map_or(&EMPTY, |(_, t)| t)
}

impl BaseEncoding {
    /// The encoding a `/BaseEncoding` or `/Encoding` name stands for.
    pub fn by_name(name: &[u8]) -> Option<BaseEncoding> {
        match name {
            b"StandardEncoding" => Some(BaseEncoding::Standard),
            b"WinAnsiEncoding" => Some(BaseEncoding::WinAnsi),
            b"MacRomanEncoding" => Some(BaseEncoding::MacRoman),
            b"MacExpertEncoding" => Some(BaseEncoding::MacExpert),
            _ => None,
        }
    }

    /// The character of `code`.
    pub fn char(self, code: u8) -> Option<char> {
        let named = match self {
            BaseEncoding::Symbol => Some("Symbol"),
            BaseEncoding::MacExpert => Some("MacExpert"),
            BaseEncoding::ZapfDingbats => Some("ZapfDingbats"),
            _ => None,
        };
        if let Some(t) = named {
            return table(t)[usize::from(code)].and_then(glyph_unicode);
        }
        let u = match (self, code) {
            (BaseEncoding::Standard, 39) => 0x2019,
            (BaseEncoding::Standard, 96) => 0x2018,
            (_, 32..=126) => u32::from(code),
            (BaseEncoding::WinAnsi, 0x80..=0x9f) => WIN_ANSI_80[usize::from(code - 0x80)],
            (BaseEncoding::WinAnsi, 0xa0..=0xff) => u32::from(code),
            (BaseEncoding::MacRoman, 0x80..=0xff) => MAC_ROMAN_80[usize::from(code - 0x80)],
            (BaseEncoding::Standard, 0x80..=0xff) => STANDARD_80[usize::from(code - 0x80)],
            _ => 0,
        };
        char::from_u32(u).filter(|c| *c != '\0')
    }
}

const WIN_ANSI_80: [u32; 32] = [
    0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039,
    0x0152, 0, 0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc,
    0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

const MAC_ROMAN_80: [u32; 128] = [
    0x00c4, 0x00c5, 0x00c7, 0x00c9, 0x00d1, 0x00d6, 0x00dc, 0x00e1, 0x00e0, 0x00e2, 0x00e4, 0x00e3,
    0x00e5, 0x00e7, 0x00e9, 0x00e8, 0x00ea, 0x00eb, 0x00ed, 0x00ec, 0x00ee, 0x00ef, 0x00f1, 0x00f3,
    0x00f2, 0x00f4, 0x00f6, 0x00f5, 0x00fa, 0x00f9, 0x00fb, 0x00fc, 0x2020, 0x00b0, 0x00a2, 0x00a3,
    0x00a7, 0x2022, 0x00b6, 0x00df, 0x00ae, 0x00a9, 0x2122, 0x00b4, 0x00a8, 0x2260, 0x00c6, 0x00d8,
    0x221e, 0x00b1, 0x2264, 0x2265, 0x00a5, 0x00b5, 0x2202, 0x2211, 0x220f, 0x03c0, 0x222b, 0x00aa,
    0x00ba, 0x03a9, 0x00e6, 0x00f8, 0x00bf, 0x00a1, 0x00ac, 0x221a, 0x0192, 0x2248, 0x2206, 0x00ab,
    0x00bb, 0x2026, 0x00a0, 0x00c0, 0x00c3, 0x00d5, 0x0152, 0x0153, 0x2013, 0x2014, 0x201c, 0x201d,
    0x2018, 0x2019, 0x00f7, 0x25ca, 0x00ff, 0x0178, 0x2044, 0x20ac, 0x2039, 0x203a, 0xfb01, 0xfb02,
    0x2021, 0x00b7, 0x201a, 0x201e, 0x2030, 0x00c2, 0x00ca, 0x00c1, 0x00cb, 0x00c8, 0x00cd, 0x00ce,
    0x00cf, 0x00cc, 0x00d3, 0x00d4, 0xf8ff, 0x00d2, 0x00da, 0x00db, 0x00d9, 0x0131, 0x02c6, 0x02dc,
    0x00af, 0x02d8, 0x02d9, 0x02da, 0x00b8, 0x02dd, 0x02db, 0x02c7,
];

const STANDARD_80: [u32; 128] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0x00a1, 0x00a2, 0x00a3, 0x2044, 0x00a5, 0x0192, 0x00a7, 0x00a4, 0x0027, 0x201c, 0x00ab,
    0x2039, 0x203a, 0xfb01, 0xfb02, 0, 0x2013, 0x2020, 0x2021, 0x00b7, 0, 0x00b6, 0x2022, 0x201a,
    0x201e, 0x201d, 0x00bb, 0x2026, 0x2030, 0, 0x00bf, 0, 0x0060, 0x00b4, 0x02c6, 0x02dc, 0x00af,
    0x02d8, 0x02d9, 0x00a8, 0, 0x02da, 0x00b8, 0, 0x02dd, 0x02db, 0x02c7, 0x2014, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00c6, 0, 0x00aa, 0, 0, 0, 0, 0x0141, 0x00d8, 0x0152, 0x00ba, 0,
    0, 0, 0, 0, 0x00e6, 0, 0, 0, 0x0131, 0, 0, 0x0142, 0x00f8, 0x0153, 0x00df, 0, 0, 0, 0,
];

fn agl() -> &'static [(&'static str, u32)] {
    static T: OnceLock<Vec<(&'static str, u32)>> = OnceLock::new();
    T.get_or_init(|| {
        AGL.lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (n, u) = l.split_once(' ')?;
                Some((n, u32::from_str_radix(u, 16).ok()?))
            })
            .collect()
    })
}

/// Unicode text of a glyph name: `uniXXXX[XXXX…]`, `uXXXX[XX]`, the Adobe Glyph List, and a
/// suffix after `.` ignored (`one.oldstyle`). `cidNNNNN` and `gNNNN` names say nothing by
/// themselves (see [`cid_of_name`]).
pub fn glyph_text(name: &str) -> Option<String> {
    let base = match name.find('.') {
        Some(0) | None => name,
        Some(i) => &name[..i],
    };
    // Ligatures of several names: f_f_i.
    if base.contains('_') {
        let parts: Option<String> = base.split('_').map(glyph_text).collect();
        return parts.filter(|s| !s.is_empty());
    }
    if let Some(hex) = base.strip_prefix("uni") {
        if !hex.is_empty() && hex.len() % 4 == 0 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let s: Option<String> = (0..hex.len() / 4)
                .map(|i| {
                    u32::from_str_radix(&hex[4 * i..4 * i + 4], 16)
                        .ok()
                        .and_then(char::from_u32)
                })
                .collect();
            return s;
        }
    }
    if let Some(hex) = base.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return u32::from_str_radix(hex, 16)
                .ok()
                .and_then(char::from_u32)
                .map(String::from);
        }
    }
    let t = agl();
    t.binary_search_by(|(n, _)| (*n).cmp(base))
        .ok()
        .and_then(|i| char::from_u32(t[i].1))
        .map(String::from)
}

/// The single character of a glyph name (see [`glyph_text`]).
pub fn glyph_unicode(name: &str) -> Option<char> {
    let t = glyph_text(name)?;
    let mut cs = t.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// The id a `cidNNNNN` (or `cNNNNN`) glyph name carries: a CID of the font's character
/// collection, or for Identity-ordered fonts a glyph id of the original font.
pub fn cid_of_name(name: &str) -> Option<u32> {
    let digits = name
        .strip_prefix("cid")
        .or_else(|| name.strip_prefix('c'))?;
    (!digits.is_empty() && digits.len() <= 6 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_unicode("uni4E2D"), Some('中'));
        assert_eq!(glyph_unicode("u4E2D"), Some('中'));
        assert_eq!(glyph_unicode("percent"), Some('%'));
        assert_eq!(glyph_unicode("A"), Some('A'));
        assert_eq!(glyph_unicode("eacute"), Some('é'));
        assert_eq!(glyph_unicode("guillemotleft"), Some('«'));
        assert_eq!(glyph_unicode("Euro"), Some('€'));
        assert_eq!(glyph_unicode("one.oldstyle"), Some('1'));
        assert_eq!(glyph_text("uni4E2D4E2D").as_deref(), Some("中中"));
        assert_eq!(glyph_text("f_i").as_deref(), Some("fi"));
        assert_eq!(glyph_unicode("g123"), None);
        // Not ASCII after the prefix: no panic, no character.
        assert_eq!(glyph_unicode("uni中文字"), None);
        assert_eq!(glyph_unicode("u中文"), None);
        assert_eq!(cid_of_name("cid38985"), Some(38985));
        assert_eq!(cid_of_name("cid"), None);
        assert_eq!(cid_of_name("comma"), None);
    }

    #[test]
    fn base_encodings() {
        assert_eq!(BaseEncoding::MacRoman.char(0x8e), Some('é'));
        assert_eq!(BaseEncoding::WinAnsi.char(0xe9), Some('é'));
        assert_eq!(BaseEncoding::WinAnsi.char(0x80), Some('€'));
        assert_eq!(BaseEncoding::Standard.char(0xe1), Some('Æ'));
        assert_eq!(BaseEncoding::Standard.char(39), Some('\u{2019}'));
        assert_eq!(BaseEncoding::WinAnsi.char(7), None);
        assert_eq!(BaseEncoding::Symbol.char(179), Some('≥'));
        assert_eq!(BaseEncoding::Symbol.char(163), Some('≤'));
        assert_eq!(BaseEncoding::Symbol.char(b'a'), Some('α'));
        assert_eq!(BaseEncoding::MacExpert.char(0x28), Some('⁽'));
        assert_eq!(BaseEncoding::ZapfDingbats.char(0x21), Some('✁'));
    }
}
