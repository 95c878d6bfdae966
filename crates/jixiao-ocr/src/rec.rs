//! Text-line recognition with the PP-OCRv6 recognition model (CTC over 18 708 characters)
//! on ONNX Runtime.
//!
//! A line crop is scaled to the model's height of 48 pixels, keeping its aspect; crops of
//! similar width are batched (padding costs compute, so widths are sorted first), a few
//! hundred columns a batch (`BATCH_COLUMNS`). The
//! output is decoded greedily: best class per time step, repeats collapsed, blanks
//! dropped; a line's confidence is the mean probability of the characters it kept (as
//! RapidOCR computes it). Sessions are pooled, one per concurrent caller, each on one
//! intra-op thread: parallelism comes from pages and files, not inside one inference.

use crate::{digits, shapes, OcrError};
use jixiao_raster::Raster;
use ort::session::Session;
use ort::value::Tensor;
use std::path::Path;
use std::sync::Mutex;

/// Input height of the recognition model.
pub const HEIGHT: usize = 48;
/// Widest crop fed at once (pixels at model height): about 50 CJK characters. Longer
/// lines are squeezed, which the model tolerates a little.
const MAX_WIDTH: usize = 2400;
/// Crops are narrowed by this factor after scaling to the model's height: the model was
/// trained on long lines squeezed into a fixed width and reads narrowed CJK text as well,
/// while its cost grows with the width. Not for digits: CTC merges a repeated character
/// unless a blank step falls between the two, and narrowed `100000.00` loses zeros —
/// the numbers of lines read narrowed are cut out and read again at full width
/// ([`Recogniser::read_numbers`]).
const SQUEEZE: f32 = 0.75;
/// Crops up to this width at model height (about eight characters) are read unsqueezed
/// in the first pass unless their glyphs show no digit: they hold most numbers.
const SHORT_CROP: usize = 400;
/// A short crop read narrowed (its glyphs looked like CJK alone) keeps that reading only
/// when the model was at least this sure of it; else it is read again at full width,
/// as it would have been (smeared 150 dpi text reads worse narrowed).
const SURE_NARROWED: f32 = 0.95;
/// Most columns (crops × padded width at model height) per inference call; a crop wider
/// than this goes alone. The model's cost per column grows with the batch's size (its
/// activations leave the cache): 65 µs a column for one 1,280-wide line, 75 for eight
/// (ONNX Runtime profile), and a dense 22-page file took 6 % less CPU with batches cut
/// here than at 1,600 columns, 10 % less than at twelve crops of any width.
const BATCH_COLUMNS: usize = 800;
/// Most crops per inference call.
const BATCH: usize = 12;
/// A batch is cut where the next crop is this much wider than its first one, so
/// padding stays small.
const WIDTH_RATIO: f32 = 1.2;

/// One recognised line.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The text, as the model spells it (full-width punctuation not yet folded).
    pub text: String,
    /// Mean probability of the kept characters (0–1); 0 for an empty reading.
    pub confidence: f32,
    /// Horizontal centre of each character of `text`, in pixels of the crop (from the
    /// time steps CTC emitted it at: about a third of an em precise).
    pub centres: Vec<f32>,
    /// Probability of each character of `text` (its time step's best class).
    pub probs: Vec<f32>,
}

/// The recognition model and its character list, with a pool of sessions.
pub struct Recogniser {
    env: &'static ort::environment::Environment,
    model: Vec<u8>,
    chars: Vec<String>,
    pool: Mutex<Vec<Session>>,
}

fn session(env: &ort::environment::Environment, model: &[u8]) -> Result<Session, OcrError> {
    let e = |e: ort::Error| OcrError::Engine(e.to_string());
    Session::builder(env)
        .map_err(e)?
        .with_intra_threads(1)
        .map_err(|x| OcrError::Engine(x.to_string()))?
        .commit_from_memory(model)
        .map_err(e)
}

