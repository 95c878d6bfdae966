//! Glyph orders of font families whose glyph ids stand for the same characters in every
//! subset: the ids that `cidNNNNN` glyph names (Ghostscript, LibreOffice) and CIDs of
//! Identity-ordered CID fonts carry. Without `/ToUnicode` and without the font's own
//! `cmap` (subsets drop it), the family's order is what tells the character.

use std::sync::OnceLock;

/// A known glyph order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlyphOrder {
    /// Noto Sans CJK 2.x / Source Han Sans (all weights and regions share one order).
    NotoSansCjk,
    /// Noto Serif CJK / Source Han Serif.
    NotoSerifCjk,
}

static SANS: &[u8] = include_bytes!("../../data/noto-sans-cjk.gid");
static SERIF: &[u8] = include_bytes!("../../data/noto-serif-cjk.gid");

/// Decodes a table written by `scripts/gen_glyph_orders.py`: per glyph id a varint, 0 for
/// none, else zigzag(delta from the previous code point) + 1.
fn decode(data: &[u8]) -> Vec<u32> {
    let mut out = Vec::with_capacity(data.len());
    let (mut prev, mut i) = (0i64, 0usize);
    while i < data.len() {
        let (mut v, mut shift) = (0u64, 0u32);
        while i < data.len() && shift < 64 {
            let b = data[i];
            i += 1;
            v |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        if v == 0 {
            out.push(0);
            continue;
        }
        let z = v - 1;
        let d = (z >> 1) as i64 ^ -((z & 1) as i64);
        prev += d;
        out.push(u32::try_from(prev).unwrap_or(0));
    }
    out
}

impl GlyphOrder {
    /// The order a font's name implies (`ABCDEF+NotoSansCJKjp-Regular`, `SourceHanSerifSC-Bold`).
    pub fn of_font_name(name: &str) -> Option<GlyphOrder> {
        let base = name.rsplit('+').next().unwrap_or(name);
        let base: String = base.chars().filter(|c| *c != ' ').collect();
        if base.starts_with("NotoSansCJK")
            || base.starts_with("NotoSansMonoCJK")
            || base.starts_with("SourceHanSans")
        {
            Some(GlyphOrder::NotoSansCjk)
        } else if base.starts_with("NotoSerifCJK") || base.starts_with("SourceHanSerif") {
            Some(GlyphOrder::NotoSerifCjk)
        } else {
            None
        }
    }

    fn table(self) -> &'static [u32] {
        static T: [OnceLock<Vec<u32>>; 2] = [OnceLock::new(), OnceLock::new()];
        match self {
            GlyphOrder::NotoSansCjk => T[0].get_or_init(|| decode(SANS)),
            GlyphOrder::NotoSerifCjk => T[1].get_or_init(|| decode(SERIF)),
        }
    }

    /// The character glyph `gid` stands for.
    pub fn unicode(self, gid: u32) -> Option<char> {
        match self.table().get(gid as usize) {
            Some(0) | None => None,
            Some(u) => char::from_u32(*u),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noto_orders() {
        let sans = GlyphOrder::of_font_name("BAAAAA+NotoSansCJKjp-Bold-VKana").expect("sans");
        assert_eq!(sans, GlyphOrder::NotoSansCjk);
        // Glyph ids of 财政项目 and of the digit 0 in Noto Sans CJK 2.004.
        let text: String = [38985, 19923, 44152, 27864, 17]
            .iter()
            .filter_map(|g| sans.unicode(*g))
            .collect();
        assert_eq!(text, "财政项目0");
        assert_eq!(sans.unicode(0), None);
        assert_eq!(sans.unicode(1_000_000), None);
        assert_eq!(
            GlyphOrder::of_font_name("Source Han Serif SC"),
            Some(GlyphOrder::NotoSerifCjk)
        );
        assert_eq!(GlyphOrder::of_font_name("SimSun"), None);
        // The two families order their glyphs differently.
        assert_ne!(
            GlyphOrder::NotoSerifCjk.unicode(38985),
            GlyphOrder::NotoSansCjk.unicode(38985)
        );
    }
}
