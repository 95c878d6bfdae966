//! Simple fonts: one-byte codes → glyph names → text; widths from `/Widths` or the standard
//! 14 metrics.

use super::metrics::standard_metrics;
use super::names::{cid_of_name, glyph_text, BaseEncoding};
use super::order::GlyphOrder;
use super::outline::{Gids, Outlines};
use super::program::Program;
use super::{base_font, Encoding, Font, ShownGlyph};
use crate::obj::{get, name, num, resolve};
use lopdf::{Dictionary, Document, Object};
use std::borrow::Cow;
use std::collections::HashMap;

/// Builds the encoding of a simple font. `has_to_unicode`: the font has a `ToUnicode` CMap,
/// which is trusted first, so the embedded program is not read.
pub(super) fn encoding(
    doc: &Document,
    d: &Dictionary,
    subtype: &[u8],
    has_to_unicode: bool,
) -> (Encoding, Option<Outlines>) {
    let enc = get(doc, d, b"Encoding");
    let (base, named_base) = match enc {
        Some(Object::Name(n)) => (BaseEncoding::by_name(n), true),
        Some(Object::Dictionary(e)) => match name(doc, e, b"BaseEncoding") {
            Some(n) => (BaseEncoding::by_name(n), true),
            None => (None, false),
        },
        _ => (None, false),
    };
    let font_name = base_font(doc, d);
    let order = GlyphOrder::of_font_name(&font_name);
    // Code → glyph name: the program's built-in encoding unless a base encoding is named,
    // then the Differences.
    // Borrowed from the document where they can be (a font's 256 names are read for every
    // font, most of them with a ToUnicode that makes them moot).
    let mut names: Vec<Option<Cow<'_, str>>> = vec![None; 256];
    let program = (!has_to_unicode)
        .then(|| Program::of_font(doc, d))
        .flatten();
    if !named_base {
        if let Some(builtin) = program.as_ref().and_then(Program::builtin_names) {
            for (c, n) in builtin {
                names[usize::from(c)] = Some(Cow::Owned(n));
            }
        }
    }
    let builtin = names.iter().any(Option::is_some);
    if let Some(Object::Dictionary(e)) = enc {
        if let Some(Object::Array(diffs)) = get(doc, e, b"Differences") {
            let mut code = 0usize;
            for o in diffs {
                match resolve(doc, o) {
                    Object::Integer(c) => code = (*c).clamp(0, 255) as usize,
                    Object::Name(n) => {
                        if code < 256 {
                            names[code] = Some(String::from_utf8_lossy(n));
                        }
                        code += 1;
                    }
                    _ => {}
                }
            }
        }
    }
    // A named base encoding says what unnamed codes are; without one, the program's own
    // cmap does (symbolic TrueType), else WinAnsi stands in (the base encodings agree on
    // ASCII).
    let named = base.is_some();
    // The standard Symbol font has an encoding of its own.
    let symbol = {
        let b = font_name.rsplit('+').next().unwrap_or(&font_name);
        b == "Symbol" || b.starts_with("Symbol,") || b.starts_with("SymbolMT")
    };
    let dingbats = font_name
        .rsplit('+')
        .next()
        .unwrap_or(&font_name)
        .starts_with("ZapfDingbats");
    let base = base.unwrap_or(match (symbol, dingbats, builtin) {
        (true, _, false) => BaseEncoding::Symbol,
        (_, true, false) => BaseEncoding::ZapfDingbats,
        _ => BaseEncoding::WinAnsi,
    });
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
    let glyphs = program.as_ref().map(Program::unicode_of_glyphs);
    let mut from_order = [false; 256];
    // Producers repeat names (Chromium's Type 3 fonts name most codes `/g0`): each
    // distinct name is looked up once.
    let mut looked_up: HashMap<&str, Option<String>> = HashMap::new();
    let mut text: Vec<String> = (0..=255u8)
        .map(|code| {
            if let Some(n) = &names[usize::from(code)] {
                let found = looked_up
                    .entry(n.as_ref())
                    .or_insert_with(|| glyph_text(n))
                    .clone();
                if let Some(t) = found {
                    return t;
                }
                if let (Some(o), Some(cid)) = (order, cid_of_name(n)) {
                    from_order[usize::from(code)] = true;
                    return o.unicode(cid).map(String::from).unwrap_or_default();
                }
                return String::new();
            }
            // A TrueType program without names: the code's glyph through the program's
            // symbolic cmap, then that glyph's character or `post` name.
            if let Some(p) = program.as_ref().filter(|_| !named) {
                if let Some(gid) = p.glyph_of_code(code) {
                    if let Some(c) = glyphs.as_ref().and_then(|g| g.get(&gid)) {
                        return c.to_string();
                    }
                    if let Some(t) = p.glyph_name(gid).and_then(|n| glyph_text(&n)) {
                        return t;
                    }
                    return String::new();
                }
            }
            if builtin {
                return String::new();
            }
            base.char(code).map(String::from).unwrap_or_default()
        })
        .collect();
    // A glyph order taken from the font's name is checked against the font's widths:
    // another version of the family, or a font only named like it, would map glyph ids
    // to the wrong characters without a word.
    if !order_agrees(&text, &from_order, &widths, first) {
        tracing::warn!(font = %font_name, "glyph names do not follow the glyph order its name implies; glyphs left for their outlines");
        for (t, o) in text.iter_mut().zip(from_order) {
            if o {
                t.clear();
            }
        }
    }
    let text: Box<[String; 256]> = text
        .into_boxed_slice()
        .try_into()
        .unwrap_or_else(|_| Box::new(std::array::from_fn(|_| String::new())));
    let missing = match get(doc, d, b"FontDescriptor") {
        Some(Object::Dictionary(fd)) => get(doc, fd, b"MissingWidth").and_then(num),
        _ => None,
    }
    .unwrap_or(500.0);
    let std = if widths.is_empty() {
        standard_metrics(&font_name)
    } else {
        None
    };
    let outlines = if has_to_unicode || text.iter().all(|t| !t.is_empty()) {
        None
    } else if subtype == b"Type3" {
        type3_outlines(doc, d, &names, &text)
    } else {
        program.and_then(|p| program_outlines(p, &names, &text))
    };
    (
        Encoding::Simple {
            text,
            first,
            widths,
            missing,
            std,
        },
        outlines,
    )
}

