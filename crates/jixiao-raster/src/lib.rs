//! Page images for OCR: one greyscale [`Raster`] per page, whatever the scanner wrote.
//!
//! Owns decoding (JPEG through the `image` crate, CCITT Group 3/4 through `fax`, raw
//! samples of 1–16 bits in Grey, RGB, CMYK or indexed colour, plain PNG/JPEG/TIFF files),
//! the conversion to grey — with **red drop-out**: official seals are stamped in red over
//! the black table, so a red pixel is read by its red channel, where red ink is as light
//! as paper — and compositing the images of a page at their transformation matrices
//! ([`compose`]). Knows nothing about PDF syntax (the PDF reader builds the
//! [`SampleLayout`] / [`CcittParams`] from the image dictionary) nor about OCR.
//!
//! Every decoder is bounded: images over [`MAX_PIXELS`] are refused before any pixel is
//! allocated.

use std::io::Cursor;

/// Largest image (or page canvas) decoded, in pixels: A3 at 600 dpi is 70 M.
pub const MAX_PIXELS: usize = 80_000_000;
/// A pixel whose red channel exceeds both others by this much is seal ink: it is read by
/// its red channel. Black text printed under a seal stays dark in every channel.
const RED_MARGIN: i32 = 40;

/// Why an image could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum RasterError {
    /// Width × height over [`MAX_PIXELS`], or a zero dimension.
    #[error("image of {width}×{height} pixels is outside the limit of {limit} pixels")]
    Size {
        /// Width in pixels.
        width: usize,
        /// Height in pixels.
        height: usize,
        /// [`MAX_PIXELS`].
        limit: usize,
    },
    /// The encoded data is broken.
    #[error("{codec} data cannot be decoded: {reason}")]
    Decode {
        /// `JPEG`, `CCITT`, `PNG` …
        codec: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// A valid encoding we do not read.
    #[error("{what} is not supported")]
    Unsupported {
        /// What it is (`JBIG2`, `CCITT with K > 0` …).
        what: String,
    },
}

