//! Fonts: cutting shown strings into glyphs, each with its Unicode text and its advance.
//!
//! Handles simple fonts (Type 1, TrueType, Type 3; `Widths`, base encodings with
//! `Differences`, the standard 14 metrics for unembedded Latin fonts) and composite
//! (Type 0) fonts with `Identity-H`, embedded encoding CMaps or the predefined Adobe-GB1
//! CMaps (`UniGB-UCS2-H`, `GBK-EUC-H`, …), `W`/`DW` widths and, when there is no
//! `ToUnicode`, the Adobe-GB1 CID → Unicode table.

use crate::cmap::{gb1_unicode, CMap, CodeSpace, Predefined};
use lopdf::{Dictionary, Document, Object};

/// One glyph of a shown string.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownGlyph {
    /// Unicode text (empty when the font gives no mapping).
    pub text: String,
    /// Horizontal advance in text-space units (before font size and scaling).
    pub width: f32,
    /// True for the single-byte code 32, to which word spacing applies.
    pub word_space: bool,
}

#[derive(Debug, Clone)]
enum Encoding {
    /// Single-byte codes.
    Simple {
        unicode: Box<[Option<char>; 256]>,
        first: u32,
        widths: Vec<f32>,
        missing: f32,
        std: Option<&'static [u16; 95]>,
    },
    /// Multi-byte codes through a CMap.
    Composite {
        space: CodeSpace,
        predefined: Option<Predefined>,
        embedded: Option<CMap>,
        widths: Vec<(u32, u32, f32)>,
        default_width: f32,
        gb1: bool,
        utf16_codes: bool,
    },
}

/// A font as far as text extraction needs it.
#[derive(Debug, Clone)]
pub struct Font {
    encoding: Encoding,
    to_unicode: Option<CMap>,
    /// Glyph space → text space (0.001, or the Type 3 `FontMatrix`).
    scale: f32,
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map_or(o, |(_, o)| o)
}

fn get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().map(|o| resolve(doc, o))
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn name<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(doc, d, key)? {
        Object::Name(n) => Some(n.as_slice()),
        _ => None,
    }
}

/// Largest stream a font resource may decompress to (CMaps are small).
const MAX_FONT_STREAM: usize = 8 * 1024 * 1024;

fn stream_cmap(doc: &Document, o: &Object) -> Option<CMap> {
    match resolve(doc, o) {
        Object::Stream(s) => {
            let data = s
                .decompressed_content_with_limit(MAX_FONT_STREAM)
                .ok()
                .unwrap_or_else(|| s.content.clone());
            Some(CMap::parse(&data))
        }
        _ => None,
    }
}

impl Font {
    /// Reads a font dictionary. Never fails: unknown parts fall back to defaults.
    pub fn from_dict(doc: &Document, d: &Dictionary) -> Font {
        let to_unicode = get(doc, d, b"ToUnicode").and_then(|o| stream_cmap(doc, o));
        let subtype = name(doc, d, b"Subtype").unwrap_or(b"");
        if subtype == b"Type0" {
            return Font {
                encoding: composite(doc, d),
                to_unicode,
                scale: 0.001,
            };
        }
        let scale = if subtype == b"Type3" {
            match get(doc, d, b"FontMatrix") {
                Some(Object::Array(m)) => m.first().and_then(num).unwrap_or(0.001),
                _ => 0.001,
            }
        } else {
            0.001
        };
        Font {
            encoding: simple(doc, d),
            to_unicode,
            scale,
        }
    }

