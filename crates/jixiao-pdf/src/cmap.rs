//! Character maps: embedded `ToUnicode` and encoding CMaps, and predefined CMaps of the
//! Adobe CJK collections (GB1, CNS1, Japan1, Korea1) bundled from Adobe's resources
//! (`data/`, BSD-3-Clause).
//!
//! A CMap cuts a byte string into codes (by its code-space ranges) and maps each code to a
//! CID (encoding CMaps) or to Unicode text (`ToUnicode`). The parser reads the PostScript
//! subset CMaps are written in and ignores everything else; a damaged CMap gives fewer
//! mappings, never an error.

use std::collections::BTreeMap;

/// Code-space ranges: which byte lengths a code may have and which values are valid.
#[derive(Debug, Clone, Default)]
pub struct CodeSpace {
    ranges: Vec<(usize, Vec<u8>, Vec<u8>)>,
}

impl CodeSpace {
    /// Fixed-width codes of `n` bytes covering every value.
    pub fn fixed(n: usize) -> Self {
        CodeSpace {
            ranges: vec![(n, vec![0; n], vec![0xff; n])],
        }
    }

    /// EUC-style: one byte up to 0x80, two bytes from 0x81.
    pub fn euc() -> Self {
        CodeSpace {
            ranges: vec![
                (1, vec![0], vec![0x80]),
                (2, vec![0x81, 0x40], vec![0xfe, 0xfe]),
            ],
        }
    }

    fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Cuts the next code off `bytes`: `(code, length)`. Bytes that match no range are
    /// taken one at a time so decoding always advances.
    pub fn next_code(&self, bytes: &[u8]) -> (u32, usize) {
        for n in 1..=4usize.min(bytes.len()) {
            let head = &bytes[..n];
            let hit = self.ranges.iter().any(|(len, lo, hi)| {
                *len == n
                    && head
                        .iter()
                        .zip(lo.iter().zip(hi.iter()))
                        .all(|(b, (l, h))| b >= l && b <= h)
            });
            if hit {
                return (be(head), n);
            }
        }
        // Not in any range: use the shortest declared length (or one byte).
        let n = self
            .ranges
            .iter()
            .map(|r| r.0)
            .min()
            .unwrap_or(1)
            .clamp(1, bytes.len().max(1))
            .min(bytes.len());
        (be(&bytes[..n]), n.max(1))
    }
}

fn be(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b))
}

/// A parsed CMap: code space, code → Unicode (`bfchar`/`bfrange`) and code → CID
/// (`cidchar`/`cidrange`).
#[derive(Debug, Clone, Default)]
pub struct CMap {
    /// Code-space ranges (empty when the CMap declares none).
    pub space: CodeSpace,
    unicode: Entries,
    cids: Vec<(u32, u32, u32)>,
}

/// What a run of codes maps to.
#[derive(Debug, Clone)]
enum Dst {
    /// One text for the entry's one code (`bfchar`, the array form of `bfrange`).
    Text(String),
    /// A `bfrange` with a destination string: code `base + k` maps to that string with
    /// its last UTF-16 unit advanced by `k`.
    Step { base: u32, units: Vec<u16> },
}

/// Code → Unicode as non-overlapping ranges, kept as ranges: a `bfrange` of 65,536
/// codes is one entry, not 65,536 (2,048 such ranges once made 134 M map entries). A
/// later entry takes the codes it covers from earlier ones, as a later `insert` into a
/// map would.
#[derive(Debug, Clone, Default)]
struct Entries(BTreeMap<u32, (u32, Dst)>);

impl Entries {
    fn insert(&mut self, lo: u32, hi: u32, dst: Dst) {
        if hi < lo {
            return;
        }
        // An earlier entry that starts before `lo` and reaches into it keeps its head
        // (and its tail beyond `hi`).
        if let Some((&start, &(end, _))) = self.0.range(..lo).next_back() {
            if end >= lo {
                if let Some((end, d)) = self.0.remove(&start) {
                    if end > hi {
                        self.0.insert(hi + 1, (end, d.clone()));
                    }
                    self.0.insert(start, (lo - 1, d));
                }
            }
        }
        // Entries that start inside lose what `lo..=hi` covers.
        let inside: Vec<u32> = self.0.range(lo..=hi).map(|(k, _)| *k).collect();
        for start in inside {
            if let Some((end, d)) = self.0.remove(&start) {
                if end > hi {
                    self.0.insert(hi + 1, (end, d));
                }
            }
        }
        self.0.insert(lo, (hi, dst));
    }

