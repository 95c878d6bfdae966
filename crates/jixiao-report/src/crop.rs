//! Pictures of the printed row a finding names.
//!
//! - PDF pages (digital and scanned) are rendered by PDFium ([`crate::Pdfium`]) and
//!   cropped at the row's bounding box, with the row outlined and every occurrence of
//!   the published value inside it outlined thicker (PDFium's text search; a scan has
//!   no text layer, so only its row is outlined).
//! - Page images (PNG, JPEG, TIFF scans) are decoded and cropped the same way.
//! - Spreadsheets, text exports and Word/HTML tables have no page: the picture is the
//!   cells of the row and the two rows either side, the cell holding the published
//!   value marked.
//!
//! Bounded: a file is read once per report and rendering pages are capped
//! ([`MAX_RENDER_PIXELS`](crate::pdfium::MAX_RENDER_PIXELS)); a source that cannot be shown yields
//! [`Picture::None`] with the reason, never an error for the whole report.

use crate::pdfium::{Pdfium, RenderedPage};
use jixiao_grid::{Grid, Origin};
use jixiao_record::Record;
use jixiao_score::Finding;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Pixels per point pages are rendered at (108 dpi: digits of 9 pt type stay legible).
pub const RENDER_SCALE: f32 = 1.5;
/// Points shown above and below the row.
const CONTEXT_PT: f32 = 18.0;
/// Points shown left and right of the row.
const SIDE_PT: f32 = 6.0;
/// Rows of cells shown either side of the row (sheets, text, markup).
const CONTEXT_ROWS: usize = 2;
/// Outline colours: the row, and the published value inside it.
const ROW_RGB: [u8; 3] = [230, 30, 30];
const VALUE_RGB: [u8; 3] = [255, 140, 0];

/// What the report shows for one finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Picture {
    /// A PNG of the page around the row.
    Image {
        /// PNG bytes.
        png: Vec<u8>,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// Whether the published value itself was found and outlined.
        value_outlined: bool,
    },
    /// The cells around the row.
    Cells {
        /// Each row: its place (`第7行`), its cells, and whether it is the finding's row.
        rows: Vec<(String, Vec<String>, bool)>,
        /// The published value, marked in the finding's row where a cell holds it.
        value: Option<String>,
    },
    /// No picture, and why.
    None(String),
}

/// Makes pictures, reading each source file once (call it in file order).
pub struct Cropper<'a> {
    links: &'a crate::Links,
    bytes: HashMap<String, Result<std::sync::Arc<Vec<u8>>, String>>,
    grids: HashMap<String, Result<std::sync::Arc<Grid>, String>>,
}

impl<'a> Cropper<'a> {
    /// A cropper resolving sources with `links`.
    pub fn new(links: &'a crate::Links) -> Self {
        Cropper {
            links,
            bytes: HashMap::new(),
            grids: HashMap::new(),
        }
    }

    /// Forgets what was read for files other than `keep` (memory stays that of one file).
    pub fn retain_file(&mut self, keep: &str) {
        self.bytes.retain(|k, _| k == keep);
        self.grids.retain(|k, _| k == keep);
    }

    fn path(&self, file: &str) -> PathBuf {
        self.links.source_path(file)
    }

    fn bytes(&mut self, file: &str) -> Result<std::sync::Arc<Vec<u8>>, String> {
        if !self.bytes.contains_key(file) {
            let (outer, member) = split_member(file);
            let r = source_bytes(&self.path(outer), member).map(std::sync::Arc::new);
            self.bytes.insert(file.to_string(), r);
        }
        self.bytes[file].clone()
    }

    /// The picture of a finding whose row is not on a page (sheet, line, markup): the
    /// cells around it; form-level findings have none.
    pub fn cells_picture(&mut self, f: &Finding, r: &Record) -> Picture {
        match &f.origin {
            Some(Origin::Pdf { .. }) => Picture::None("该行在页面上：由页面截图".into()),
            Some(o) => {
                let file = r.source.file.clone();
                self.cells(&file, o, f.published.as_deref())
            }
            None => Picture::None("问题针对整张表，没有对应的单独一行".into()),
        }
    }

