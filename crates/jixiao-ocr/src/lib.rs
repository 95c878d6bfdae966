//! OCR of scanned pages into the same glyphs and ruling lines a digital PDF gives.
//!
//! A page image ([`jixiao_raster::Page`]) is prepared ([`prep`]: ink threshold, skew up to
//! ±5° found by projection and undone, orientation — sideways pages by the shape of their
//! table cells, upside-down ones by recognition confidence), its ruling lines are found
//! by run lengths ([`rulings`]) and turned into cells by the PDF reader's own lattice
//! code, and the text lines inside each cell (and outside the tables) are found by
//! projection ([`lines`]) and recognised by the PP-OCRv6 recognition model ([`rec`]) on
//! ONNX Runtime (long lines narrowed, the numbers in them cut out and read again at full
//! width, so CTC keeps repeated digits apart); spaces and the width of punctuation are
//! read from the line's blanks ([`spacing`]). The result is a [`jixiao_pdf::OcrPage`]: one glyph per text line, clipped
//! to its cell, with its confidence, so `jixiao-pdf` builds rows, merged cells and
//! page-break stitching exactly as for a digital page.
//!
//! Why per-cell recognition and no detection model: the cells are already known from the
//! rulings, a cell's lines are separated by a projection in microseconds, and skipping
//! detection is what makes a page cost about a second of one core, rather than the
//! several seconds of RapidOCR's detect-classify-recognise pipeline.
//!
//! Why ONNX Runtime through `ort` (load-dynamic) and not `tract`: recognition dominates
//! the cost and runs 2–3× faster on ONNX Runtime, and the shared library comes from the
//! PyPI `onnxruntime` wheel, installed with the models by `scripts/ocr_assets.py`
//! (pinned, SHA-256 checked) when this crate is built. Nothing is fetched at run time.
//!
//! Bounds: pages above [`MAX_DPI`] are read at that resolution; the canvas is capped by
//! [`jixiao_raster::MAX_PIXELS`]; crops per page are capped by [`MAX_LINES_PER_PAGE`].

mod digits;
pub mod lines;
mod page;
pub mod prep;
pub mod rec;
pub mod rulings;
mod shapes;
pub mod spacing;
mod vocab;

pub use page::MAX_LINES_PER_PAGE;

use jixiao_pdf::content::Glyph;
use jixiao_pdf::OcrPage;
use jixiao_raster::Raster;
use page::PageLayout;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use vocab::vocabulary;

/// Pages scanned finer than this are read at this resolution (pixels per inch): 300 dpi
/// is what the models need for 9 pt text; more only costs time.
pub const MAX_DPI: f32 = 320.0;
/// Readings below this confidence that fill no cell on their own are debris (the model
/// reads something into specks and stroke remnants).
const MIN_KEEP_CONFIDENCE: f32 = 0.5;
/// Longest lines tried upside down to decide a page's orientation.
const ORIENTATION_SAMPLES: usize = 4;
/// The rotated reading must beat the upright one by this much mean confidence.
const ORIENTATION_MARGIN: f32 = 0.1;

/// Why OCR failed.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    /// The models or the runtime library are missing or unreadable.
    #[error("OCR files missing at {path}: {reason} (install them with `python3 scripts/ocr_assets.py {path}` or rebuild)")]
    Assets {
        /// The file or directory.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// ONNX Runtime reported an error.
    #[error("OCR engine: {0}")]
    Engine(String),
}

/// Where the models and `libonnxruntime.so` are: `JIXIAO_OCR_DIR`, else the directory the
/// build installed them into.
pub fn assets_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("JIXIAO_OCR_DIR") {
        return PathBuf::from(d);
    }
    PathBuf::from(option_env!("JIXIAO_OCR_ASSETS").unwrap_or("ocr-assets"))
}

static ENV: OnceLock<Result<ort::environment::Environment, String>> = OnceLock::new();