    fn get(&self, code: u32) -> Option<String> {
        let (_, (hi, dst)) = self.0.range(..=code).next_back()?;
        if code > *hi {
            return None;
        }
        Some(match dst {
            Dst::Text(s) => s.clone(),
            Dst::Step { base, units } => {
                let mut units = units.clone();
                if let Some(last) = units.last_mut() {
                    *last = last.wrapping_add((code - base) as u16);
                }
                String::from_utf16_lossy(&units)
            }
        })
    }
}

impl CMap {
    /// Unicode text for a code, when mapped.
    pub fn unicode(&self, code: u32) -> Option<String> {
        self.unicode.get(code)
    }

    /// CID for a code, when mapped by a `cidrange` or `cidchar`.
    pub fn cid(&self, code: u32) -> Option<u32> {
        lookup_ranges(&self.cids, code)
    }

    /// True when the CMap maps codes to CIDs.
    pub fn has_cids(&self) -> bool {
        !self.cids.is_empty()
    }

    /// Parses CMap source text.
    pub fn parse(data: &[u8]) -> CMap {
        let toks = tokens(data);
        let mut cmap = CMap::default();
        let mut i = 0;
        while i < toks.len() {
            match &toks[i] {
                Tok::Op(op) if op == "begincodespacerange" => {
                    i += 1;
                    while i + 1 < toks.len() {
                        match (&toks[i], &toks[i + 1]) {
                            (Tok::Hex(lo), Tok::Hex(hi))
                                if lo.len() == hi.len() && !lo.is_empty() =>
                            {
                                cmap.space.ranges.push((lo.len(), lo.clone(), hi.clone()));
                                i += 2;
                            }
                            _ => break,
                        }
                    }
                }
                Tok::Op(op) if op == "beginbfchar" => {
                    i += 1;
                    while i + 1 < toks.len() {
                        match (&toks[i], &toks[i + 1]) {
                            (Tok::Hex(src), Tok::Hex(dst)) => {
                                let code = be(src);
                                cmap.unicode.insert(code, code, Dst::Text(utf16(dst)));
                                i += 2;
                            }
                            (Tok::Hex(src), Tok::Name(name)) => {
                                if let Some(c) = crate::font::glyph_unicode(name) {
                                    let code = be(src);
                                    cmap.unicode.insert(code, code, Dst::Text(c.to_string()));
                                }
                                i += 2;
                            }
                            _ => break,
                        }
                    }
                }
                Tok::Op(op) if op == "beginbfrange" => {
                    i += 1;
                    while i + 2 < toks.len() {
                        let (Tok::Hex(lo), Tok::Hex(hi)) = (&toks[i], &toks[i + 1]) else {
                            break;
                        };
                        let (lo, hi) = (be(lo), be(hi));
                        // Bound hostile ranges.
                        let hi = hi.min(lo.saturating_add(0xffff));
                        match &toks[i + 2] {
                            Tok::Hex(dst) => {
                                let units: Vec<u16> = dst
                                    .chunks(2)
                                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                                    .collect();
                                cmap.unicode.insert(lo, hi, Dst::Step { base: lo, units });
                                i += 3;
                            }
                            Tok::ArrayStart => {
                                let mut j = i + 3;
                                let mut code = lo;
                                while j < toks.len() {
                                    match &toks[j] {
                                        Tok::Hex(dst) => {
                                            if code <= hi {
                                                let text = Dst::Text(utf16(dst));
                                                cmap.unicode.insert(code, code, text);
                                            }
                                            code = code.saturating_add(1);
                                            j += 1;
                                        }
                                        Tok::ArrayEnd => {
                                            j += 1;
                                            break;
                                        }
                                        _ => j += 1,
                                    }
                                }
                                i = j;
                            }
                            _ => break,
                        }
                    }
                }
                Tok::Op(op) if op == "begincidrange" => {
                    i += 1;
                    while i + 2 < toks.len() {
                        match (&toks[i], &toks[i + 1], &toks[i + 2]) {
                            (Tok::Hex(lo), Tok::Hex(hi), Tok::Int(cid)) => {
                                cmap.cids.push((be(lo), be(hi), *cid));
                                i += 3;
                            }
                            _ => break,
                        }
                    }
                }
                Tok::Op(op) if op == "begincidchar" => {
                    i += 1;
                    while i + 1 < toks.len() {
                        match (&toks[i], &toks[i + 1]) {
                            (Tok::Hex(c), Tok::Int(cid)) => {
                                let c = be(c);
                                cmap.cids.push((c, c, *cid));
                                i += 2;
                            }
                            _ => break,
                        }
                    }
                }
                _ => i += 1,
            }
        }
        cmap.cids.sort_unstable();
        if cmap.space.is_empty() {
            cmap.space = CodeSpace::fixed(2);
        }
        cmap
    }
}

