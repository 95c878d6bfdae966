//! Embedded font programs (`FontFile`, `FontFile2`, `FontFile3`): what they tell about
//! glyphs when the PDF itself does not — built-in encodings, glyph names, the program's own
//! `cmap` — read with `ttf-parser` (TrueType, OpenType, CFF) and, for the clear-text part
//! of Type 1 programs, by hand (no maintained crate reads Type 1).

use crate::obj::{get, name, stream, stream_data};
use lopdf::{Dictionary, Document};
use std::collections::HashMap;

/// Largest font program decoded (CJK fonts embedded whole reach ~20 MB).
const MAX_PROGRAM: usize = 32 * 1024 * 1024;

/// A font program, its data decoded.
pub(crate) enum Program {
    /// Type 1 (`FontFile`): clear text, then the eexec-encrypted part.
    Type1(Vec<u8>),
    /// Bare CFF (`FontFile3` of subtype `Type1C` or `CIDFontType0C`).
    Cff(Vec<u8>),
    /// TrueType or OpenType (`FontFile2`, `FontFile3` of subtype `OpenType`).
    Sfnt(Vec<u8>),
}

impl Program {
    /// The program of a font descriptor, if one is embedded and decodes.
    pub(crate) fn load(doc: &Document, fd: &Dictionary) -> Option<Program> {
        if let Some(s) = stream(doc, fd, b"FontFile2") {
            return stream_data(doc, s, MAX_PROGRAM).map(Program::Sfnt);
        }
        if let Some(s) = stream(doc, fd, b"FontFile3") {
            let data = stream_data(doc, s, MAX_PROGRAM)?;
            return Some(match name(doc, &s.dict, b"Subtype") {
                Some(b"OpenType") => Program::Sfnt(data),
                _ if data.starts_with(b"OTTO") || data.starts_with(&[0, 1, 0, 0]) => {
                    Program::Sfnt(data)
                }
                _ => Program::Cff(data),
            });
        }
        stream(doc, fd, b"FontFile")
            .and_then(|s| stream_data(doc, s, MAX_PROGRAM))
            .map(Program::Type1)
    }

    /// The descriptor of a font dictionary (simple fonts) or of its descendant.
    pub(crate) fn of_font(doc: &Document, font: &Dictionary) -> Option<Program> {
        match get(doc, font, b"FontDescriptor")? {
            lopdf::Object::Dictionary(fd) => Program::load(doc, fd),
            _ => None,
        }
    }

    /// The program's built-in encoding, code → glyph name: the `/Encoding` array of a Type 1
    /// program's clear text, or a CFF font's encoding. `None` when the program uses the
    /// standard encoding or has none.
    pub(crate) fn builtin_names(&self) -> Option<Vec<(u8, String)>> {
        match self {
            Program::Type1(data) => type1_encoding(data),
            Program::Cff(data) => {
                let t = ttf_parser::cff::Table::parse(data)?;
                let out: Vec<(u8, String)> = (0..=255u8)
                    .filter_map(|c| {
                        let g = t.glyph_index(c)?;
                        (g.0 != 0)
                            .then(|| t.glyph_name(g))
                            .flatten()
                            .map(|n| (c, n.to_string()))
                    })
                    .collect();
                (!out.is_empty()).then_some(out)
            }
            Program::Sfnt(_) => None,
        }
    }

    /// Glyph id → character from the program's own Unicode `cmap` subtables, inverted
    /// (a glyph reached from several code points keeps the lowest). Empty for programs
    /// without one (subsets often drop it).
    pub(crate) fn unicode_of_glyphs(&self) -> HashMap<u16, char> {
        let mut out = HashMap::new();
        let Program::Sfnt(data) = self else {
            return out;
        };
        let Ok(face) = ttf_parser::Face::parse(data, 0) else {
            return out;
        };
        let Some(cmap) = face.tables().cmap else {
            return out;
        };
        for sub in cmap.subtables {
            if !sub.is_unicode() {
                continue;
            }
            sub.codepoints(|cp| {
                let (Some(g), Some(c)) = (sub.glyph_index(cp), char::from_u32(cp)) else {
                    return;
                };
                out.entry(g.0)
                    .and_modify(|e: &mut char| *e = (*e).min(c))
                    .or_insert(c);
            });
        }
        out
    }

