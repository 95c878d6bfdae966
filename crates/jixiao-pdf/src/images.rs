//! Image XObjects → [`jixiao_raster::Placement`]s, for pages that need OCR.
//!
//! The content pass keeps each image it meets ([`PlacedImage`]) with its dictionary's
//! entries resolved, so decoding needs no document. Decoding reads the filter chain:
//! general filters (Flate, LZW with predictors, ASCII85 …) through lopdf, then the image
//! codec — `DCTDecode` (JPEG), `CCITTFaxDecode` (Group 3 1-D / Group 4) or raw samples in
//! DeviceGray/RGB/CMYK, ICCBased (by its component count) and Indexed colour —
//! `/Decode [1 0]` and `/ImageMask` stencils. JBIG2 and JPEG 2000 are refused by name:
//! no maintained Rust decoder exists for them.

use jixiao_raster::{CcittParams, Colour, Placement, RasterError, SampleLayout};
use lopdf::{Dictionary, Document, Object, Stream};

/// Most images kept per page (scans have one to a few; a page of hundreds of tiny
/// images is no scan).
pub const MAX_IMAGES_PER_PAGE: usize = 64;

/// An image the page draws: its stream (dictionary entries resolved) and where.
#[derive(Debug, Clone)]
pub struct PlacedImage {
    /// The image's unit square → display points.
    pub ctm: [f32; 6],
    /// The XObject with `Filter`, `DecodeParms`, `ColorSpace`, `Decode` made direct.
    pub stream: Stream,
}

fn resolved(doc: &Document, o: &Object) -> Object {
    let mut o = o;
    for _ in 0..8 {
        match o {
            Object::Reference(id) => match doc.get_object(*id) {
                Ok(next) => o = next,
                Err(_) => return Object::Null,
            },
            _ => break,
        }
    }
    match o {
        Object::Array(a) => Object::Array(
            a.iter()
                .map(|x| match x {
                    Object::Reference(_) => resolved(doc, x),
                    other => other.clone(),
                })
                .collect(),
        ),
        // A Lookup stream of an Indexed space: keep its bytes.
        Object::Stream(s) => Object::String(
            s.decompressed_content()
                .unwrap_or_else(|_| s.content.clone()),
            lopdf::StringFormat::Literal,
        ),
        other => other.clone(),
    }
}

impl PlacedImage {
    /// Keeps `stream` drawn at `ctm`, resolving what decoding will need.
    pub fn new(doc: &Document, stream: &Stream, ctm: [f32; 6]) -> Self {
        let mut s = stream.clone();
        for key in [
            &b"Filter"[..],
            b"DecodeParms",
            b"ColorSpace",
            b"Decode",
            b"ImageMask",
            b"Width",
            b"Height",
            b"BitsPerComponent",
        ] {
            if let Ok(v) = stream.dict.get(key) {
                let r = resolved(doc, v);
                s.dict.set(key, r);
            }
        }
        if let Some(cs) = device_space(doc, &stream.dict) {
            s.dict.set("ColorSpace", cs);
        }
        PlacedImage { ctm, stream: s }
    }

    /// Decodes the image into grey pixels placed on the page.
    pub fn decode(&self) -> Result<Placement, RasterError> {
        let d = &self.stream.dict;
        let int = |k: &[u8]| d.get(k).ok().and_then(|o| o.as_i64().ok());
        let width = int(b"Width").unwrap_or(0).max(0) as usize;
        let height = int(b"Height").unwrap_or(0).max(0) as usize;
        let mask = matches!(d.get(b"ImageMask"), Ok(Object::Boolean(true)));
        let filters: Vec<Vec<u8>> = match d.get(b"Filter") {
            Ok(Object::Name(n)) => vec![n.clone()],
            Ok(Object::Array(a)) => a
                .iter()
                .filter_map(|o| o.as_name().ok().map(<[u8]>::to_vec))
                .collect(),
            _ => Vec::new(),
        };
        let last_params = match d.get(b"DecodeParms") {
            Ok(Object::Dictionary(p)) => Some(p.clone()),
            Ok(Object::Array(a)) => a.last().and_then(|o| o.as_dict().ok()).cloned(),
            _ => None,
        };
        let codec = filters.last().map(Vec::as_slice);
        // Bytes after every general filter (all but an image codec at the end).
        let general = match codec {
            Some(
                b"DCTDecode" | b"DCT" | b"CCITTFaxDecode" | b"CCF" | b"JBIG2Decode" | b"JPXDecode",
            ) => filters.len() - 1,
            _ => filters.len(),
        };
        let data = if general == 0 {
            self.stream.content.clone()
        } else {
            let mut s = self.stream.clone();
            if general < filters.len() {
                let keep: Vec<Object> = filters[..general]
                    .iter()
                    .map(|f| Object::Name(f.clone()))
                    .collect();
                s.dict.set("Filter", Object::Array(keep));
            }
            s.decompressed_content().map_err(|e| RasterError::Decode {
                codec: "image stream",
                reason: e.to_string(),
            })?
        };
        let mut raster = match codec {
            Some(b"DCTDecode" | b"DCT") => jixiao_raster::decode_jpeg(&data)?,
            Some(b"CCITTFaxDecode" | b"CCF") => {
                let p = last_params.unwrap_or_default();
                let pint = |k: &[u8], dflt: i64| {
                    p.get(k).ok().and_then(|o| o.as_i64().ok()).unwrap_or(dflt)
                };
                let params = CcittParams {
                    k: pint(b"K", 0),
                    columns: pint(b"Columns", 1728).max(0) as usize,
                    rows: match pint(b"Rows", 0) {
                        r if r > 0 => r as usize,
                        _ => height,
                    },
                    black_is_1: matches!(p.get(b"BlackIs1"), Ok(Object::Boolean(true))),
                };
                jixiao_raster::decode_ccitt(&data, &params)?
            }
            Some(b"JBIG2Decode") => {
                return Err(RasterError::Unsupported {
                    what: "JBIG2 image compression (no maintained Rust decoder)".into(),
                })
            }
            Some(b"JPXDecode") => {
                return Err(RasterError::Unsupported {
                    what: "JPEG 2000 image compression (no maintained Rust decoder)".into(),
                })
            }
            _ => {
                let bits = if mask {
                    1
                } else {
                    int(b"BitsPerComponent").unwrap_or(8) as u8
                };
                let colour = if mask {
                    Colour::Grey
                } else {
                    colour_space(d.get(b"ColorSpace").ok())?
                };
                jixiao_raster::from_samples(
                    &data,
                    &SampleLayout {
                        width,
                        height,
                        bits,
                        colour,
                    },
                )?
            }
        };
        // `/Decode [1 0]` swaps dark and light; a stencil mask paints its 0 samples
        // (dark here) unless its Decode array is [1 0].
        let inverted = match d.get(b"Decode") {
            Ok(Object::Array(a)) => a
                .first()
                .and_then(|o| {
                    o.as_float()
                        .ok()
                        .or_else(|| o.as_i64().ok().map(|v| v as f32))
                })
                .is_some_and(|v| v > 0.5),
            _ => false,
        };
        if inverted {
            raster.invert();
        }
        Ok(Placement {
            raster,
            ctm: self.ctm,
            mask,
        })
    }
}