fn lookup_ranges(ranges: &[(u32, u32, u32)], code: u32) -> Option<u32> {
    let i = ranges.partition_point(|r| r.0 <= code);
    let (lo, hi, cid) = *ranges.get(i.checked_sub(1)?)?;
    (code >= lo && code <= hi).then(|| cid + (code - lo))
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Hex(Vec<u8>),
    Int(u32),
    Name(String),
    Op(String),
    ArrayStart,
    ArrayEnd,
}

fn tokens(data: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        match b {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if data.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let start = i + 1;
                let end = data[start..]
                    .iter()
                    .position(|&c| c == b'>')
                    .map_or(data.len(), |p| start + p);
                let digits: Vec<u8> = data[start..end]
                    .iter()
                    .filter(|c| c.is_ascii_hexdigit())
                    .copied()
                    .collect();
                let bytes = digits
                    .chunks(2)
                    .map(|c| {
                        let h = |d: u8| (d as char).to_digit(16).unwrap_or(0) as u8;
                        (h(c[0]) << 4) | c.get(1).map_or(0, |d| h(*d))
                    })
                    .collect();
                out.push(Tok::Hex(bytes));
                i = end + 1;
            }
            b'[' => {
                out.push(Tok::ArrayStart);
                i += 1;
            }
            b']' => {
                out.push(Tok::ArrayEnd);
                i += 1;
            }
            b'(' => {
                // Strings are not needed: skip with nesting.
                let mut depth = 0;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            b'/' => {
                let start = i + 1;
                i = start;
                while i < data.len() && !is_delim(data[i]) {
                    i += 1;
                }
                out.push(Tok::Name(
                    String::from_utf8_lossy(&data[start..i]).into_owned(),
                ));
            }
            _ if is_delim(b) => i += 1,
            _ => {
                let start = i;
                while i < data.len() && !is_delim(data[i]) {
                    i += 1;
                }
                let word = &data[start..i];
                if word.iter().all(u8::is_ascii_digit) {
                    out.push(Tok::Int(
                        std::str::from_utf8(word)
                            .ok()
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(0),
                    ));
                } else {
                    out.push(Tok::Op(String::from_utf8_lossy(word).into_owned()));
                }
            }
        }
    }
    out
}

fn is_delim(b: u8) -> bool {
    b.is_ascii_whitespace() || b"()<>[]{}/%".contains(&b)
}

/// An Adobe CJK character collection (the `Ordering` of a CID font).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    /// Adobe-GB1 (simplified Chinese).
    Gb1,
    /// Adobe-CNS1 (traditional Chinese).
    Cns1,
    /// Adobe-Japan1.
    Japan1,
    /// Adobe-Korea1.
    Korea1,
}

static GB1_UCS2: &[u8] = include_bytes!("../data/adobe_gb1_ucs2.u16");
static CNS1_UCS2: &[u8] = include_bytes!("../data/adobe_cns1_ucs2.u16");
static JAPAN1_UCS2: &[u8] = include_bytes!("../data/adobe_japan1_ucs2.u16");
static KOREA1_UCS2: &[u8] = include_bytes!("../data/adobe_korea1_ucs2.u16");

impl Collection {
    /// The collection of a `CIDSystemInfo` `Ordering`.
    pub fn by_ordering(ordering: &[u8]) -> Option<Collection> {
        match ordering {
            b"GB1" => Some(Collection::Gb1),
            b"CNS1" => Some(Collection::Cns1),
            b"Japan1" => Some(Collection::Japan1),
            b"Korea1" => Some(Collection::Korea1),
            _ => None,
        }
    }

    /// Unicode of a CID (from Adobe's `Adobe-*-UCS2` tables).
    pub fn unicode(self, cid: u32) -> Option<char> {
        let table = match self {
            Collection::Gb1 => GB1_UCS2,
            Collection::Cns1 => CNS1_UCS2,
            Collection::Japan1 => JAPAN1_UCS2,
            Collection::Korea1 => KOREA1_UCS2,
        };
        let i = cid as usize;
        if 2 * i + 1 >= table.len() {
            return None;
        }
        match u16_at(table, i) {
            0 => None,
            u => char::from_u32(u),
        }
    }
}