/// Advance (glyph-space units of 1000) from which a glyph is full-width.
pub(super) const FULL_WIDTH: f32 = 900.0;
/// Share of checkable glyphs whose width must fit their character for a glyph order to be
/// trusted.
pub(super) const ORDER_AGREEMENT: f32 = 0.8;
/// Fewest checkable glyphs for the check to say anything.
pub(super) const ORDER_SAMPLE: usize = 8;

/// True for characters CJK fonts draw a full em wide: ideographs, kana, hangul,
/// full-width forms and CJK punctuation.
pub(super) fn wide(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF | 0xFF01..=0xFF60 | 0x20000..=0x3134F)
}

/// Whether the characters a glyph order gave agree with the glyphs' widths: ideographs
/// and full-width forms a full em wide, Latin letters and digits narrower. True when
/// too few glyphs can be checked (no `/Widths`, or few letters and ideographs).
fn order_agrees(text: &[String], from_order: &[bool; 256], widths: &[f32], first: u32) -> bool {
    let (mut n, mut ok) = (0usize, 0usize);
    for (code, t) in text.iter().enumerate() {
        if !from_order[code] {
            continue;
        }
        let mut cs = t.chars();
        let (Some(c), None) = (cs.next(), cs.next()) else {
            continue;
        };
        let Some(w) = (code as u32)
            .checked_sub(first)
            .and_then(|i| widths.get(i as usize))
        else {
            continue;
        };
        let narrow = c.is_ascii_alphanumeric();
        if !(wide(c) || narrow) || *w <= 0.0 {
            continue;
        }
        n += 1;
        if wide(c) == (*w >= FULL_WIDTH) {
            ok += 1;
        }
    }
    n < ORDER_SAMPLE || ok as f32 >= ORDER_AGREEMENT * n as f32
}

/// Largest Type 3 glyph procedure decoded.
const MAX_PROC: usize = 1024 * 1024;