    fn cells(&mut self, file: &str, at: &Origin, value: Option<&str>) -> Picture {
        if !self.grids.contains_key(file) {
            let g = self.bytes(file).and_then(|b| {
                jixiao_pipeline::read_grid(&b, Path::new(file), file, &Default::default())
                    .map(std::sync::Arc::new)
                    .map_err(|e| e.to_string())
            });
            self.grids.insert(file.to_string(), g);
        }
        let grid = match &self.grids[file] {
            Ok(g) => g.clone(),
            Err(e) => return Picture::None(e.clone()),
        };
        let Some(i) = grid.rows.iter().position(|row| &row.origin == at) else {
            return Picture::None(format!(
                "在 {file} 中未找到 {} 行",
                crate::links::location(at)
            ));
        };
        let lo = i.saturating_sub(CONTEXT_ROWS);
        let hi = (i + CONTEXT_ROWS + 1).min(grid.rows.len());
        let rows = grid.rows[lo..hi]
            .iter()
            .enumerate()
            .map(|(k, row)| {
                let place = match &row.origin {
                    Origin::Line { line } => format!("第{line}行"),
                    Origin::Sheet { sheet, row } => format!("{sheet} 第{row}行"),
                    Origin::Pdf { page, .. } => format!("第{page}页"),
                };
                let cells = row
                    .cells
                    .iter()
                    .map(|c| c.text.trim().to_string())
                    .collect();
                (place, cells, lo + k == i)
            })
            .collect();
        Picture::Cells {
            rows,
            value: value.map(str::to_string),
        }
    }
}

/// The rows of one page to picture: what a worker process is sent (PDFium runs in
/// workers, so a PDF that crashes or exhausts it costs its pictures, not the run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageJob {
    /// The file on disk.
    pub path: PathBuf,
    /// A page image file (PNG, JPEG, TIFF) rather than a PDF.
    pub image: bool,
    /// The page has a text layer to find the published values in (not a scan).
    pub text_layer: bool,
    /// The member of the bundle at `path` the page is in (`b.pdf`, `inner.zip!/b.pdf`),
    /// when the record's source is a bundle member.
    #[serde(default)]
    pub member: Option<String>,
    /// 1-based page.
    pub page: u32,
    /// Each row: its bbox (points, top-left origin) and the published value.
    pub rows: Vec<([f32; 4], Option<String>)>,
}

/// Renders a job's page once and crops each of its rows.
pub fn page_pictures(job: &PageJob) -> Vec<Picture> {
    let fail = |why: String| vec![Picture::None(why); job.rows.len()];
    let bytes = match source_bytes(&job.path, job.member.as_deref()) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let rendered = if job.image {
        image_page(&bytes)
    } else {
        Pdfium::shared().map_err(|e| e.to_string()).and_then(|p| {
            p.render(&bytes, job.page, RENDER_SCALE)
                .map_err(|e| e.to_string())
        })
    };
    let page = match rendered {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    job.rows
        .iter()
        .map(|(bbox, value)| {
            let found = match (value, job.text_layer && !job.image) {
                (Some(v), true) => Pdfium::shared()
                    .ok()
                    .and_then(|p| p.find(&bytes, job.page, page.scale, &[v.as_str()]).ok())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            crop(&page, *bbox, &found)
        })
        .collect()
}

/// A source name split into the file on disk and the bundle member inside it:
/// `a.zip!/b.pdf` → (`a.zip`, `b.pdf`).
pub fn split_member(file: &str) -> (&str, Option<&str>) {
    match file.split_once("!/") {
        Some((outer, inner)) => (outer, Some(inner)),
        None => (file, None),
    }
}

/// The bytes of a source: the file at `path`, or the member of the bundle there.
fn source_bytes(path: &Path, member: Option<&str>) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    match member {
        None => Ok(bytes),
        Some(m) => jixiao_pipeline::bundle::member(&bytes, m, &jixiao_pipeline::bundle::LIMITS)
            .map_err(|e| format!("{}!/{m}: {e}", path.display())),
    }
}

/// A page image file as a rendered page (grey to RGB), at the pipeline's scale: the
/// longer side is A4's 842 pt.
fn image_page(bytes: &[u8]) -> Result<RenderedPage, String> {
    let r = jixiao_raster::decode_file(bytes).map_err(|e| e.to_string())?;
    let scale = r.width.max(r.height) as f32 / (11.69 * 72.0);
    let mut rgb = Vec::with_capacity(r.width * r.height * 3);
    for y in 0..r.height {
        for x in 0..r.width {
            let v = r.at(x as isize, y as isize);
            rgb.extend_from_slice(&[v, v, v]);
        }
    }
    Ok(RenderedPage {
        width: r.width,
        height: r.height,
        rgb,
        scale,
    })
}

/// Crops `page` at `bbox` (points, top-left origin) with some context, outlines the row
/// and the value boxes inside it (`found`, pixels), and encodes a PNG.
pub fn crop(page: &RenderedPage, bbox: [f32; 4], found: &[[f32; 4]]) -> Picture {
    let s = page.scale;
    let px = |v: f32, max: usize| ((v * s).round().max(0.0) as usize).min(max);
    let (x0, y0) = (
        px(bbox[0] - SIDE_PT, page.width),
        px(bbox[1] - CONTEXT_PT, page.height),
    );
    let (x1, y1) = (
        px(bbox[2] + SIDE_PT, page.width),
        px(bbox[3] + CONTEXT_PT, page.height),
    );
    if x1 <= x0 + 1 || y1 <= y0 + 1 {
        return Picture::None(format!("该行的位置 {bbox:?} 在页面之外"));
    }
    let (w, h) = (x1 - x0, y1 - y0);
    let mut img = image::RgbImage::new(w as u32, h as u32);
    for y in 0..h {
        let src = &page.rgb[((y0 + y) * page.width + x0) * 3..][..w * 3];
        for x in 0..w {
            img.put_pixel(
                x as u32,
                y as u32,
                image::Rgb([src[x * 3], src[x * 3 + 1], src[x * 3 + 2]]),
            );
        }
    }
    let to_local = |b: [f32; 4]| {
        [
            b[0] - x0 as f32,
            b[1] - y0 as f32,
            b[2] - x0 as f32,
            b[3] - y0 as f32,
        ]
    };
    let row_px = [bbox[0] * s, bbox[1] * s, bbox[2] * s, bbox[3] * s];
    outline(&mut img, to_local(row_px), ROW_RGB, 2);
    // Values inside the row only (the same number may be printed elsewhere).
    let inside: Vec<[f32; 4]> = found
        .iter()
        .filter(|b| {
            let cy = (b[1] + b[3]) / 2.0;
            let cx = (b[0] + b[2]) / 2.0;
            cy >= row_px[1] - 1.0 && cy <= row_px[3] + 1.0 && cx >= row_px[0] && cx <= row_px[2]
        })
        .copied()
        .collect();
    for b in &inside {
        outline(
            &mut img,
            to_local([b[0] - 5.0, b[1] - 4.0, b[2] + 5.0, b[3] + 4.0]),
            VALUE_RGB,
            2,
        );
    }
    let mut png = Vec::new();
    if let Err(e) = img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png) {
        return Picture::None(format!("无法生成截图（PNG：{e}）"));
    }
    Picture::Image {
        png,
        width: w as u32,
        height: h as u32,
        value_outlined: !inside.is_empty(),
    }
}

