//! Composite (Type 0) fonts: codes → CIDs through a CMap, CIDs → text through the
//! character collection, the embedded program's `cmap`, or a known glyph order.

use super::order::GlyphOrder;
use super::outline::{Gids, Outlines};
use super::program::Program;
use super::{base_font, stream_cmap, Encoding, Font, ShownGlyph};
use crate::cmap::{CodeSpace, Collection, Predefined};
use crate::obj::{get, name, num, resolve, stream, stream_data};
use lopdf::{Dictionary, Document, Object};
use std::collections::HashMap;

/// Largest `CIDToGIDMap` stream (two bytes per CID).
const MAX_CID_TO_GID: usize = 2 * 0x10000 + 1024;

/// Builds the encoding of a Type 0 font. `has_to_unicode`: the font has a `ToUnicode`
/// CMap, which is trusted first, so the embedded program is not read.
pub(super) fn encoding(
    doc: &Document,
    d: &Dictionary,
    has_to_unicode: bool,
) -> (Encoding, Option<Outlines>) {
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
    let mut collection = None;
    let mut identity = false;
    let (mut cid_text, mut order, mut outlines) = (HashMap::new(), None, None);
    if let Some(dd) = descendant {
        if let Some(w) = get(doc, dd, b"DW").and_then(num) {
            default_width = w;
        }
        if let Some(Object::Array(w)) = get(doc, dd, b"W") {
            widths = cid_widths(doc, w);
        }
        if let Some(Object::Dictionary(info)) = get(doc, dd, b"CIDSystemInfo") {
            let ordering = match get(doc, info, b"Ordering") {
                Some(Object::String(s, _)) => s.as_slice(),
                _ => b"",
            };
            collection = Collection::by_ordering(ordering);
            identity = ordering == b"Identity";
        }
        if !has_to_unicode && collection.is_none() {
            (cid_text, order, outlines) = program_text(doc, d, dd, identity, &widths);
        }
    }
    widths.sort_by_key(|w| w.0);
    if let Some(c) = predefined.and_then(Predefined::collection) {
        collection = Some(c);
    }
    let space = match (&embedded, predefined) {
        (Some(c), _) => c.space.clone(),
        (None, Some(p)) => p.space(),
        (None, None) => CodeSpace::fixed(2),
    };
    (
        Encoding::Composite {
            space,
            predefined,
            embedded,
            widths,
            default_width,
            collection,
            cid_text,
            order,
        },
        outlines,
    )
}

/// The `W` array: `c [w1 w2 …]` and `c_first c_last w` entries.
fn cid_widths(doc: &Document, w: &[Object]) -> Vec<(u32, u32, f32)> {
    let w: Vec<&Object> = w.iter().map(|o| resolve(doc, o)).collect();
    let mut widths = Vec::new();
    let mut i = 0;
    while i < w.len() {
        let Some(c) = num(w[i]) else { break };
        let c = c.max(0.0) as u32;
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
                let (Some(last), Some(v)) = (num(o), w.get(i + 2).and_then(|o| num(o))) else {
                    break;
                };
                widths.push((c, (last.max(0.0) as u32).max(c), v));
                i += 3;
            }
            None => break,
        }
    }
    widths
}

/// CID → character without `ToUnicode`: a TrueType descendant's own `cmap` through its
/// `CIDToGIDMap`; for a CFF descendant of a font family with a known glyph order and
/// Identity ordering, the order itself (such fonts' CIDs are the family's glyph ids).
fn program_text(
    doc: &Document,
    font: &Dictionary,
    dd: &Dictionary,
    identity: bool,
    widths: &[(u32, u32, f32)],
) -> (HashMap<u32, char>, Option<GlyphOrder>, Option<Outlines>) {
    let mut out = HashMap::new();
    let program = Program::of_font(doc, dd);
    if let Some(p @ Program::Sfnt(_)) = &program {
        let by_gid = p.unicode_of_glyphs();
        let map = stream(doc, dd, b"CIDToGIDMap").and_then(|s| stream_data(doc, s, MAX_CID_TO_GID));
        let gids = match &map {
            Some(map) => Gids::Map(
                map.chunks_exact(2)
                    .enumerate()
                    .map(|(cid, g)| (cid as u32, u16::from_be_bytes([g[0], g[1]])))
                    .collect(),
            ),
            None => Gids::Identity,
        };
        match &gids {
            Gids::Map(m) => out.extend(
                m.iter()
                    .filter_map(|(cid, g)| by_gid.get(g).map(|c| (*cid, *c))),
            ),
            Gids::Identity => out.extend(by_gid.iter().map(|(g, c)| (u32::from(*g), *c))),
        }
        // Glyphs the program's cmap misses (or all, for subsets without one) can still
        // be drawn.
        let outlines = program.map(|program| Outlines::Program { program, gids });
        return (out, None, outlines);
    }
    let subtype = name(doc, dd, b"Subtype").unwrap_or(b"");
    let order = (identity && subtype == b"CIDFontType0")
        .then(|| {
            [base_font(doc, dd), base_font(doc, font)]
                .iter()
                .find_map(|n| GlyphOrder::of_font_name(n))
        })
        .flatten()
        .filter(|o| {
            let ok = order_fits_widths(*o, widths);
            if !ok {
                tracing::warn!("CIDs do not follow the glyph order the font's name implies; glyphs left for their outlines");
            }
            ok
        });
    // CFF without a known order: CIDs to glyph ids through the charset, for drawing.
    let outlines = match (order, program) {
        (None, Some(program @ Program::Cff(_))) => {
            let gids = match &program {
                Program::Cff(data) => ttf_parser::cff::Table::parse(data).map(|t| {
                    (0..t.number_of_glyphs())
                        .filter_map(|g| {
                            let cid = t.glyph_cid(ttf_parser::GlyphId(g))?;
                            Some((u32::from(cid), g))
                        })
                        .collect::<HashMap<u32, u16>>()
                }),
                _ => None,
            };
            gids.map(|g| Outlines::Program {
                program,
                gids: Gids::Map(g),
            })
        }
        _ => None,
    };
    (out, order, outlines)
}