/// The procedures of the Type 3 glyphs without text.
fn type3_outlines(
    doc: &Document,
    d: &Dictionary,
    names: &[Option<Cow<'_, str>>],
    text: &[String; 256],
) -> Option<Outlines> {
    let Some(Object::Dictionary(cp)) = get(doc, d, b"CharProcs") else {
        return None;
    };
    let matrix = match get(doc, d, b"FontMatrix") {
        Some(Object::Array(m)) if m.len() == 6 => {
            let v: Vec<f32> = m.iter().filter_map(|o| num(resolve(doc, o))).collect();
            <[f32; 6]>::try_from(v).ok()?
        }
        _ => [0.001, 0.0, 0.0, 0.001, 0.0, 0.0],
    };
    let mut procs = HashMap::new();
    for (code, n) in names.iter().enumerate() {
        let Some(n) = n else { continue };
        if !text[code].is_empty() {
            continue;
        }
        if let Some(Object::Stream(s)) = get(doc, cp, n.as_bytes()) {
            if let Some(data) = crate::obj::stream_data(doc, s, MAX_PROC) {
                procs.insert(code as u32, data);
            }
        }
    }
    (!procs.is_empty()).then_some(Outlines::Type3 { procs, matrix })
}

/// The glyph ids, in the embedded program, of the codes without text.
fn program_outlines(
    p: Program,
    names: &[Option<Cow<'_, str>>],
    text: &[String; 256],
) -> Option<Outlines> {
    let cff = match &p {
        Program::Cff(data) => ttf_parser::cff::Table::parse(data),
        _ => None,
    };
    let mut gids = HashMap::new();
    for code in 0..=255u8 {
        if !text[usize::from(code)].is_empty() {
            continue;
        }
        let gid = match (&p, &cff) {
            (Program::Sfnt(_), _) => p.glyph_of_code(code),
            (Program::Cff(_), Some(t)) => names[usize::from(code)]
                .as_deref()
                .and_then(|n| t.glyph_index_by_name(n))
                .or_else(|| t.glyph_index(code))
                .map(|g| g.0),
            _ => None,
        };
        if let Some(g) = gid.filter(|g| *g != 0) {
            gids.insert(u32::from(code), g);
        }
    }
    (!gids.is_empty()).then_some(Outlines::Program {
        program: p,
        gids: Gids::Map(gids),
    })
}

impl Font {
    pub(super) fn decode_simple(&self, bytes: &[u8]) -> Vec<ShownGlyph> {
        let Encoding::Simple {
            text: table,
            first,
            widths,
            missing,
            std,
        } = &self.encoding
        else {
            return Vec::new();
        };
        bytes
            .iter()
            .map(|&b| {
                let code = u32::from(b);
                let text = self
                    .to_unicode(code)
                    .unwrap_or_else(|| table[usize::from(b)].clone());
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
                ShownGlyph {
                    text,
                    width: w * self.scale,
                    word_space: b == 32,
                    glyph: code,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_orders_are_checked_against_widths() {
        let mut text = vec![String::new(); 256];
        let mut from = [false; 256];
        let mut widths = vec![0.0; 256];
        for (i, (t, w)) in [
            ("财", 1000.0),
            ("政", 1000.0),
            ("项", 1000.0),
            ("目", 1000.0),
            ("1", 556.0),
            ("2", 556.0),
            ("A", 667.0),
            ("b", 556.0),
            ("资", 1000.0),
        ]
        .iter()
        .enumerate()
        {
            text[i + 1] = t.to_string();
            from[i + 1] = true;
            widths[i] = *w;
        }
        assert!(order_agrees(&text, &from, &widths, 1));
        // The same glyphs under another order: ideographs where the widths are narrow.
        let shuffled: Vec<String> = ["", "1", "2", "A", "b", "财", "政", "项", "目", "x"]
            .iter()
            .map(|s| s.to_string())
            .chain(std::iter::repeat_n(String::new(), 246))
            .collect();
        assert!(!order_agrees(&shuffled, &from, &widths, 1));
        // Too few glyphs to say.
        let mut few = [false; 256];
        few[1] = true;
        assert!(order_agrees(&shuffled, &few, &widths, 1));
    }
}