    /// Glyph id of a one-byte code of a simple TrueType font through its symbolic (3,0) or
    /// Mac (1,0) `cmap`.
    pub(crate) fn glyph_of_code(&self, code: u8) -> Option<u16> {
        let Program::Sfnt(data) = self else {
            return None;
        };
        let face = ttf_parser::Face::parse(data, 0).ok()?;
        let cmap = face.tables().cmap?;
        cmap.subtables.into_iter().find_map(|sub| {
            let cp = match (sub.platform_id, sub.encoding_id) {
                (ttf_parser::PlatformId::Windows, 0) => 0xf000 + u32::from(code),
                (ttf_parser::PlatformId::Macintosh, 0) => u32::from(code),
                _ => return None,
            };
            sub.glyph_index(cp).map(|g| g.0).filter(|g| *g != 0)
        })
    }

    /// The name the program gives a glyph (`post` of TrueType, the charset of CFF).
    pub(crate) fn glyph_name(&self, gid: u16) -> Option<String> {
        let g = ttf_parser::GlyphId(gid);
        match self {
            Program::Sfnt(data) => ttf_parser::Face::parse(data, 0)
                .ok()?
                .glyph_name(g)
                .map(str::to_string),
            Program::Cff(data) => ttf_parser::cff::Table::parse(data)?
                .glyph_name(g)
                .map(str::to_string),
            Program::Type1(_) => None,
        }
    }
}

/// The `/Encoding` of a Type 1 program's clear-text part: `dup <code> /<name> put` entries.
/// `None` for `StandardEncoding` or when there is none.
fn type1_encoding(data: &[u8]) -> Option<Vec<(u8, String)>> {
    let clear = match find(data, b"eexec") {
        Some(i) => &data[..i],
        None => data,
    };
    let at = find(clear, b"/Encoding")?;
    let rest = &clear[at + b"/Encoding".len()..];
    let head = String::from_utf8_lossy(&rest[..rest.len().min(40)]).into_owned();
    if head.trim_start().starts_with("StandardEncoding") {
        return None;
    }
    let end = find(rest, b"readonly def")
        .or_else(|| find(rest, b" def"))
        .unwrap_or(rest.len());
    let text = String::from_utf8_lossy(&rest[..end]).into_owned();
    let toks: Vec<&str> = text.split_ascii_whitespace().collect();
    let mut out = Vec::new();
    for w in toks.windows(4) {
        if w[0] == "dup" && w[3] == "put" {
            if let (Ok(code), Some(n)) = (w[1].parse::<u8>(), w[2].strip_prefix('/')) {
                out.push((code, n.to_string()));
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type1_clear_text_encoding() {
        let p = b"%!PS-AdobeFont-1.0: X\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\ndup 1 /cid38985 put\ndup 2 /A put\nreadonly def\ncurrentfile eexec\x8f\x01";
        let names = Program::Type1(p.to_vec()).builtin_names().expect("names");
        assert_eq!(
            names,
            vec![(1, "cid38985".to_string()), (2, "A".to_string())]
        );
        let std = b"/Encoding StandardEncoding def\ncurrentfile eexec";
        assert!(Program::Type1(std.to_vec()).builtin_names().is_none());
        assert!(Program::Type1(b"garbage".to_vec())
            .builtin_names()
            .is_none());
        assert!(Program::Cff(b"garbage".to_vec()).builtin_names().is_none());
        assert!(Program::Sfnt(b"garbage".to_vec())
            .unicode_of_glyphs()
            .is_empty());
    }
}
