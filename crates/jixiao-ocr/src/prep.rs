//! Page preparation: the ink threshold, skew estimate and the rotation that undoes it.
//!
//! Skew is found by projection: the page's ink, sheared by a candidate angle, is summed
//! per row; the angle at which rows are most uneven (ruling lines and text lines fall
//! into single rows) is the skew. A coarse search at quarter resolution over ±5°, then a
//! fine one at half resolution. Works for tables and plain text alike, and for pages fed
//! sideways (their lines are just as straight).

use jixiao_raster::Raster;

/// Largest skew searched, degrees.
pub const MAX_SKEW_DEG: f32 = 5.0;
/// Skews below this are left alone (degrees): a 0.05° turn moves an A4 line by < 1.5 px
/// at 300 dpi.
const MIN_SKEW_DEG: f32 = 0.05;

/// Otsu's threshold of the page: pixels darker than it are ink.
pub fn ink_threshold(r: &Raster) -> u8 {
    let mut hist = [0u64; 256];
    // Every fourth pixel is plenty for a histogram.
    for v in r.pixels.iter().step_by(4) {
        hist[*v as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let sum: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, c)| i as f64 * *c as f64)
        .sum();
    // (best between-class variance, first and last threshold reaching it): a bilevel
    // page has a plateau from black to white, whose middle is the threshold.
    let (mut w0, mut sum0, mut best, mut first, mut last) = (0u64, 0f64, 0f64, 128usize, 128usize);
    for (t, c) in hist.iter().enumerate() {
        w0 += c;
        if w0 == 0 || w0 == total {
            continue;
        }
        sum0 += t as f64 * *c as f64;
        let (m0, m1) = (sum0 / w0 as f64, (sum - sum0) / (total - w0) as f64);
        let between = w0 as f64 * (total - w0) as f64 * (m0 - m1) * (m0 - m1);
        if between > best * (1.0 + 1e-9) {
            best = between;
            first = t;
            last = t;
        } else if between >= best * (1.0 - 1e-9) {
            last = t;
        }
    }
    // Never call mid-grey paper ink, nor take the darkest greys for paper.
    (((first + last) / 2) as u8).clamp(60, 200)
}

/// Ink pixels of `r` at 1/`step` resolution: (x, y) in the reduced grid.
fn ink_points(r: &Raster, step: usize, thr: u8) -> Vec<(f32, f32)> {
    let mut out = Vec::new();
    for by in 0..r.height / step {
        for bx in 0..r.width / step {
            let mut dark = false;
            'block: for y in by * step..(by + 1) * step {
                for x in bx * step..(bx + 1) * step {
                    if r.pixels[y * r.width + x] < thr {
                        dark = true;
                        break 'block;
                    }
                }
            }
            if dark {
                out.push((bx as f32, by as f32));
            }
        }
    }
    out
}

fn score(points: &[(f32, f32)], rows: usize, width: f32, deg: f32) -> f64 {
    let t = deg.to_radians().tan();
    let pad = (width * t.abs()).ceil() as usize + 1;
    let mut bins = vec![0u32; rows + 2 * pad];
    for &(x, y) in points {
        let r = (y - x * t).round() as isize + pad as isize;
        if r >= 0 && (r as usize) < bins.len() {
            bins[r as usize] += 1;
        }
    }
    bins.iter().map(|&b| (b as f64) * (b as f64)).sum()
}

fn best_angle(
    points: &[(f32, f32)],
    rows: usize,
    width: f32,
    from: f32,
    to: f32,
    step: f32,
) -> f32 {
    let mut best = (f64::MIN, 0.0f32);
    let n = ((to - from) / step).round() as i32;
    for k in 0..=n {
        let a = from + k as f32 * step;
        let s = score(points, rows, width, a);
        if s > best.0 {
            best = (s, a);
        }
    }
    best.1
}

/// The page's skew in degrees (positive: lines fall to the right, y down).
pub fn skew(r: &Raster, thr: u8) -> f32 {
    let coarse = ink_points(r, 4, thr);
    if coarse.len() < 50 {
        return 0.0;
    }
    let a = best_angle(
        &coarse,
        r.height / 4,
        (r.width / 4) as f32,
        -MAX_SKEW_DEG,
        MAX_SKEW_DEG,
        0.2,
    );
    let fine = ink_points(r, 2, thr);
    best_angle(
        &fine,
        r.height / 2,
        (r.width / 2) as f32,
        a - 0.24,
        a + 0.24,
        0.02,
    )
}