fn colour_space(o: Option<&Object>) -> Result<Colour, RasterError> {
    let unsupported = |what: String| Err(RasterError::Unsupported { what });
    match o {
        None => Ok(Colour::Grey),
        Some(Object::Name(n)) => match n.as_slice() {
            b"DeviceGray" | b"G" | b"CalGray" => Ok(Colour::Grey),
            b"DeviceRGB" | b"RGB" | b"CalRGB" => Ok(Colour::Rgb),
            b"DeviceCMYK" | b"CMYK" => Ok(Colour::Cmyk),
            other => unsupported(format!("colour space {}", String::from_utf8_lossy(other))),
        },
        Some(Object::Array(a)) => {
            let name = a.first().and_then(|o| o.as_name().ok()).unwrap_or(b"");
            match name {
                // Top-level ICC spaces were replaced by their device space when the image
                // was kept; one left here is an Indexed base: colour.
                b"ICCBased" => Ok(Colour::Rgb),
                b"CalGray" => Ok(Colour::Grey),
                b"CalRGB" | b"Lab" => Ok(Colour::Rgb),
                b"Indexed" | b"I" => {
                    let base = colour_space(a.get(1))?;
                    let lookup = match a.get(3) {
                        Some(Object::String(s, _)) => s.clone(),
                        _ => Vec::new(),
                    };
                    let n = match base {
                        Colour::Grey => 1,
                        Colour::Cmyk => 4,
                        _ => 3,
                    };
                    let pal = lookup
                        .chunks(n)
                        .filter(|c| c.len() == n)
                        .map(|c| match n {
                            1 => [c[0]; 3],
                            4 => {
                                let g = 255
                                    - (c[3] as u16 + (c[0] as u16 + c[1] as u16 + c[2] as u16) / 3)
                                        .min(255) as u8;
                                [g; 3]
                            }
                            _ => [c[0], c[1], c[2]],
                        })
                        .collect();
                    Ok(Colour::Indexed(pal))
                }
                other => unsupported(format!("colour space {}", String::from_utf8_lossy(other))),
            }
        }
        Some(other) => unsupported(format!("colour space {other:?}")),
    }
}

/// ICC profiles: the component count decides grey or colour. Called before the profile
/// stream is flattened.
pub(crate) fn iccbased_components(doc: &Document, cs: &Object) -> Option<i64> {
    let Object::Array(a) = cs else { return None };
    if a.first().and_then(|o| o.as_name().ok()) != Some(b"ICCBased") {
        return None;
    }
    let s = match a.get(1)? {
        Object::Reference(id) => doc.get_object(*id).ok()?.as_stream().ok()?,
        Object::Stream(s) => s,
        _ => return None,
    };
    s.dict.get(b"N").ok()?.as_i64().ok()
}

/// Replaces an `ICCBased` colour space by the device space of its component count.
pub(crate) fn device_space(doc: &Document, dict: &Dictionary) -> Option<Object> {
    let cs = dict.get(b"ColorSpace").ok()?;
    let cs = match cs {
        Object::Reference(id) => doc.get_object(*id).ok()?,
        o => o,
    };
    let n = iccbased_components(doc, cs)?;
    Some(Object::Name(
        match n {
            1 => "DeviceGray",
            4 => "DeviceCMYK",
            _ => "DeviceRGB",
        }
        .into(),
    ))
}
