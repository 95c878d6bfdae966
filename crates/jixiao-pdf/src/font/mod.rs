//! Fonts: cutting shown strings into glyphs, each with its Unicode text and its advance.
//!
//! Unicode comes, in order of trust, from the font's `ToUnicode` CMap (also the malformed
//! variants that map codes by `cidrange`), from the predefined CMaps and character
//! collections (Adobe-GB1), from glyph names (`Differences`, the program's built-in
//! encoding; the Adobe Glyph List, `uniXXXX`, `cidNNNNN` in a known glyph order), and from
//! the embedded program's own `cmap`. What is still unknown is left empty, and the glyph
//! keeps its code so that a later stage can recover it from its outline.
//!
//! - `simple`: Type 1, TrueType and Type 3 fonts (one-byte codes).
//! - `composite`: Type 0 fonts (CMaps, CID fonts).
//! - [`names`]: glyph names and base encodings; [`order`]: known glyph orders;
//!   `program`: embedded font programs; [`outline`]: glyph outlines; `metrics`: standard
//!   14 widths.

mod composite;
mod metrics;
pub mod names;
pub mod order;
pub mod outline;
mod program;
mod simple;

use crate::cmap::{CMap, CodeSpace, Predefined};
use crate::obj::{get, name, num, stream_data};
use lopdf::{Dictionary, Document, Object};
use std::collections::HashMap;
use std::sync::Arc;

pub use names::{glyph_text, glyph_unicode};
pub use order::GlyphOrder;

/// One glyph of a shown string.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownGlyph {
    /// Unicode text (empty when the font gives no mapping).
    pub text: String,
    /// Horizontal advance in text-space units (before font size and scaling).
    pub width: f32,
    /// True for the single-byte code 32, to which word spacing applies.
    pub word_space: bool,
    /// Which glyph of the font: a simple font's code, a composite font's CID (to recover
    /// the text of glyphs without any from their outline).
    pub glyph: u32,
}

#[derive(Debug, Clone)]
enum Encoding {
    /// Single-byte codes.
    Simple {
        /// Text of each code (empty: unknown).
        text: Box<[String; 256]>,
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
        /// The character collection of the CIDs (from the descendant's `CIDSystemInfo` or
        /// the predefined CMap).
        collection: Option<crate::cmap::Collection>,
        /// CID → character from the embedded program's `cmap`.
        cid_text: HashMap<u32, char>,
        /// The glyph order the CIDs follow (Identity-ordered CFF of a known family).
        order: Option<GlyphOrder>,
    },
}

/// A font as far as text extraction needs it.
#[derive(Debug, Clone)]
pub struct Font {
    encoding: Encoding,
    to_unicode: Option<CMap>,
    /// Glyph space → text space (0.001, or the Type 3 `FontMatrix`).
    scale: f32,
    /// Outlines of the glyphs no table gives text for.
    outlines: Option<Arc<outline::Outlines>>,
    /// Index in the document's font cache, set by it.
    pub(crate) slot: u32,
}

/// Largest stream a font resource may decompress to (CMaps are small).
const MAX_FONT_STREAM: usize = 8 * 1024 * 1024;

fn stream_cmap(doc: &Document, o: &Object) -> Option<CMap> {
    match o {
        Object::Stream(s) => stream_data(doc, s, MAX_FONT_STREAM).map(|d| CMap::parse(&d)),
        _ => None,
    }
}

/// The base font name of a font dictionary (or of its descendant, or descriptor).
fn base_font(doc: &Document, d: &Dictionary) -> String {
    name(doc, d, b"BaseFont")
        .or_else(|| match get(doc, d, b"FontDescriptor") {
            Some(Object::Dictionary(fd)) => name(doc, fd, b"FontName"),
            _ => None,
        })
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default()
}

impl Font {
    /// Reads a font dictionary. Never fails: unknown parts fall back to defaults.
    pub fn from_dict(doc: &Document, d: &Dictionary) -> Font {
        let to_unicode = get(doc, d, b"ToUnicode").and_then(|o| stream_cmap(doc, o));
        let subtype = name(doc, d, b"Subtype").unwrap_or(b"");
        if subtype == b"Type0" {
            let (encoding, outlines) = composite::encoding(doc, d, to_unicode.is_some());
            return Font {
                encoding,
                to_unicode,
                scale: 0.001,
                outlines: outlines.map(Arc::new),
                slot: 0,
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
        let (encoding, outlines) = simple::encoding(doc, d, subtype, to_unicode.is_some());
        Font {
            encoding,
            to_unicode,
            scale,
            outlines: outlines.map(Arc::new),
            slot: 0,
        }
    }

    /// The outline of a glyph (see [`ShownGlyph::glyph`]) when the font has no text for
    /// it but can draw it.
    pub fn outline(&self, glyph: u32) -> Option<Vec<outline::PathEl>> {
        self.outlines.as_ref()?.outline(glyph)
    }

    /// True when glyphs without text can be drawn from outlines.
    pub fn has_outlines(&self) -> bool {
        self.outlines.is_some()
    }

    /// Text of a code from the `ToUnicode` CMap: its `bfchar`/`bfrange` entries, or a
    /// `cidrange`/`cidchar` used (wrongly, but by real producers) to map codes to
    /// Unicode scalars.
    fn to_unicode(&self, code: u32) -> Option<String> {
        let t = self.to_unicode.as_ref()?;
        if let Some(s) = t.unicode(code) {
            return Some(s);
        }
        t.cid(code)
            .and_then(char::from_u32)
            .filter(|c| !c.is_control())
            .map(String::from)
    }

    /// Cuts `bytes` into glyphs.
    pub fn decode(&self, bytes: &[u8]) -> Vec<ShownGlyph> {
        match &self.encoding {
            Encoding::Simple { .. } => self.decode_simple(bytes),
            Encoding::Composite { .. } => self.decode_composite(bytes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrange_in_to_unicode_maps_to_scalars() {
        let cmap = CMap::parse(
            b"begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange
            1 begincidrange <0010> <0011> 36130 endcidrange endcmap",
        );
        let f = Font {
            encoding: Encoding::Composite {
                space: CodeSpace::fixed(2),
                predefined: None,
                embedded: None,
                widths: Vec::new(),
                default_width: 1000.0,
                collection: None,
                cid_text: HashMap::new(),
                order: None,
            },
            to_unicode: Some(cmap),
            scale: 0.001,
            outlines: None,
            slot: 0,
        };
        let text: String = f
            .decode(&[0, 0x10, 0, 0x11])
            .into_iter()
            .map(|g| g.text)
            .collect();
        // 36130 = U+8D22 财, then U+8D23 责.
        assert_eq!(text, "财责");
    }
}