/// `r` turned by `-deg` about its centre (bilinear), so lines that fell by `deg` become
/// level; the same size, corners filled with paper.
pub fn deskew(r: &Raster, deg: f32) -> Raster {
    if deg.abs() < MIN_SKEW_DEG {
        return r.clone();
    }
    let (s, c) = deg.to_radians().sin_cos();
    let (cx, cy) = (r.width as f32 / 2.0, r.height as f32 / 2.0);
    let mut out = vec![255u8; r.width * r.height];
    // Source coordinates in 16.16 fixed point, stepped along each output row (the map
    // is affine); the four neighbours blended with integer weights, and paper (the
    // most of a page) copied without blending.
    const ONE: f32 = 65536.0;
    let (step_x, step_y) = ((c * ONE) as i64, (s * ONE) as i64);
    let (max_x, max_y) = (((r.width - 1) as i64) << 16, ((r.height - 1) as i64) << 16);
    for y in 0..r.height {
        let dy = y as f32 - cy;
        // Output (level) → source (skewed): rotate by +deg.
        let mut sx = ((-cx * c - s * dy + cx) * ONE) as i64;
        let mut sy = ((-cx * s + c * dy + cy) * ONE) as i64;
        let row = &mut out[y * r.width..(y + 1) * r.width];
        for o in row.iter_mut() {
            let (fx, fy) = (sx, sy);
            sx += step_x;
            sy += step_y;
            if fx < 0 || fy < 0 || fx >= max_x || fy >= max_y {
                continue;
            }
            let (x0, y0) = ((fx >> 16) as usize, (fy >> 16) as usize);
            let at = y0 * r.width + x0;
            let (p00, p10) = (r.pixels[at] as i64, r.pixels[at + 1] as i64);
            let (p01, p11) = (
                r.pixels[at + r.width] as i64,
                r.pixels[at + r.width + 1] as i64,
            );
            if p00 == p10 && p00 == p01 && p00 == p11 {
                *o = p00 as u8;
                continue;
            }
            let (wx, wy) = (fx & 0xffff, fy & 0xffff);
            let top = p00 * (65536 - wx) + p10 * wx;
            let bottom = p01 * (65536 - wx) + p11 * wx;
            *o = ((top * (65536 - wy) + bottom * wy) >> 32) as u8;
        }
    }
    Raster {
        width: r.width,
        height: r.height,
        pixels: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white page with level black lines, turned by `deg`.
    fn lined(deg: f32) -> Raster {
        let (w, h) = (800, 600);
        let mut level = Raster::filled(w, h, 255).expect("raster");
        for y in (60..560).step_by(40) {
            for x in 50..750 {
                level.pixels[y * w + x] = 0;
                level.pixels[(y + 1) * w + x] = 0;
            }
        }
        deskew(&level, -deg)
    }

    #[test]
    fn skew_is_found_and_undone() {
        for deg in [-1.3f32, -0.4, 0.0, 0.7, 1.5, 3.0] {
            let r = lined(deg);
            let thr = ink_threshold(&r);
            let found = skew(&r, thr);
            assert!((found - deg).abs() < 0.1, "skew {deg}: found {found}");
            let fixed = deskew(&r, found);
            assert!(skew(&fixed, thr).abs() < 0.1);
        }
    }

    #[test]
    fn otsu_separates_ink_from_paper() {
        let r = lined(0.0);
        let t = ink_threshold(&r);
        assert!((60..=200).contains(&t));
        // A bilevel page: the threshold sits mid-way, so grey edges of turned strokes
        // stay ink.
        let mut b = Raster::filled(100, 100, 255).expect("raster");
        b.pixels[..2000].iter_mut().for_each(|p| *p = 0);
        assert!(
            (110..=145).contains(&ink_threshold(&b)),
            "{}",
            ink_threshold(&b)
        );
    }
}