    /// Cuts `bytes` into glyphs.
    pub fn decode(&self, bytes: &[u8]) -> Vec<ShownGlyph> {
        let mut out = Vec::with_capacity(bytes.len());
        match &self.encoding {
            Encoding::Simple {
                unicode,
                first,
                widths,
                missing,
                std,
            } => {
                for &b in bytes {
                    let code = u32::from(b);
                    let text = match self.to_unicode.as_ref().and_then(|t| t.unicode(code)) {
                        Some(t) => t.to_string(),
                        None => unicode[b as usize].map(String::from).unwrap_or_default(),
                    };
                    let w = code
                        .checked_sub(*first)
                        .and_then(|i| widths.get(i as usize))
                        .copied()
                        .or_else(|| {
                            std.and_then(|s| {
                                code.checked_sub(32)
                                    .and_then(|i| s.get(i as usize))
                                    .map(|w| f32::from(*w))
                            })
                        })
                        .unwrap_or(*missing);
                    out.push(ShownGlyph {
                        text,
                        width: w * self.scale,
                        word_space: b == 32,
                    });
                }
            }
            Encoding::Composite {
                space,
                predefined,
                embedded,
                widths,
                default_width,
                gb1,
                utf16_codes,
            } => {
                let mut rest = bytes;
                while !rest.is_empty() {
                    let (code, n) = space.next_code(rest);
                    rest = &rest[n.min(rest.len())..];
                    let cid = match (embedded, predefined) {
                        (Some(c), _) => c.cid(code),
                        (None, Some(p)) => p.cid(code),
                        (None, None) => Some(code),
                    };
                    let text = match self.to_unicode.as_ref().and_then(|t| t.unicode(code)) {
                        Some(t) => t.to_string(),
                        // EUC-coded CMaps: the code is GBK text (a byte below 0x80 is
                        // ASCII, which the CID table would give as full-width forms).
                        None if embedded.is_none()
                            && matches!(
                                predefined,
                                Some(Predefined::GbkEuc | Predefined::GbEuc)
                            ) =>
                        {
                            let bytes = if n == 1 {
                                vec![code as u8]
                            } else {
                                vec![(code >> 8) as u8, code as u8]
                            };
                            let (t, _, bad) = encoding_rs::GBK.decode(&bytes);
                            if bad {
                                cid.and_then(gb1_unicode)
                                    .map(String::from)
                                    .unwrap_or_default()
                            } else {
                                t.into_owned()
                            }
                        }
                        None if *utf16_codes => {
                            char::from_u32(code).map(String::from).unwrap_or_default()
                        }
                        None if *gb1 => cid
                            .and_then(gb1_unicode)
                            .map(String::from)
                            .unwrap_or_default(),
                        None => String::new(),
                    };
                    let w = cid
                        .and_then(|cid| {
                            let i = widths.partition_point(|r| r.0 <= cid);
                            let (lo, hi, w) = *widths.get(i.checked_sub(1)?)?;
                            (cid >= lo && cid <= hi).then_some(w)
                        })
                        .unwrap_or(*default_width);
                    out.push(ShownGlyph {
                        text,
                        width: w * self.scale,
                        word_space: n == 1 && code == 32,
                    });
                }
            }
        }
        out
    }
}

fn composite(doc: &Document, d: &Dictionary) -> Encoding {
    let (mut predefined, mut embedded) = (None, None);
    match get(doc, d, b"Encoding") {
        Some(Object::Name(n)) => {
            predefined = Predefined::by_name(&String::from_utf8_lossy(n));
        }
        Some(o @ Object::Stream(_)) => embedded = stream_cmap(doc, o),
        _ => {}
    }
    let descendant = match get(doc, d, b"DescendantFonts") {
        Some(Object::Array(a)) => a.first().map(|o| resolve(doc, o)),
        _ => None,
    };
    let descendant = match descendant {
        Some(Object::Dictionary(dd)) => Some(dd),
        _ => None,
    };
    let mut widths = Vec::new();
    let mut default_width = 1000.0;
    let mut gb1 = false;
    if let Some(dd) = descendant {
        if let Some(w) = get(doc, dd, b"DW").and_then(num) {
            default_width = w;
        }
        if let Some(Object::Array(w)) = get(doc, dd, b"W") {
            let w: Vec<&Object> = w.iter().map(|o| resolve(doc, o)).collect();
            let mut i = 0;
            while i < w.len() {
                let Some(c) = num(w[i]) else { break };
                let c = c as u32;
                match w.get(i + 1) {
                    Some(Object::Array(list)) => {
                        for (k, v) in list.iter().enumerate() {
                            if let Some(v) = num(resolve(doc, v)) {
                                widths.push((c + k as u32, c + k as u32, v));
                            }
                        }
                        i += 2;
                    }
                    Some(o) => {
                        let (Some(last), Some(v)) = (num(o), w.get(i + 2).and_then(|o| num(o)))
                        else {
                            break;
                        };
                        widths.push((c, (last as u32).max(c), v));
                        i += 3;
                    }
                    None => break,
                }
            }
        }
        if let Some(Object::Dictionary(info)) = get(doc, dd, b"CIDSystemInfo") {
            gb1 = matches!(get(doc, info, b"Ordering"), Some(Object::String(s, _)) if s == b"GB1");
        }
    }
    widths.sort_by_key(|w| w.0);
    let utf16_codes = predefined == Some(Predefined::UniGbUtf16);
    if predefined.is_some_and(|p| p != Predefined::Identity) {
        gb1 = true;
    }
    let space = match (&embedded, predefined) {
        (Some(c), _) => c.space.clone(),
        (None, Some(p)) => p.space(),
        (None, None) => CodeSpace::fixed(2),
    };
    Encoding::Composite {
        space,
        predefined,
        embedded,
        widths,
        default_width,
        gb1,
        utf16_codes,
    }
}