/// How the codes of a predefined CMap spell their text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codes {
    /// UTF-16 code units (`Uni*-UCS2`, `Uni*-UTF16`).
    Utf16,
    /// Bytes of a legacy encoding (GBK, Big5, Shift-JIS, EUC-JP, EUC-KR / UHC).
    Legacy(&'static encoding_rs::Encoding),
    /// JIS X 0208 row-cell pairs (`H`, `V`): EUC-JP with the high bits cleared.
    Jis,
}

/// A bundled predefined CMap: code → CID ranges and code space.
#[derive(Debug, PartialEq, Eq)]
pub struct Named {
    /// The CMap's name (horizontal form).
    pub name: &'static str,
    /// Its character collection.
    pub collection: Collection,
    ranges: &'static [u8],
    space: &'static str,
    codes: Codes,
}

macro_rules! named {
    ($id:ident, $name:literal, $coll:ident, $codes:expr) => {
        static $id: Named = Named {
            name: $name,
            collection: Collection::$coll,
            ranges: include_bytes!(concat!("../data/", $name, ".cidranges")),
            space: include_str!(concat!("../data/", $name, ".space")),
            codes: $codes,
        };
    };
}

named!(UNIGB_UCS2, "UniGB-UCS2-H", Gb1, Codes::Utf16);
named!(GBK_EUC, "GBK-EUC-H", Gb1, Codes::Legacy(encoding_rs::GBK));
named!(GB_EUC, "GB-EUC-H", Gb1, Codes::Legacy(encoding_rs::GBK));
named!(UNICNS_UCS2, "UniCNS-UCS2-H", Cns1, Codes::Utf16);
named!(B5PC, "B5pc-H", Cns1, Codes::Legacy(encoding_rs::BIG5));
named!(ETEN_B5, "ETen-B5-H", Cns1, Codes::Legacy(encoding_rs::BIG5));
named!(UNIJIS_UCS2, "UniJIS-UCS2-H", Japan1, Codes::Utf16);
named!(
    RKSJ,
    "90ms-RKSJ-H",
    Japan1,
    Codes::Legacy(encoding_rs::SHIFT_JIS)
);
named!(EUC_JP, "EUC-H", Japan1, Codes::Legacy(encoding_rs::EUC_JP));
named!(JIS, "H", Japan1, Codes::Jis);
named!(UNIKS_UCS2, "UniKS-UCS2-H", Korea1, Codes::Utf16);
named!(
    KSC_EUC,
    "KSC-EUC-H",
    Korea1,
    Codes::Legacy(encoding_rs::EUC_KR)
);
named!(
    KSC_UHC,
    "KSCms-UHC-H",
    Korea1,
    Codes::Legacy(encoding_rs::EUC_KR)
);

/// A predefined (named) CMap: `Identity-H/V`, or one of the bundled CMaps of the Adobe
/// CJK collections (`UniGB-UCS2-H`, `GBK-EUC-H`, `UniJIS-UTF16-V`, `90ms-RKSJ-H`, `H`,
/// `B5pc-H`, `KSCms-UHC-H`, …; a `-V` CMap is read as its `-H` one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Predefined {
    /// `Identity-H` / `Identity-V`: two-byte codes equal to CIDs.
    Identity,
    /// A bundled CMap.
    Named(&'static Named),
}

impl Predefined {
    /// `UniGB-UCS2-H`.
    pub const UNIGB_UCS2: Predefined = Predefined::Named(&UNIGB_UCS2);
    /// `GBK-EUC-H`.
    pub const GBK_EUC: Predefined = Predefined::Named(&GBK_EUC);