fn runtime(dir: &Path) -> Result<&'static ort::environment::Environment, OcrError> {
    let lib = dir.join("libonnxruntime.so");
    let r = ENV.get_or_init(|| {
        if !lib.is_file() {
            return Err(format!("{} not found", lib.display()));
        }
        ort::init_from(&lib)
            .map_err(|e| e.to_string())?
            .with_name("jixiao")
            .build()
            .map_err(|e| e.to_string())
    });
    r.as_ref().map_err(|reason| OcrError::Assets {
        path: lib.clone(),
        reason: reason.clone(),
    })
}

/// The OCR engine: the recognition model with its session pool.
pub struct Engine {
    rec: rec::Recogniser,
}

impl Engine {
    /// Loads the engine from `dir` (see [`assets_dir`]).
    pub fn load(dir: &Path) -> Result<Self, OcrError> {
        let env = runtime(dir)?;
        let model = dir.join("PP-OCRv6_rec_small.onnx");
        if !model.is_file() {
            return Err(OcrError::Assets {
                path: model,
                reason: "not found".into(),
            });
        }
        Ok(Engine {
            rec: rec::Recogniser::load(env, &model)?,
        })
    }

    /// The process's engine, loaded once from [`assets_dir`]; the error says why not.
    pub fn shared() -> Result<&'static Engine, &'static str> {
        static ONE: OnceLock<Result<Engine, String>> = OnceLock::new();
        ONE.get_or_init(|| Engine::load(&assets_dir()).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(String::as_str)
    }

    /// Recognises text lines in `crops`.
    pub fn recognise(&self, crops: &[Raster]) -> Result<Vec<rec::Reading>, OcrError> {
        self.rec.read(crops)
    }

    /// Reads one page image of `width × height` points.
    pub fn read_page(
        &self,
        page: &jixiao_raster::Page,
        width: f32,
        height: f32,
    ) -> Result<OcrPage, OcrError> {
        let (mut raster, mut scale) = (page.raster.clone(), page.scale);
        if scale * 72.0 > MAX_DPI {
            let f = MAX_DPI / (scale * 72.0);
            let (w, h) = (
                ((raster.width as f32 * f).round() as usize).max(1),
                ((raster.height as f32 * f).round() as usize).max(1),
            );
            raster = rec::resize(&raster, w, h);
            scale *= f;
        }
        let thr = prep::ink_threshold(&raster);
        let skew = prep::skew(&raster, thr);
        let raster = prep::deskew(&raster, skew);
        let mut layout = PageLayout::of(raster, scale, thr, width, height);
        tracing::debug!(
            skew,
            thr,
            segments = layout.segments.len(),
            cells = layout.cells.len(),
            lines = layout.jobs.len(),
            "page prepared"
        );
        if layout.sideways() {
            layout = PageLayout::of(layout.raster.rotated(1), scale, thr, height, width);
        }
        let (down, known) = self.upside_down(&layout)?;
        if down {
            let (w, h) = (layout.width, layout.height);
            layout = PageLayout::of(layout.raster.rotated(2), scale, thr, w, h);
            return self.recognise_layout(&layout, Vec::new());
        }
        self.recognise_layout(&layout, known)
    }

    /// True when sample lines read better turned half a turn; with the upright readings
    /// of those lines (job index, reading), which the page keeps when it is upright.
    fn upside_down(&self, l: &PageLayout) -> Result<(bool, Vec<(usize, rec::Reading)>), OcrError> {
        // Lines of a few characters to a dozen: long enough to read, short enough to be
        // cheap (a page's longest lines cost as much as fifty short ones).
        let mut lines: Vec<usize> = (0..l.jobs.len())
            .filter(|&i| {
                let j = &l.jobs[i].line;
                let (w, h) = (j.x1 - j.x0, j.height().max(1));
                w >= 3 * h && w <= 12 * h
            })
            .collect();
        lines.sort_by_key(|&i| std::cmp::Reverse(l.jobs[i].line.x1 - l.jobs[i].line.x0));
        lines.truncate(ORIENTATION_SAMPLES);
        if lines.is_empty() {
            return Ok((false, Vec::new()));
        }
        let crops: Vec<Raster> = lines.iter().map(|&i| l.crop(&l.jobs[i])).collect();
        let mean =
            |r: &[rec::Reading]| r.iter().map(|x| x.confidence).sum::<f32>() / r.len() as f32;
        let upright = self.rec.read(&crops)?;
        let up = mean(&upright);
        // A confidence is at most 1: a page read upright this well cannot read better
        // turned by the margin, so the turned reading is not needed.
        let down = if up + ORIENTATION_MARGIN >= 1.0 {
            0.0
        } else {
            let turned: Vec<Raster> = crops.iter().map(|c| c.rotated(2)).collect();
            mean(&self.rec.read(&turned)?)
        };
        Ok((
            down > up + ORIENTATION_MARGIN,
            lines.into_iter().zip(upright).collect(),
        ))
    }

    /// Recognises every line of the page; `known` holds readings already made.
    fn recognise_layout(
        &self,
        l: &PageLayout,
        known: Vec<(usize, rec::Reading)>,
    ) -> Result<OcrPage, OcrError> {
        let mut readings: Vec<Option<rec::Reading>> = vec![None; l.jobs.len()];
        // Readings with digits are made again (numbers are read unsqueezed).
        for (i, r) in known {
            if !r.text.chars().any(|c| c.is_ascii_digit()) {
                readings[i] = Some(r);
            }
        }
        let todo: Vec<usize> = (0..l.jobs.len())
            .filter(|i| readings[*i].is_none())
            .collect();
        let crops: Vec<Raster> = todo.iter().map(|&i| l.crop(&l.jobs[i])).collect();
        for (i, r) in todo.into_iter().zip(self.rec.read_numbers(&crops)?) {
            readings[i] = Some(r);
        }
        let s = l.scale;
        let mut glyphs = Vec::with_capacity(readings.len());
        // Lines per cell, to know whether a reading is a cell's only text.
        let mut per_cell = std::collections::HashMap::new();
        for j in &l.jobs {
            if let Some(c) = j.cell {
                *per_cell.entry(c).or_insert(0usize) += 1;
            }
        }
        for (j, r) in l.jobs.iter().zip(readings.into_iter().flatten()) {
            let alone = j.cell.is_some_and(|c| per_cell.get(&c) == Some(&1));
            let spaced = spacing::respace(
                &r.text,
                &r.centres,
                &l.ink_columns(j),
                j.line.height() as f32,
            );
            let Some(text) = vocabulary(&spaced, alone) else {
                continue;
            };
            if r.confidence < MIN_KEEP_CONFIDENCE && text.chars().count() <= 2 && !alone {
                continue;
            }
            // Outside the tables a line of nothing but marks (`•`, `.`) is dust.
            if j.cell.is_none() && !text.chars().any(char::is_alphanumeric) {
                continue;
            }
            let ln = j.line;
            glyphs.push(Glyph {
                text,
                x0: ln.x0 as f32 / s,
                y0: ln.y0 as f32 / s,
                x1: ln.x1 as f32 / s,
                y1: ln.y1 as f32 / s,
                size: ln.height() as f32 / s,
                clip: j.cell.map(|c| l.cells[c]),
                confidence: Some(r.confidence),
            });
        }
        Ok(OcrPage {
            glyphs,
            segments: l.segments.clone(),
            width: l.width,
            height: l.height,
        })
    }
}

impl jixiao_pdf::PageOcr for Engine {
    fn read_page(
        &self,
        page: &jixiao_raster::Page,
        width: f32,
        height: f32,
    ) -> Result<OcrPage, String> {
        Engine::read_page(self, page, width, height).map_err(|e| e.to_string())
    }

    fn read_strips(
        &self,
        strips: &[jixiao_raster::Raster],
    ) -> Result<Vec<jixiao_pdf::StripReading>, String> {
        let readings = self.rec.read_exact(strips).map_err(|e| e.to_string())?;
        Ok(readings
            .iter()
            .map(|r| jixiao_pdf::recover::strip_reading(&r.text, &r.centres, r.confidence))
            .collect())
    }
}