fn simple(doc: &Document, d: &Dictionary) -> Encoding {
    let mut unicode: Box<[Option<char>; 256]> = Box::new([None; 256]);
    let enc = get(doc, d, b"Encoding");
    // The base encodings agree on what matters here (see `base_char`).
    for (code, slot) in unicode.iter_mut().enumerate() {
        *slot = base_char(code as u8);
    }
    if let Some(Object::Dictionary(e)) = enc {
        if let Some(Object::Array(diffs)) = get(doc, e, b"Differences") {
            let mut code = 0usize;
            for o in diffs {
                match resolve(doc, o) {
                    Object::Integer(c) => code = (*c).clamp(0, 255) as usize,
                    Object::Name(n) => {
                        if code < 256 {
                            unicode[code] = glyph_unicode(&String::from_utf8_lossy(n));
                        }
                        code += 1;
                    }
                    _ => {}
                }
            }
        }
    }
    let first = get(doc, d, b"FirstChar")
        .and_then(num)
        .unwrap_or(0.0)
        .max(0.0) as u32;
    let widths: Vec<f32> = match get(doc, d, b"Widths") {
        Some(Object::Array(w)) => w
            .iter()
            .map(|o| num(resolve(doc, o)).unwrap_or(0.0))
            .collect(),
        _ => Vec::new(),
    };
    let missing = match get(doc, d, b"FontDescriptor") {
        Some(Object::Dictionary(fd)) => get(doc, fd, b"MissingWidth").and_then(num),
        _ => None,
    }
    .unwrap_or(500.0);
    let base_font = name(doc, d, b"BaseFont")
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    let std = if widths.is_empty() {
        standard_metrics(&base_font)
    } else {
        None
    };
    Encoding::Simple {
        unicode,
        first,
        widths,
        missing,
        std,
    }
}

/// Characters of the base encodings. Codes 32–126 are ASCII in all of them (close enough
/// for Standard's quotes); WinAnsi's and MacRoman's upper halves are approximated by
/// Latin-1 plus WinAnsi's 0x80–0x9f punctuation.
fn base_char(code: u8) -> Option<char> {
    match code {
        32..=126 => Some(code as char),
        0x80..=0x9f => {
            const WIN: [u32; 32] = [
                0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
                0x2039, 0x0152, 0, 0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013,
                0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
            ];
            char::from_u32(WIN[(code - 0x80) as usize]).filter(|c| *c != '\0')
        }
        0xa0..=0xff => char::from_u32(u32::from(code)),
        _ => None,
    }
}