    /// The predefined CMap named `name`, when this reader knows it.
    pub fn by_name(name: &str) -> Option<Predefined> {
        if name == "H" || name == "V" {
            return Some(Predefined::Named(&JIS));
        }
        let base = name
            .strip_suffix("-H")
            .or_else(|| name.strip_suffix("-V"))?;
        let base = base.strip_suffix("-HW").unwrap_or(base);
        let n: &'static Named = match base {
            "Identity" => return Some(Predefined::Identity),
            "UniGB-UCS2" | "UniGB-UTF16" => &UNIGB_UCS2,
            "GBK-EUC" | "GBKp-EUC" | "GBK2K" => &GBK_EUC,
            "GB-EUC" | "GBpc-EUC" | "GBT-EUC" | "GBTpc-EUC" => &GB_EUC,
            "UniCNS-UCS2" | "UniCNS-UTF16" => &UNICNS_UCS2,
            "B5pc" | "B5" | "HKscs-B5" | "ETHK-B5" => &B5PC,
            "ETen-B5" | "ETenms-B5" => &ETEN_B5,
            "UniJIS-UCS2" | "UniJIS-UTF16" | "UniJISPro-UCS2" => &UNIJIS_UCS2,
            "90ms-RKSJ" | "90msp-RKSJ" | "RKSJ" | "90pv-RKSJ" | "83pv-RKSJ" => &RKSJ,
            "EUC" => &EUC_JP,
            "UniKS-UCS2" | "UniKS-UTF16" => &UNIKS_UCS2,
            "KSC-EUC" | "KSCpc-EUC" => &KSC_EUC,
            "KSCms-UHC" => &KSC_UHC,
            _ => return None,
        };
        Some(Predefined::Named(n))
    }

    /// The collection of the CMap's CIDs (`None` for Identity).
    pub fn collection(self) -> Option<Collection> {
        match self {
            Predefined::Identity => None,
            Predefined::Named(n) => Some(n.collection),
        }
    }

    /// Code space of the CMap.
    pub fn space(self) -> CodeSpace {
        match self {
            Predefined::Identity => CodeSpace::fixed(2),
            Predefined::Named(n) => {
                let hex = |h: &str| -> Vec<u8> {
                    (0..h.len() / 2)
                        .filter_map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).ok())
                        .collect()
                };
                let ranges = n
                    .space
                    .lines()
                    .filter_map(|l| {
                        let (lo, hi) = l.split_once(' ')?;
                        let (lo, hi) = (hex(lo), hex(hi));
                        (lo.len() == hi.len() && !lo.is_empty()).then_some((lo.len(), lo, hi))
                    })
                    .collect();
                CodeSpace { ranges }
            }
        }
    }

    /// CID of a code.
    pub fn cid(self, code: u32) -> Option<u32> {
        match self {
            Predefined::Identity => Some(code),
            Predefined::Named(n) => lookup_u16_ranges(n.ranges, code),
        }
    }

    /// The text a code of `len` bytes spells by the CMap's own encoding (`None` for
    /// Identity, and for codes the encoding does not define).
    pub fn text(self, code: u32, len: usize) -> Option<String> {
        let Predefined::Named(n) = self else {
            return None;
        };
        // Two-byte UTF-16 codes outside the surrogates are the scalar itself (the common
        // case: no allocation but the result's).
        if n.codes == Codes::Utf16 && len == 2 {
            return char::from_u32(code).map(String::from);
        }
        let bytes: Vec<u8> = (0..len).rev().map(|i| (code >> (8 * i)) as u8).collect();
        match n.codes {
            Codes::Utf16 => {
                let units: Vec<u16> = bytes
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                    .collect();
                String::from_utf16(&units).ok()
            }
            Codes::Legacy(enc) => {
                let (t, _, bad) = enc.decode(&bytes);
                (!bad).then(|| t.into_owned())
            }
            Codes::Jis => {
                if len != 2 {
                    return None;
                }
                let euc: Vec<u8> = bytes.iter().map(|b| b | 0x80).collect();
                let (t, _, bad) = encoding_rs::EUC_JP.decode(&euc);
                (!bad).then(|| t.into_owned())
            }
        }
    }
}

/// Unicode of an Adobe-GB1 CID.
pub fn gb1_unicode(cid: u32) -> Option<char> {
    Collection::Gb1.unicode(cid)
}

fn u16_at(table: &[u8], i: usize) -> u32 {
    u32::from(u16::from_le_bytes([table[2 * i], table[2 * i + 1]]))
}