/// Whether a glyph order agrees with a CID font's `W` widths (see
/// `simple::order_agrees`): ideographs a full em, letters and digits narrower.
fn order_fits_widths(order: GlyphOrder, widths: &[(u32, u32, f32)]) -> bool {
    let (mut n, mut ok) = (0usize, 0usize);
    for &(lo, hi, w) in widths {
        for cid in lo..=hi.min(lo.saturating_add(64)) {
            let Some(c) = order.unicode(cid) else {
                continue;
            };
            let wide = super::simple::wide(c);
            if !(wide || c.is_ascii_alphanumeric()) || w <= 0.0 {
                continue;
            }
            n += 1;
            if wide == (w >= super::simple::FULL_WIDTH) {
                ok += 1;
            }
        }
    }
    n < super::simple::ORDER_SAMPLE || ok as f32 >= super::simple::ORDER_AGREEMENT * n as f32
}

impl Font {
    pub(super) fn decode_composite(&self, bytes: &[u8]) -> Vec<ShownGlyph> {
        let Encoding::Composite {
            space,
            predefined,
            embedded,
            widths,
            default_width,
            collection,
            cid_text,
            order,
        } = &self.encoding
        else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(bytes.len() / 2);
        let mut rest = bytes;
        while !rest.is_empty() {
            let (code, n) = space.next_code(rest);
            rest = &rest[n.min(rest.len())..];
            let cid = match (embedded, predefined) {
                (Some(c), _) => c.cid(code),
                (None, Some(p)) => p.cid(code),
                (None, None) => Some(code),
            };
            let text = match self.to_unicode(code) {
                Some(t) => t,
                // A predefined CMap's own encoding spells the text (GBK, Shift-JIS,
                // UTF-16, …; a byte below 0x80 is ASCII, which the CID table would give as
                // full-width forms); else the collection's CID table; else the program's
                // cmap or the family's glyph order.
                None => embedded
                    .is_none()
                    .then(|| predefined.and_then(|p| p.text(code, n)))
                    .flatten()
                    .filter(|t| !t.is_empty() && !t.chars().any(char::is_control))
                    .or_else(|| {
                        let cid = cid?;
                        collection
                            .and_then(|c| c.unicode(cid))
                            .or_else(|| match order {
                                Some(o) => o.unicode(cid),
                                None => cid_text.get(&cid).copied(),
                            })
                            .map(String::from)
                    })
                    .unwrap_or_default(),
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
                glyph: cid.unwrap_or(code),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cid_widths_check_the_glyph_order() {
        // Noto Sans CJK ids: 财政项目支出 full width, 0–3 and A–D narrow.
        let wide = [38985, 19923, 44152, 27864, 19898, 11124];
        let narrow = [17, 18, 19, 20, 34, 35, 36, 37];
        let mut w: Vec<(u32, u32, f32)> = wide.iter().map(|c| (*c, *c, 1000.0)).collect();
        w.extend(narrow.iter().map(|c| (*c, *c, 556.0)));
        w.sort_by_key(|x| x.0);
        assert!(order_fits_widths(GlyphOrder::NotoSansCjk, &w));
        // Widths swapped, as another order's glyphs would have them.
        let swapped: Vec<(u32, u32, f32)> = w
            .iter()
            .map(|&(a, b, x)| (a, b, if x > 900.0 { 556.0 } else { 1000.0 }))
            .collect();
        assert!(!order_fits_widths(GlyphOrder::NotoSansCjk, &swapped));
        assert!(order_fits_widths(GlyphOrder::NotoSansCjk, &[]));
    }
}