/// Unicode of a glyph name: `uniXXXX`, `uXXXX[XX]`, single letters and digits' names, and
/// the common punctuation names of the Adobe Glyph List.
pub fn glyph_unicode(name: &str) -> Option<char> {
    if let Some(hex) = name.strip_prefix("uni") {
        if hex.len() >= 4 {
            return u32::from_str_radix(&hex[..4], 16)
                .ok()
                .and_then(char::from_u32);
        }
    }
    if let Some(hex) = name.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
        }
    }
    let mut cs = name.chars();
    if let (Some(c), None) = (cs.next(), cs.next()) {
        if c.is_ascii_alphabetic() {
            return Some(c);
        }
    }
    const NAMES: &[(&str, char)] = &[
        ("space", ' '),
        ("exclam", '!'),
        ("quotedbl", '"'),
        ("numbersign", '#'),
        ("dollar", '$'),
        ("percent", '%'),
        ("ampersand", '&'),
        ("quotesingle", '\''),
        ("quoteright", '\''),
        ("parenleft", '('),
        ("parenright", ')'),
        ("asterisk", '*'),
        ("plus", '+'),
        ("comma", ','),
        ("hyphen", '-'),
        ("minus", '-'),
        ("period", '.'),
        ("slash", '/'),
        ("zero", '0'),
        ("one", '1'),
        ("two", '2'),
        ("three", '3'),
        ("four", '4'),
        ("five", '5'),
        ("six", '6'),
        ("seven", '7'),
        ("eight", '8'),
        ("nine", '9'),
        ("colon", ':'),
        ("semicolon", ';'),
        ("less", '<'),
        ("equal", '='),
        ("greater", '>'),
        ("question", '?'),
        ("at", '@'),
        ("bracketleft", '['),
        ("backslash", '\\'),
        ("bracketright", ']'),
        ("asciicircum", '^'),
        ("underscore", '_'),
        ("grave", '`'),
        ("quoteleft", '`'),
        ("braceleft", '{'),
        ("bar", '|'),
        ("braceright", '}'),
        ("asciitilde", '~'),
        ("greaterequal", '≥'),
        ("lessequal", '≤'),
        ("endash", '–'),
        ("emdash", '—'),
        ("bullet", '•'),
        ("periodcentered", '·'),
        ("degree", '°'),
        ("multiply", '×'),
        ("divide", '÷'),
    ];
    NAMES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

/// Widths (code 32–126) of the standard 14 fonts that have proportional Latin metrics.
static STANDARD_METRICS: &[(&str, [u16; 95])] = &[
    (
        "Helvetica",
        [
            278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556,
            556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667,
            667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722,
            667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500,
            556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278,
            556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
        ],
    ),
    (
        "Helvetica-Bold",
        [
            278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556,
            556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722,
            722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722,
            667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556,
            611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333,
            611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
        ],
    ),
    (
        "Times-Roman",
        [
            250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500,
            500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722,
            667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667,
            556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444,
            500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278,
            500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
        ],
    ),
    (
        "Times-Bold",
        [
            250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500,
            500, 500, 500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722,
            667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722,
            556, 667, 722, 722, 1000, 722, 722, 667, 333, 278, 333, 581, 500, 333, 500, 556, 444,
            556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, 556, 556, 444, 389, 333,
            556, 500, 722, 500, 500, 444, 394, 220, 394, 520,
        ],
    ),
    (
        "Courier",
        [
            600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600,
            600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600,
            600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600,
            600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600,
            600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600, 600,
            600, 600, 600, 600, 600, 600, 600, 600, 600, 600,
        ],
    ),
];

fn standard_metrics(base_font: &str) -> Option<&'static [u16; 95]> {
    let base = base_font.rsplit('+').next().unwrap_or(base_font);
    let bold = base.contains("Bold");
    let family = if base.starts_with("Times") {
        if bold {
            "Times-Bold"
        } else {
            "Times-Roman"
        }
    } else if base.starts_with("Courier") {
        "Courier"
    } else if base.starts_with("Helvetica") || base.starts_with("Arial") {
        if bold {
            "Helvetica-Bold"
        } else {
            "Helvetica"
        }
    } else {
        return None;
    };
    STANDARD_METRICS
        .iter()
        .find(|(n, _)| *n == family)
        .map(|(_, w)| w)
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
        assert_eq!(glyph_unicode("g123"), None);
    }

    #[test]
    fn helvetica_metrics() {
        let m = standard_metrics("Helvetica").expect("Helvetica");
        assert_eq!(m[0], 278); // space
        assert_eq!(m[(b'A' - 32) as usize], 667);
        assert!(standard_metrics("ABCDEF+SimSun").is_none());
    }
}