/// Looks a code up in a table of little-endian `(lo, hi, cid)` u16 triples.
fn lookup_u16_ranges(table: &[u8], code: u32) -> Option<u32> {
    let n = table.len() / 6;
    let (mut lo, mut hi) = (0usize, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if u16_at(table, 3 * mid) <= code {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let i = lo.checked_sub(1)?;
    let (a, b, cid) = (
        u16_at(table, 3 * i),
        u16_at(table, 3 * i + 1),
        u16_at(table, 3 * i + 2),
    );
    (code >= a && code <= b).then(|| cid + (code - a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bfchar_and_bfrange() {
        let src = b"/CIDInit /ProcSet findresource begin begincmap
            1 begincodespacerange <0000> <FFFF> endcodespacerange
            2 beginbfchar <0003> <0020> <0010> <4E2D> endbfchar
            2 beginbfrange <0020> <0022> <0041> <0030> <0031> [<8D22> <653F>] endbfrange
            endcmap";
        let c = CMap::parse(src);
        assert_eq!(c.unicode(0x10).as_deref(), Some("中"));
        assert_eq!(c.unicode(0x21).as_deref(), Some("B"));
        assert_eq!(c.unicode(0x31).as_deref(), Some("政"));
        assert_eq!(c.unicode(0x40), None);
        assert_eq!(c.space.next_code(&[0x00, 0x10, 0x41]), (0x10, 2));
    }

    #[test]
    fn later_entries_take_codes_from_earlier_ranges() {
        let src = b"begincmap 1 beginbfrange <0000> <00FF> <0041> endbfrange
            2 beginbfchar <0010> <4E2D> <00FF> <0030> endbfchar
            1 beginbfrange <0020> <0021> [<8D22> <653F>] endbfrange
            1 beginbfrange <FFFF0000> <FFFFFFFF> <4E00> endbfrange endcmap";
        let c = CMap::parse(src);
        // Untouched codes of the first range still step from its start.
        assert_eq!(c.unicode(0x00).as_deref(), Some("A"));
        assert_eq!(c.unicode(0x0f).as_deref(), Some("P"));
        assert_eq!(c.unicode(0x11).as_deref(), Some("R"));
        assert_eq!(c.unicode(0x22).as_deref(), Some("c"));
        // Overridden ones take the later entry.
        assert_eq!(c.unicode(0x10).as_deref(), Some("中"));
        assert_eq!(c.unicode(0x20).as_deref(), Some("财"));
        assert_eq!(c.unicode(0x21).as_deref(), Some("政"));
        assert_eq!(c.unicode(0xff).as_deref(), Some("0"));
        assert_eq!(c.unicode(0x100), None);
        // A range of 65,536 codes is one entry.
        assert_eq!(c.unicode(0xffff_0001).as_deref(), Some("丁"));
        assert_eq!(c.unicode.0.len(), 8);
    }

    #[test]
    fn predefined_gb1_tables() {
        // ASCII in UniGB-UCS2-H: CIDs 1.. (half-width Latin).
        assert_eq!(Predefined::UNIGB_UCS2.cid(0x20), Some(1));
        assert_eq!(Predefined::UNIGB_UCS2.cid(0x41), Some(34));
        let cid = Predefined::UNIGB_UCS2
            .cid('财' as u32)
            .expect("财 has a CID");
        assert_eq!(gb1_unicode(cid), Some('财'));
        // GBK code of 中 is D6D0.
        let cid = Predefined::GBK_EUC.cid(0xd6d0).expect("中 in GBK-EUC-H");
        assert_eq!(gb1_unicode(cid), Some('中'));
        assert_eq!(
            Predefined::by_name("UniGB-UCS2-H"),
            Some(Predefined::UNIGB_UCS2)
        );
        assert_eq!(Predefined::by_name("Adobe-Japan1-6"), None);
        // Japanese: 90ms-RKSJ (Shift-JIS) and the JIS row-cell H / V CMaps.
        let rksj = Predefined::by_name("90ms-RKSJ-V").expect("RKSJ");
        assert_eq!(rksj.collection(), Some(Collection::Japan1));
        assert_eq!(rksj.space().next_code(&[0x82, 0xa0]), (0x82a0, 2));
        assert_eq!(rksj.text(0x82a0, 2).as_deref(), Some("あ"));
        let cid = rksj.cid(0x82a0).expect("あ has a CID");
        assert_eq!(Collection::Japan1.unicode(cid), Some('あ'));
        let jis = Predefined::by_name("H").expect("H");
        assert_eq!(jis.text(0x2422, 2).as_deref(), Some("あ"));
        assert_eq!(
            Predefined::by_name("UniJIS-UTF16-H")
                .and_then(|p| p.text(0x3042, 2))
                .as_deref(),
            Some("あ")
        );
        assert_eq!(
            Predefined::GBK_EUC.space().next_code(&[0x41, 0xd6, 0xd0]),
            (0x41, 1)
        );
        assert_eq!(
            Predefined::GBK_EUC.space().next_code(&[0xd6, 0xd0]),
            (0xd6d0, 2)
        );
    }
}