/// A greyscale image, rows top to bottom, 0 black … 255 white.
#[derive(Debug, Clone, PartialEq)]
pub struct Raster {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width * height` grey values.
    pub pixels: Vec<u8>,
}

fn check_size(width: usize, height: usize) -> Result<(), RasterError> {
    if width == 0 || height == 0 || width.saturating_mul(height) > MAX_PIXELS {
        return Err(RasterError::Size {
            width,
            height,
            limit: MAX_PIXELS,
        });
    }
    Ok(())
}

/// Grey value of an RGB pixel, red ink dropped out.
pub fn grey_of_rgb(r: u8, g: u8, b: u8) -> u8 {
    let (ri, gi, bi) = (r as i32, g as i32, b as i32);
    if ri - gi.max(bi) > RED_MARGIN {
        return r;
    }
    ((299 * ri + 587 * gi + 114 * bi) / 1000) as u8
}

fn grey_of_cmyk(c: u8, m: u8, y: u8, k: u8) -> u8 {
    let inv = |v: u8, k: u8| (255 - v as u32) * (255 - k as u32) / 255;
    grey_of_rgb(inv(c, k) as u8, inv(m, k) as u8, inv(y, k) as u8)
}

impl Raster {
    /// A `width × height` image filled with `value`.
    pub fn filled(width: usize, height: usize, value: u8) -> Result<Self, RasterError> {
        check_size(width, height)?;
        Ok(Raster {
            width,
            height,
            pixels: vec![value; width * height],
        })
    }

    /// The grey value at (x, y); white outside the image.
    #[inline]
    pub fn at(&self, x: isize, y: isize) -> u8 {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            255
        } else {
            self.pixels[y as usize * self.width + x as usize]
        }
    }

    /// Light becomes dark (an image with `/Decode [1 0]`, or BlackIs1 CCITT).
    pub fn invert(&mut self) {
        self.pixels.iter_mut().for_each(|p| *p = 255 - *p);
    }

    /// The image turned by a multiple of 90° clockwise.
    pub fn rotated(&self, quarter_turns: u32) -> Raster {
        let (w, h) = (self.width, self.height);
        match quarter_turns % 4 {
            0 => self.clone(),
            2 => Raster {
                width: w,
                height: h,
                pixels: self.pixels.iter().rev().copied().collect(),
            },
            q => {
                let mut out = vec![255u8; w * h];
                for y in 0..h {
                    for x in 0..w {
                        // Clockwise: (x, y) → (h-1-y, x); counter-clockwise: (y, w-1-x).
                        let (nx, ny) = if q == 1 {
                            (h - 1 - y, x)
                        } else {
                            (y, w - 1 - x)
                        };
                        out[ny * h + nx] = self.pixels[y * w + x];
                    }
                }
                Raster {
                    width: h,
                    height: w,
                    pixels: out,
                }
            }
        }
    }
}

/// Colour model of raw samples.
#[derive(Debug, Clone, PartialEq)]
pub enum Colour {
    /// One component.
    Grey,
    /// Red, green, blue.
    Rgb,
    /// Cyan, magenta, yellow, black.
    Cmyk,
    /// Indexes into a palette of RGB triples.
    Indexed(Vec<[u8; 3]>),
}

impl Colour {
    fn components(&self) -> usize {
        match self {
            Colour::Grey | Colour::Indexed(_) => 1,
            Colour::Rgb => 3,
            Colour::Cmyk => 4,
        }
    }
}

/// How raw (already decompressed) samples are laid out.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleLayout {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Bits per component: 1, 2, 4, 8 or 16.
    pub bits: u8,
    /// Colour model.
    pub colour: Colour,
}

/// Raw samples (rows padded to whole bytes, as in PDF) → grey.
pub fn from_samples(data: &[u8], layout: &SampleLayout) -> Result<Raster, RasterError> {
    let SampleLayout {
        width,
        height,
        bits,
        ref colour,
    } = *layout;
    check_size(width, height)?;
    if !matches!(bits, 1 | 2 | 4 | 8 | 16) {
        return Err(RasterError::Unsupported {
            what: format!("{bits} bits per component"),
        });
    }
    let comps = colour.components();
    let row_bytes = (width * comps * bits as usize).div_ceil(8);
    if data.len() < row_bytes * height {
        return Err(RasterError::Decode {
            codec: "raw samples",
            reason: format!(
                "{} bytes for {width}×{height} pixels of {comps}×{bits} bits (needs {})",
                data.len(),
                row_bytes * height
            ),
        });
    }
    let max = (1u32 << bits) - 1;
    let sample = |row: &[u8], i: usize| -> u32 {
        match bits {
            8 => row[i] as u32,
            16 => row[2 * i] as u32,
            _ => {
                let bit = i * bits as usize;
                let byte = row[bit / 8] as u32;
                (byte >> (8 - bits as usize - bit % 8)) & max
            }
        }
    };
    let scale = |v: u32| -> u8 {
        if bits == 16 {
            v as u8
        } else {
            (v * 255 / max) as u8
        }
    };
    let mut pixels = Vec::with_capacity(width * height);
    for y in 0..height {
        let row = &data[y * row_bytes..(y + 1) * row_bytes];
        for x in 0..width {
            let s = |c: usize| scale(sample(row, x * comps + c));
            pixels.push(match colour {
                Colour::Grey => s(0),
                Colour::Rgb => grey_of_rgb(s(0), s(1), s(2)),
                Colour::Cmyk => grey_of_cmyk(s(0), s(1), s(2), s(3)),
                Colour::Indexed(pal) => {
                    let i = sample(row, x) as usize;
                    let [r, g, b] = pal.get(i).copied().unwrap_or([255, 255, 255]);
                    grey_of_rgb(r, g, b)
                }
            });
        }
    }
    Ok(Raster {
        width,
        height,
        pixels,
    })
}

fn limits() -> image::Limits {
    let mut l = image::Limits::default();
    l.max_image_width = Some(MAX_PIXELS as u32);
    l.max_image_height = Some(MAX_PIXELS as u32);
    l.max_alloc = Some(4 * MAX_PIXELS as u64);
    l
}

fn from_dynamic(img: image::DynamicImage) -> Result<Raster, RasterError> {
    let (width, height) = (img.width() as usize, img.height() as usize);
    check_size(width, height)?;
    let pixels = match img {
        image::DynamicImage::ImageLuma8(g) => g.into_raw(),
        other => other
            .to_rgb8()
            .pixels()
            .map(|p| grey_of_rgb(p[0], p[1], p[2]))
            .collect(),
    };
    Ok(Raster {
        width,
        height,
        pixels,
    })
}

fn decode_with(
    bytes: &[u8],
    format: Option<image::ImageFormat>,
    codec: &'static str,
) -> Result<Raster, RasterError> {
    let err = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => RasterError::Size {
            width: 0,
            height: 0,
            limit: MAX_PIXELS,
        },
        image::ImageError::Unsupported(u) => RasterError::Unsupported {
            what: u.to_string(),
        },
        e => RasterError::Decode {
            codec,
            reason: e.to_string(),
        },
    };
    let mut reader = image::ImageReader::new(Cursor::new(bytes));
    match format {
        Some(f) => reader.set_format(f),
        None => reader = reader.with_guessed_format().map_err(|e| err(e.into()))?,
    }
    reader.limits(limits());
    let (w, h) = reader.into_dimensions().map_err(err)?;
    check_size(w as usize, h as usize)?;
    let mut reader = image::ImageReader::new(Cursor::new(bytes));
    match format {
        Some(f) => reader.set_format(f),
        None => reader = reader.with_guessed_format().map_err(|e| err(e.into()))?,
    }
    reader.limits(limits());
    from_dynamic(reader.decode().map_err(err)?)
}

/// How far from the end of JPEG data its end-of-image marker may sit (producers pad).
const EOI_WITHIN: usize = 4096;

/// A baseline or progressive JPEG (PDF `DCTDecode`) → grey, red dropped out. Data without
/// its end-of-image marker is refused: decoders fill a cut-off image with grey, which
/// would read as a page with its lower part blank.
pub fn decode_jpeg(bytes: &[u8]) -> Result<Raster, RasterError> {
    let tail = &bytes[bytes.len().saturating_sub(EOI_WITHIN)..];
    if !tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
        return Err(RasterError::Decode {
            codec: "JPEG",
            reason: format!(
                "truncated: no end-of-image marker in its {} bytes",
                bytes.len()
            ),
        });
    }
    decode_with(bytes, Some(image::ImageFormat::Jpeg), "JPEG")
}

/// A plain image file (PNG, JPEG or TIFF, told apart by content) → grey.
pub fn decode_file(bytes: &[u8]) -> Result<Raster, RasterError> {
    decode_with(bytes, None, "image")
}

/// Parameters of a CCITT fax stream (PDF `CCITTFaxDecode` `/DecodeParms`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CcittParams {
    /// `/K`: < 0 Group 4, 0 Group 3 one-dimensional, > 0 Group 3 two-dimensional.
    pub k: i64,
    /// `/Columns`: width in pixels.
    pub columns: usize,
    /// `/Rows`: height in pixels.
    pub rows: usize,
    /// `/BlackIs1`: 1 bits are black (the default, false, has 0 bits black).
    pub black_is_1: bool,
}

/// A CCITT Group 3 or 4 stream → grey (0 or 255).
pub fn decode_ccitt(bytes: &[u8], p: &CcittParams) -> Result<Raster, RasterError> {
    check_size(p.columns, p.rows)?;
    let (w, h) = (p.columns, p.rows);
    let mut pixels: Vec<u8> = Vec::with_capacity(w * h);
    let mut line = |transitions: &[u32]| {
        if pixels.len() < w * h {
            pixels.extend(fax::decoder::pels(transitions, w as u32).map(|c| match c {
                fax::Color::Black => 0u8,
                fax::Color::White => 255u8,
            }));
        }
    };
    let mut rows = 0usize;
    match p.k {
        k if k < 0 => {
            let input = bytes.iter().map(|b| Ok::<u8, std::convert::Infallible>(*b));
            let Ok(mut dec) = fax::decoder::Group4Decoder::new(input, w as u32);
            {
                // At most `rows` lines: the loop ends on the end-of-block code, an invalid
                // code, or the declared height.
                while rows < h {
                    match dec.advance() {
                        Ok(fax::decoder::DecodeStatus::Incomplete) => {
                            line(dec.transition());
                            rows += 1;
                        }
                        _ => break,
                    }
                }
            }
        }
        0 => {
            fax::decoder::decode_g3(bytes.iter().copied(), |t| {
                rows += 1;
                line(t)
            });
        }
        _ => {
            return Err(RasterError::Unsupported {
                what: "CCITT Group 3 two-dimensional coding (K > 0)".into(),
            })
        }
    }
    if rows < h.div_ceil(2) {
        return Err(RasterError::Decode {
            codec: "CCITT",
            reason: format!("broken after {rows} of {h} rows"),
        });
    }
    // A stream cut short keeps the rows it had; the rest is paper.
    pixels.resize(w * h, 255);
    let mut r = Raster {
        width: w,
        height: h,
        pixels,
    };
    if p.black_is_1 {
        r.invert();
    }
    Ok(r)
}

/// An image placed on the page: the unit square → page points by `ctm` (display
/// coordinates: top-left origin, y down).
#[derive(Debug, Clone)]
pub struct Placement {
    /// The image.
    pub raster: Raster,
    /// `[a b c d e f]`: the image's unit square (x right, y *up* from its bottom-left, as
    /// in PDF) mapped into page points.
    pub ctm: [f32; 6],
    /// A stencil mask: only its dark pixels paint.
    pub mask: bool,
}

/// The page as one picture at the resolution of its sharpest image.
#[derive(Debug, Clone)]
pub struct Page {
    /// The composite.
    pub raster: Raster,
    /// Pixels per point.
    pub scale: f32,
}

/// Composites the images of a page (`width × height` points) into one grey page at the
/// resolution of its densest image (capped at [`MAX_PIXELS`]).
pub fn compose(width: f32, height: f32, images: &[Placement]) -> Result<Page, RasterError> {
    let scale_of = |p: &Placement| {
        let [a, b, c, d, _, _] = p.ctm;
        let wpt = (a * a + b * b).sqrt();
        let hpt = (c * c + d * d).sqrt();
        (p.raster.width as f32 / wpt.max(1e-3)).max(p.raster.height as f32 / hpt.max(1e-3))
    };
    let mut scale = images.iter().map(scale_of).fold(0.0f32, f32::max);
    if !scale.is_finite() || scale <= 0.0 || !width.is_finite() || !height.is_finite() {
        scale = 1.0;
    }
    let cap = (MAX_PIXELS as f32 / (width * height).max(1.0)).sqrt();
    scale = scale.min(cap).max(0.05);
    let (cw, ch) = (
        ((width * scale).round() as usize).max(1),
        ((height * scale).round() as usize).max(1),
    );
    let mut canvas = Raster::filled(cw, ch, 255)?;
    for p in images {
        paint(&mut canvas, scale, p);
    }
    Ok(Page {
        raster: canvas,
        scale,
    })
}

/// Paints one image by inverse mapping every canvas pixel it covers (nearest sample).
fn paint(canvas: &mut Raster, scale: f32, p: &Placement) {
    let [a, b, c, d, e, f] = p.ctm.map(|v| v as f64);
    let det = a * d - b * c;
    if det.abs() < 1e-9 || !det.is_finite() {
        return;
    }
    let s = scale as f64;
    // Canvas pixel centre (px, py) → page point (x, y) = (px+0.5)/s → unit square (u, v).
    let corners = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)].map(|(u, v)| {
        (
            (a * u + c * v + e) * s, // x in canvas pixels
            (b * u + d * v + f) * s,
        )
    });
    let x0 = corners
        .iter()
        .map(|q| q.0)
        .fold(f64::MAX, f64::min)
        .floor()
        .max(0.0) as usize;
    let x1 =
        (corners.iter().map(|q| q.0).fold(f64::MIN, f64::max).ceil() as usize).min(canvas.width);
    let y0 = corners
        .iter()
        .map(|q| q.1)
        .fold(f64::MAX, f64::min)
        .floor()
        .max(0.0) as usize;
    let y1 =
        (corners.iter().map(|q| q.1).fold(f64::MIN, f64::max).ceil() as usize).min(canvas.height);
    if b == 0.0 && c == 0.0 {
        paint_upright(canvas, s, p, (x0, x1), (y0, y1));
    } else {
        paint_affine(canvas, s, p, (x0, x1), (y0, y1));
    }
}

/// [`paint`] for any placement: (u, v) is affine in the canvas pixel, computed at each
/// row's first pixel and stepped along the row (no division per pixel).
fn paint_affine(
    canvas: &mut Raster,
    s: f64,
    p: &Placement,
    (x0, x1): (usize, usize),
    (y0, y1): (usize, usize),
) {
    let [a, b, c, d, e, f] = p.ctm.map(|v| v as f64);
    let det = a * d - b * c;
    let (iw, ih) = (p.raster.width as f64, p.raster.height as f64);
    let (du, dv) = (d / (det * s), -b / (det * s));
    for py in y0..y1 {
        let y = (py as f64 + 0.5) / s - f;
        let x = (x0 as f64 + 0.5) / s - e;
        let (u0, v0) = ((d * x - c * y) / det, (a * y - b * x) / det);
        let row = &mut canvas.pixels[py * canvas.width..(py + 1) * canvas.width];
        for (k, out) in row[x0..x1.max(x0)].iter_mut().enumerate() {
            let (uu, vv) = (u0 + k as f64 * du, v0 + k as f64 * dv);
            if !(0.0..1.0).contains(&uu) || !(0.0..1.0).contains(&vv) {
                continue;
            }
            // Image rows run top to bottom, v up from the bottom.
            let sx = (uu * iw) as usize;
            let sy = ((1.0 - vv) * ih) as usize;
            let g = p.raster.pixels
                [sy.min(p.raster.height - 1) * p.raster.width + sx.min(p.raster.width - 1)];
            if p.mask && g >= 128 {
                continue;
            }
            *out = g;
        }
    }
}

/// [`paint`] for an image drawn without rotation or shear (how scans are placed): the
/// source column depends on the canvas column only and the row on the row, so both are
/// looked up once.
fn paint_upright(
    canvas: &mut Raster,
    s: f64,
    p: &Placement,
    (x0, x1): (usize, usize),
    (y0, y1): (usize, usize),
) {
    let [a, _, _, d, e, f] = p.ctm.map(|v| v as f64);
    let (iw, ih) = (p.raster.width as f64, p.raster.height as f64);
    // Same arithmetic as the general path: u = x / a, v = y / d.
    let cols: Vec<Option<usize>> = (x0..x1)
        .map(|px| {
            let u = ((px as f64 + 0.5) / s - e) / a;
            (0.0..1.0)
                .contains(&u)
                .then(|| ((u * iw) as usize).min(p.raster.width - 1))
        })
        .collect();
    for py in y0..y1 {
        let v = ((py as f64 + 0.5) / s - f) / d;
        if !(0.0..1.0).contains(&v) {
            continue;
        }
        let sy = (((1.0 - v) * ih) as usize).min(p.raster.height - 1);
        let src = &p.raster.pixels[sy * p.raster.width..(sy + 1) * p.raster.width];
        let row = &mut canvas.pixels[py * canvas.width..(py + 1) * canvas.width];
        for (out, sx) in row[x0..x1.max(x0)].iter_mut().zip(&cols) {
            let Some(sx) = sx else { continue };
            let g = src[*sx];
            if p.mask && g >= 128 {
                continue;
            }
            *out = g;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn red_seal_ink_reads_as_paper_and_black_stays_black() {
        assert!(grey_of_rgb(214, 38, 48) > 200);
        assert!(grey_of_rgb(20, 5, 5) < 30);
        assert!(grey_of_rgb(128, 128, 128) == 128);
    }

    #[test]
    fn one_bit_samples_unpack_rows_padded_to_bytes() {
        // 3×2, 1 bit: rows 101 and 010 (padded to a byte each).
        let data = [0b1010_0000, 0b0100_0000];
        let l = SampleLayout {
            width: 3,
            height: 2,
            bits: 1,
            colour: Colour::Grey,
        };
        let r = from_samples(&data, &l).expect("decodes");
        assert_eq!(r.pixels, vec![255, 0, 255, 0, 255, 0]);
        assert!(from_samples(&data[..1], &l).is_err());
    }

    #[test]
    fn huge_dimensions_are_refused_before_allocation() {
        let l = SampleLayout {
            width: 1 << 20,
            height: 1 << 20,
            bits: 8,
            colour: Colour::Grey,
        };
        assert!(matches!(
            from_samples(&[], &l),
            Err(RasterError::Size { .. })
        ));
        let p = CcittParams {
            k: -1,
            columns: 1 << 20,
            rows: 1 << 20,
            black_is_1: false,
        };
        assert!(matches!(
            decode_ccitt(&[0; 16], &p),
            Err(RasterError::Size { .. })
        ));
    }

    #[test]
    fn broken_jpeg_and_ccitt_are_errors() {
        assert!(decode_jpeg(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1, 2, 3]).is_err());
        assert!(decode_jpeg(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1, 2, 3, 0xFF, 0xD9]).is_err());
        let p = CcittParams {
            k: -1,
            columns: 100,
            rows: 100,
            black_is_1: false,
        };
        // Zero bits are no Group 4 code (all-ones would be valid: V0 codes).
        assert!(decode_ccitt(&[0x00; 64], &p).is_err());
    }

    #[test]
    fn quarter_turns_move_corners() {
        let r = Raster {
            width: 2,
            height: 1,
            pixels: vec![0, 255],
        };
        let cw = r.rotated(1);
        assert_eq!((cw.width, cw.height), (1, 2));
        assert_eq!(cw.pixels, vec![0, 255]);
        let ccw = r.rotated(3);
        assert_eq!(ccw.pixels, vec![255, 0]);
        assert_eq!(r.rotated(2).pixels, vec![255, 0]);
    }

    #[test]
    fn compose_maps_the_unit_square_with_y_up() {
        // A 2×2 image: top row black, bottom row white, placed on a 10×10 pt page.
        let img = Raster {
            width: 2,
            height: 2,
            pixels: vec![0, 0, 255, 255],
        };
        // Display coordinates have y down, so the unit square's "up" is -y: d < 0.
        let ctm = [10.0, 0.0, 0.0, -10.0, 0.0, 10.0];
        let page = compose(
            10.0,
            10.0,
            &[Placement {
                raster: img,
                ctm,
                mask: false,
            }],
        )
        .expect("compose");
        let r = &page.raster;
        assert!((page.scale - 0.2).abs() < 1e-6);
        assert_eq!((r.width, r.height), (2, 2));
        assert_eq!(r.pixels, vec![0, 0, 255, 255]);
    }

    #[test]
    fn the_upright_shortcut_paints_what_the_affine_path_paints() {
        let (w, h) = (37, 23);
        let img = Raster {
            width: w,
            height: h,
            pixels: (0..w * h).map(|i| (i * 7 % 251) as u8).collect(),
        };
        // Upright, flipped either way, scaled up and down, offset, partly off the page.
        for ctm in [
            [100.0, 0.0, 0.0, -60.0, 5.0, 80.0],
            [-100.0, 0.0, 0.0, 60.0, 120.0, 10.0],
            [13.0, 0.0, 0.0, -9.0, 0.5, 9.25],
            [300.0, 0.0, 0.0, -200.0, -40.0, 150.0],
        ] {
            let place = Placement {
                raster: img.clone(),
                ctm,
                mask: false,
            };
            let canvas = || Raster::filled(150, 120, 255).expect("canvas");
            let (mut up, mut any) = (canvas(), canvas());
            paint(&mut up, 1.0, &place);
            paint_affine(&mut any, 1.0, &place, (0, 150), (0, 120));
            assert_eq!(up.pixels, any.pixels, "{ctm:?}");
            assert!(up.pixels.iter().any(|p| *p != 255), "{ctm:?}");
        }
    }
}