fn outline(img: &mut image::RgbImage, b: [f32; 4], rgb: [u8; 3], thick: u32) {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let clamp = |v: f32, m: i64| (v.round() as i64).clamp(0, m - 1);
    let (x0, y0, x1, y1) = (
        clamp(b[0], w),
        clamp(b[1], h),
        clamp(b[2], w),
        clamp(b[3], h),
    );
    for t in 0..thick as i64 {
        for x in x0..=x1 {
            for y in [y0 + t, y1 - t] {
                if (0..h).contains(&y) {
                    img.put_pixel(x as u32, y as u32, image::Rgb(rgb));
                }
            }
        }
        for y in y0..=y1 {
            for x in [x0 + t, x1 - t] {
                if (0..w).contains(&x) {
                    img.put_pixel(x as u32, y as u32, image::Rgb(rgb));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn white(w: usize, h: usize) -> RenderedPage {
        RenderedPage {
            width: w,
            height: h,
            rgb: vec![255; w * h * 3],
            scale: 1.0,
        }
    }

    #[test]
    fn crop_outlines_the_row_and_the_value_inside_it() {
        let page = white(600, 800);
        let found = [[100.0, 105.0, 130.0, 115.0], [100.0, 500.0, 130.0, 510.0]];
        let Picture::Image {
            png,
            width,
            height,
            value_outlined,
        } = crop(&page, [50.0, 100.0, 550.0, 120.0], &found)
        else {
            panic!("no image");
        };
        assert_eq!((width, height), (512, 56));
        assert!(value_outlined, "the box inside the row is outlined");
        let img = image::load_from_memory(&png).expect("png").to_rgb8();
        // The row's outline: top-left corner of the row at (6, 18) in the crop.
        assert_eq!(img.get_pixel(6, 18).0, ROW_RGB);
        assert_eq!(img.get_pixel(200, 5).0, [255, 255, 255]);
        // The second box lies outside the row and the crop: only one value outline.
        let orange = img.pixels().filter(|p| p.0 == VALUE_RGB).count();
        assert!(orange > 0);
    }

    #[test]
    fn a_box_outside_the_page_is_no_picture() {
        let page = white(100, 100);
        assert!(matches!(
            crop(&page, [500.0, 500.0, 600.0, 520.0], &[]),
            Picture::None(_)
        ));
    }
}
