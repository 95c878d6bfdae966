//! One prepared page: its rulings as segments, the cells the lattice makes of them, and
//! the text lines to recognise in each cell and outside the tables.

use crate::{lines, rulings};
use jixiao_pdf::content::Segment;
use jixiao_raster::Raster;

/// Cells narrower than tall (median width / height below this) mean the page lies on its
/// side: form rows are always wider than high.
const SIDEWAYS_ASPECT: f32 = 1.0;
/// Inset (pixels) of the region searched for a cell's lines from the cell's edges: the
/// rulings and a pixel of their blur are already erased from the ink.
const CELL_INSET_PX: usize = 1;
/// Margin around a line's ink in its crop, in line heights: across (the recogniser
/// was trained on boxes with some margin; a taller crop is also a narrower one at the
/// model's height, so cheaper: 0.4 reads as well as 0.2 and costs 17 % less) and along
/// the line.
const CROP_PAD_Y: f32 = 0.4;
/// See [`CROP_PAD_Y`]; along the line less is needed, and width costs time.
const CROP_PAD_X: f32 = 0.3;
/// Free text (outside tables) is cut into separate pieces at gaps wider than this many
/// line heights (a title and `单位：万元` on one line).
const FREE_SPLIT_EM: f32 = 2.5;
/// Most text lines recognised on one page (a dense A4 form has ~400).
pub const MAX_LINES_PER_PAGE: usize = 3000;

/// One line to recognise: where, and in which cell.
pub(crate) struct LineJob {
    pub(crate) line: lines::Line,
    pub(crate) cell: Option<usize>,
}

/// A prepared page: its rulings, cells and the text lines to read.
pub(crate) struct PageLayout {
    pub(crate) raster: Raster,
    pub(crate) scale: f32,
    pub(crate) width: f32,
    pub(crate) height: f32,
    pub(crate) segments: Vec<Segment>,
    /// Cells in points.
    pub(crate) cells: Vec<[f32; 4]>,
    pub(crate) jobs: Vec<LineJob>,
    /// Pixels of ruling lines: left out of crops (paper instead).
    ruling_mask: Vec<bool>,
    /// The page's ink threshold.
    thr: u8,
}

impl PageLayout {
    pub(crate) fn of(raster: Raster, scale: f32, thr: u8, width: f32, height: f32) -> Self {
        let dpi = scale * 72.0;
        let mut ink = rulings::Ink::of(&raster, thr);
        let found = rulings::find(&ink, dpi);
        let ruling_mask = rulings::erase(&mut ink, &found);
        let segments: Vec<Segment> = found
            .iter()
            .map(|r| Segment {
                horizontal: r.horizontal,
                pos: r.pos / scale,
                from: r.from / scale,
                to: r.to / scale,
            })
            .collect();
        let tables = jixiao_pdf::layout::tables(&segments);
        let cells: Vec<[f32; 4]> = tables.iter().flat_map(|t| t.cells()).collect();
        let inset = CELL_INSET_PX;
        let px = |v: f32| (v * scale).round().max(0.0) as usize;
        let mut jobs = Vec::new();
        for (k, c) in cells.iter().enumerate() {
            let (x0, y0, x1, y1) = (
                px(c[0]) + inset,
                px(c[1]) + inset,
                px(c[2]).saturating_sub(inset),
                px(c[3]).saturating_sub(inset),
            );
            if x1 <= x0 || y1 <= y0 {
                continue;
            }
            for line in lines::find(&ink, x0, y0, x1, y1, None) {
                jobs.push(LineJob {
                    line,
                    cell: Some(k),
                });
            }
        }
        // Text outside the tables: the ink left once every table's area is cleared.
        for t in &tables {
            let b = t
                .cells()
                .iter()
                .fold([f32::MAX, f32::MAX, f32::MIN, f32::MIN], |a, c| {
                    [
                        a[0].min(c[0]),
                        a[1].min(c[1]),
                        a[2].max(c[2]),
                        a[3].max(c[3]),
                    ]
                });
            for y in px(b[1]).saturating_sub(inset)..(px(b[3]) + inset).min(ink.height) {
                for x in px(b[0]).saturating_sub(inset)..(px(b[2]) + inset).min(ink.width) {
                    ink.bits[y * ink.width + x] = false;
                }
            }
        }
        for line in lines::find(&ink, 0, 0, ink.width, ink.height, Some(FREE_SPLIT_EM)) {
            jobs.push(LineJob { line, cell: None });
        }
        jobs.truncate(MAX_LINES_PER_PAGE);
        PageLayout {
            raster,
            scale,
            width,
            height,
            segments,
            cells,
            jobs,
            ruling_mask,
            thr,
        }
    }

    /// True when the cells stand upright: the page lies on its side.
    pub(crate) fn sideways(&self) -> bool {
        let mut aspects: Vec<f32> = self
            .cells
            .iter()
            .map(|c| (c[2] - c[0]) / (c[3] - c[1]).max(0.1))
            .collect();
        if aspects.len() < 4 {
            return false;
        }
        aspects.sort_by(f32::total_cmp);
        aspects[aspects.len() / 2] < SIDEWAYS_ASPECT
    }

    /// Which columns of `j`'s crop hold ink on the line's own rows (not the margins,
    /// where a neighbouring line may reach in): where the blanks between characters are.
    pub(crate) fn ink_columns(&self, j: &LineJob) -> Vec<bool> {
        let (x0, _, x1, _) = self.crop_box(j);
        let l = j.line;
        (x0..x1)
            .map(|x| {
                (l.y0..l.y1).any(|y| {
                    let at = y * self.raster.width + x;
                    !self.ruling_mask[at] && self.raster.pixels[at] < self.thr
                })
            })
            .collect()
    }

    fn crop_box(&self, j: &LineJob) -> (usize, usize, usize, usize) {
        let l = j.line;
        let h = l.height();
        let (padx, pady) = (
            (h as f32 * CROP_PAD_X) as usize + 2,
            (h as f32 * CROP_PAD_Y) as usize + 2,
        );
        let (mut x0, mut y0) = (l.x0.saturating_sub(padx), l.y0.saturating_sub(pady));
        let (mut x1, mut y1) = (
            (l.x1 + padx).min(self.raster.width),
            (l.y1 + pady).min(self.raster.height),
        );
        if let Some(c) = j.cell {
            let c = self.cells[c];
            let inset = CELL_INSET_PX;
            let px = |v: f32| (v * self.scale).round().max(0.0) as usize;
            x0 = x0.max(px(c[0]) + inset).min(l.x0);
            y0 = y0.max(px(c[1]) + inset).min(l.y0);
            x1 = x1.min(px(c[2]).saturating_sub(inset)).max(l.x1);
            y1 = y1.min(px(c[3]).saturating_sub(inset)).max(l.y1);
        }
        (x0, y0, x1, y1)
    }

    /// The grey crop of a line with a margin for the recogniser, kept inside its cell.
    pub(crate) fn crop(&self, j: &LineJob) -> Raster {
        let (x0, y0, x1, y1) = self.crop_box(j);
        let (w, h) = (x1 - x0, y1 - y0);
        let mut pixels = Vec::with_capacity(w * h);
        for y in y0..y1 {
            let at = y * self.raster.width;
            pixels.extend((x0..x1).map(|x| {
                if self.ruling_mask[at + x] {
                    255
                } else {
                    self.raster.pixels[at + x]
                }
            }));
        }
        Raster {
            width: w,
            height: h,
            pixels,
        }
    }
}