impl Recogniser {
    /// Loads the model file; its character list is the model's `character` metadata.
    pub fn load(
        env: &'static ort::environment::Environment,
        path: &Path,
    ) -> Result<Self, OcrError> {
        let model = std::fs::read(path).map_err(|e| OcrError::Assets {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let first = session(env, &model)?;
        let meta = first
            .metadata()
            .map_err(|e| OcrError::Engine(e.to_string()))?;
        let list = meta.custom("character").ok_or_else(|| {
            OcrError::Engine(format!("{}: no `character` metadata", path.display()))
        })?;
        // Class 0 is CTC's blank; the model's list follows, then the space.
        let mut chars: Vec<String> = vec![String::new()];
        chars.extend(list.lines().map(str::to_string));
        chars.push(" ".into());
        drop(meta);
        Ok(Recogniser {
            env,
            model,
            chars,
            pool: Mutex::new(vec![first]),
        })
    }

    fn take(&self) -> Result<Session, OcrError> {
        let pooled = self.pool.lock().ok().and_then(|mut p| p.pop());
        match pooled {
            Some(s) => Ok(s),
            None => session(self.env, &self.model),
        }
    }

    fn give(&self, s: Session) {
        if let Ok(mut p) = self.pool.lock() {
            p.push(s);
        }
    }

    /// Recognises every crop; readings in the order of `crops`.
    pub fn read(&self, crops: &[Raster]) -> Result<Vec<Reading>, OcrError> {
        let squeeze = vec![SQUEEZE; crops.len()];
        self.read_at(crops, &squeeze)
    }

    /// Reads every crop at full width (no squeeze): for strips of separate glyphs.
    pub fn read_exact(&self, crops: &[Raster]) -> Result<Vec<Reading>, OcrError> {
        self.read_at(crops, &vec![1.0; crops.len()])
    }

    /// Reads numbers at the width the model needs to keep repeated digits apart: short
    /// crops (cells of numbers, labels: cheap) unsqueezed at once unless their glyphs
    /// are all CJK-wide (module `shapes`: then squeezed, and read again unsqueezed when
    /// the reading has a digit or is not sure); long ones squeezed, and the runs of
    /// digits their reading holds cut out and read again unsqueezed (module `digits`); a
    /// line whose cut-out number does not read as one is read again whole, unsqueezed.
    pub fn read_numbers(&self, crops: &[Raster]) -> Result<Vec<Reading>, OcrError> {
        let short: Vec<bool> = crops
            .iter()
            .map(|c| scaled_width(c, 1.0) <= SHORT_CROP)
            .collect();
        let squeeze: Vec<f32> = crops
            .iter()
            .zip(&short)
            .map(|(c, &short)| {
                if short && !shapes::no_digit(c) {
                    1.0
                } else {
                    SQUEEZE
                }
            })
            .collect();
        let mut out = self.read_at(crops, &squeeze)?;
        // Every digit run of the squeezed readings, cut out: (line, run, from, pad).
        let mut cuts = Vec::new();
        let mut windows = Vec::new();
        // Lines read again whole: a window that cannot be cut or is not trusted, and
        // short crops whose glyphs looked like CJK alone but read with a digit.
        let mut whole = std::collections::BTreeSet::new();
        for (i, crop) in crops.iter().enumerate() {
            if squeeze[i] >= 1.0 {
                continue;
            }
            if short[i] {
                if out[i].confidence < SURE_NARROWED
                    || out[i].text.chars().any(|c| c.is_ascii_digit())
                {
                    whole.insert(i);
                }
                continue;
            }
            for run in digits::runs(&out[i].text) {
                let run = digits::with_marks(&out[i].text, run);
                let (from, to) = digits::window(crop, &out[i], run);
                if to <= from {
                    whole.insert(i);
                    continue;
                }
                let (w, pad) = digits::cut(crop, from, to);
                cuts.push((i, run, from, pad));
                windows.push(w);
            }
        }
        let read = self.read_exact(&windows)?;
        // Spliced from the last run of a line to its first, so earlier runs' character
        // positions stay valid.
        for ((i, run, from, pad), w) in cuts.into_iter().zip(read).rev() {
            if whole.contains(&i) {
                continue;
            }
            let len = out[i].text.chars().count();
            match digits::number(&w, run.start > 0, run.end < len) {
                Some(n) => digits::splice(&mut out[i], run, &w, n, from as f32 - pad as f32),
                None => {
                    whole.insert(i);
                }
            }
        }
        tracing::debug!(
            windows = windows.len(),
            lines_again = whole.len(),
            "numbers of narrowed lines read again"
        );
        let again: Vec<Raster> = whole.iter().map(|&i| crops[i].clone()).collect();
        for (i, r) in whole.into_iter().zip(self.read_exact(&again)?) {
            out[i] = r;
        }
        Ok(out)
    }

    fn read_at(&self, crops: &[Raster], squeeze: &[f32]) -> Result<Vec<Reading>, OcrError> {
        let widths: Vec<usize> = crops
            .iter()
            .zip(squeeze)
            .map(|(c, s)| scaled_width(c, *s))
            .collect();
        let mut order: Vec<usize> = (0..crops.len()).collect();
        order.sort_by_key(|&i| widths[i]);
        let mut out = vec![
            Reading {
                text: String::new(),
                confidence: 0.0,
                centres: Vec::new(),
                probs: Vec::new(),
            };
            crops.len()
        ];
        let mut session = self.take()?;
        let mut at = 0;
        let result = (|| {
            while at < order.len() {
                let w0 = widths[order[at]].max(1) as f32;
                let mut end = at + 1;
                while end < order.len()
                    && end - at < BATCH
                    && (end - at + 1) * widths[order[end]] <= BATCH_COLUMNS.max(widths[order[at]])
                    && widths[order[end]] as f32 <= w0 * WIDTH_RATIO
                {
                    end += 1;
                }
                let batch = &order[at..end];
                let readings = self.run(&mut session, crops, &widths, batch)?;
                for (&i, r) in batch.iter().zip(readings) {
                    out[i] = r;
                }
                at = end;
            }
            Ok::<(), OcrError>(())
        })();
        self.give(session);
        result.map(|()| out)
    }

    fn run(
        &self,
        session: &mut Session,
        crops: &[Raster],
        widths: &[usize],
        batch: &[usize],
    ) -> Result<Vec<Reading>, OcrError> {
        let w = batch.iter().map(|&i| widths[i]).max().unwrap_or(8).max(8);
        let n = batch.len();
        let plane = HEIGHT * w;
        let mut data = vec![0f32; n * 3 * plane];
        for (k, &i) in batch.iter().enumerate() {
            let scaled = resize(&crops[i], widths[i], HEIGHT);
            let base = k * 3 * plane;
            for y in 0..HEIGHT {
                for x in 0..widths[i] {
                    let v = scaled.pixels[y * widths[i] + x] as f32 / 127.5 - 1.0;
                    for c in 0..3 {
                        data[base + c * plane + y * w + x] = v;
                    }
                }
            }
        }
        let input = Tensor::from_array(([n, 3, HEIGHT, w], data))
            .map_err(|e| OcrError::Engine(e.to_string()))?;
        let outputs = session
            .run(ort::inputs![input])
            .map_err(|e| OcrError::Engine(e.to_string()))?;
        let (shape, probs) = outputs[0]
            .try_extract_tensor::<f32>()
            .map_err(|e| OcrError::Engine(e.to_string()))?;
        let (t, classes) = (shape[1] as usize, shape[2] as usize);
        let mut readings = Vec::with_capacity(n);
        for k in 0..n {
            // Time steps beyond this crop's own width saw only padding.
            let own = (widths[batch[k]] * t).div_ceil(w).min(t);
            // Crop pixels per time step.
            let px = (w as f32 / t as f32) * crops[batch[k]].width as f32 / widths[batch[k]] as f32;
            readings.push(self.decode(
                &probs[k * t * classes..(k + 1) * t * classes],
                own,
                classes,
                px,
            ));
        }
        Ok(readings)
    }

    /// Greedy CTC decoding; `px` is crop pixels per time step.
    fn decode(&self, probs: &[f32], steps: usize, classes: usize, px: f32) -> Reading {
        let mut text = String::new();
        let mut centres: Vec<f32> = Vec::new();
        let mut kept: Vec<f32> = Vec::new();
        let (mut sum, mut count) = (0f32, 0usize);
        let mut prev = 0usize;
        // First step of the character being emitted, and how many of its letters.
        let mut run: Option<(usize, usize)> = None;
        let close = |run: &mut Option<(usize, usize)>, end: usize, centres: &mut Vec<f32>| {
            if let Some((first, n)) = run.take() {
                let c = (first + end) as f32 / 2.0 * px;
                centres.extend(std::iter::repeat_n(c, n));
            }
        };
        for s in 0..steps {
            let row = &probs[s * classes..(s + 1) * classes];
            let (best, p) = argmax(row);
            if best != prev {
                close(&mut run, s, &mut centres);
                if best != 0 {
                    if let Some(c) = self.chars.get(best) {
                        text.push_str(c);
                        run = Some((s, c.chars().count()));
                        kept.extend(std::iter::repeat_n(p, c.chars().count()));
                        sum += p;
                        count += 1;
                    }
                }
            }
            prev = best;
        }
        close(&mut run, steps, &mut centres);
        Reading {
            text,
            confidence: if count == 0 { 0.0 } else { sum / count as f32 },
            centres,
            probs: kept,
        }
    }
}

/// Lanes of [`argmax`]: wide enough for the compiler to keep them in vector registers.
const LANES: usize = 16;

/// Index and value of the largest element (the first of equal ones); `(0, f32::MIN)` for
/// an empty row. Per lane first, so the loop over a time step's 18 709 classes runs in
/// vector registers: decoding was 7 % of a dense page's CPU with a plain fold.
fn argmax(row: &[f32]) -> (usize, f32) {
    let mut best = [f32::MIN; LANES];
    let mut at = [0usize; LANES];
    let chunks = row.chunks_exact(LANES);
    let tail = chunks.remainder();
    for (k, chunk) in chunks.enumerate() {
        for l in 0..LANES {
            let v = chunk[l];
            let gt = v > best[l];
            best[l] = if gt { v } else { best[l] };
            at[l] = if gt { k } else { at[l] };
        }
    }
    let mut out = (0, f32::MIN);
    let mut consider = |i: usize, v: f32| {
        if v > out.1 || (v == out.1 && i < out.0) {
            out = (i, v);
        }
    };
    for l in 0..LANES {
        if best[l] > f32::MIN {
            consider(at[l] * LANES + l, best[l]);
        }
    }
    let base = row.len() - tail.len();
    for (i, &v) in tail.iter().enumerate() {
        consider(base + i, v);
    }
    out
}

/// Width of a crop scaled to the model's height.
fn scaled_width(r: &Raster, squeeze: f32) -> usize {
    ((r.width as f32 * squeeze * HEIGHT as f32 / r.height.max(1) as f32).round() as usize)
        .clamp(8, MAX_WIDTH)
}

/// Bilinear resize (area-averaged when shrinking by more than 2×, which keeps thin
/// strokes of 300 dpi scans).
pub fn resize(src: &Raster, w: usize, h: usize) -> Raster {
    let (sw, sh) = (src.width as f32, src.height as f32);
    let (fx, fy) = (sw / w as f32, sh / h as f32);
    let mut pixels = Vec::with_capacity(w * h);
    if fx > 2.0 || fy > 2.0 {
        for y in 0..h {
            let (ya, yb) = (
                (y as f32 * fy) as usize,
                (((y + 1) as f32 * fy) as usize).max((y as f32 * fy) as usize + 1),
            );
            for x in 0..w {
                let (xa, xb) = (
                    (x as f32 * fx) as usize,
                    (((x + 1) as f32 * fx) as usize).max((x as f32 * fx) as usize + 1),
                );
                let (mut s, mut n) = (0u32, 0u32);
                for yy in ya..yb.min(src.height) {
                    let row = &src.pixels[yy * src.width..(yy + 1) * src.width];
                    for &v in &row[xa.min(src.width)..xb.min(src.width)] {
                        s += v as u32;
                        n += 1;
                    }
                }
                pixels.push(s.checked_div(n).map_or(255, |v| v as u8));
            }
        }
    } else {
        for y in 0..h {
            let sy = ((y as f32 + 0.5) * fy - 0.5).max(0.0);
            let y0 = (sy as usize).min(src.height - 1);
            let y1 = (y0 + 1).min(src.height - 1);
            let wy = sy - y0 as f32;
            for x in 0..w {
                let sx = ((x as f32 + 0.5) * fx - 0.5).max(0.0);
                let x0 = (sx as usize).min(src.width - 1);
                let x1 = (x0 + 1).min(src.width - 1);
                let wx = sx - x0 as f32;
                let p = |xx: usize, yy: usize| src.pixels[yy * src.width + xx] as f32;
                let v = p(x0, y0) * (1.0 - wx) * (1.0 - wy)
                    + p(x1, y0) * wx * (1.0 - wy)
                    + p(x0, y1) * (1.0 - wx) * wy
                    + p(x1, y1) * wx * wy;
                pixels.push(v.round().clamp(0.0, 255.0) as u8);
            }
        }
    }
    Raster {
        width: w,
        height: h,
        pixels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain fold `argmax` replaces: first index of the largest value.
    fn plain(row: &[f32]) -> (usize, f32) {
        row.iter()
            .enumerate()
            .fold((0, f32::MIN), |a, (i, &v)| if v > a.1 { (i, v) } else { a })
    }

    #[test]
    fn argmax_is_the_first_largest_value_like_a_plain_fold() {
        // Pseudo-random rows of every length around the lane width, with ties.
        let mut seed = 7u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 24) as f32 / 16.0
        };
        for len in (0..70).chain([18_709]) {
            for _ in 0..20 {
                let row: Vec<f32> = (0..len).map(|_| next()).collect();
                assert_eq!(argmax(&row), plain(&row), "len {len}: {row:?}");
            }
        }
        // The largest value in the tail, at a lane's start, and tied across lanes.
        let mut row = vec![0.0f32; 37];
        row[36] = 1.0;
        assert_eq!(argmax(&row), (36, 1.0));
        row[16] = 1.0;
        row[3] = 1.0;
        assert_eq!(argmax(&row), (3, 1.0));
    }
}
