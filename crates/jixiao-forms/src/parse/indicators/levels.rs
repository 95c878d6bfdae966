//! Level labels (一级 / 二级指标) of merged cells: found, their regions filled (top-aligned
//! or centred, or as the grid's merged cells drew them), and resolved against the
//! national framework.

use crate::labels::{self, Level};
use jixiao_grid::text::{clean, is_cjk, key};
use jixiao_grid::{Cell, Origin, Row};

/// A label solved for a run of rows.
pub(crate) struct Label {
    pub(crate) first: usize,
    pub(crate) last: usize,
    pub(crate) name: String,
}

/// Groups one level column's fragments into labels: consecutive fragments are joined
/// until they read as a level name.
pub(crate) fn level_labels(parts: &[Option<String>], want_two: bool) -> Vec<Label> {
    let mut out = Vec::new();
    let mut r = 0;
    let matches = |t: &str| -> Option<&'static str> {
        match labels::level(t) {
            Some(Level::Two(n)) if want_two => Some(n),
            Some(Level::One(n)) if !want_two => Some(n),
            _ => None,
        }
    };
    while r < parts.len() {
        let Some(first) = parts[r].as_ref() else {
            r += 1;
            continue;
        };
        let mut text = first.clone();
        let mut last = r;
        let mut hit = matches(&text);
        while hit.is_none()
            && last + 1 < parts.len()
            && last + 1 - r < 4
            && parts[last + 1].is_some()
        {
            last += 1;
            text.push_str(parts[last].as_deref().unwrap_or(""));
            hit = matches(&text);
        }
        // A label cut so that its first part already reads as the name (`服务对象满` |
        // `意度指标`) takes the rest too, when the rest is no label of this level on its
        // own and the two spell the name exactly.
        while let Some(n) = hit {
            let Some(next) = parts.get(last + 1).and_then(Option::as_deref) else {
                break;
            };
            let joined = format!("{text}{next}");
            if last + 1 - r >= 4
                || matches(next).is_some()
                || labels::level_exact(&text).is_some()
                || labels::level_exact(&joined).map(|l| l.name()) != Some(n)
            {
                break;
            }
            last += 1;
            text = joined;
        }
        match hit {
            Some(n) => {
                out.push(Label {
                    first: r,
                    last,
                    name: n.to_string(),
                });
                r = last + 1;
            }
            None => {
                // A lone cut label (`时效`), or a clean custom label ending in 指标, is kept;
                // noise is not.
                let t = clean(first);
                let loose =
                    labels::level_loose(&t).filter(|l| matches!(l, Level::Two(_)) == want_two);
                if let Some(l) = loose {
                    out.push(Label {
                        first: r,
                        last: r,
                        name: l.name().to_string(),
                    });
                } else if t.ends_with("指标") && t.chars().count() >= 4 && t.chars().all(is_cjk) {
                    out.push(Label {
                        first: r,
                        last: r,
                        name: t,
                    });
                }
                r += 1;
            }
        }
    }
    out
}

/// A label assigned to a row: its name and the rows it was printed on.
pub(crate) type Filled = Option<(String, usize, usize)>;

/// Assigns each table row the label whose merged region covers it. Labels printed at
/// the top of their region fill down; labels centred in their region (scans, PDF
/// exports) cover the rows around them.
pub(crate) fn fill_levels(labels: &[Label], n: usize, top_aligned: bool) -> Vec<Filled> {
    let mut out: Vec<Filled> = vec![None; n];
    if labels.is_empty() || n == 0 {
        return out;
    }
    let mut start = 0usize;
    for (k, l) in labels.iter().enumerate() {
        let next_first = labels.get(k + 1).map_or(n, |x| x.first);
        let end = if k + 1 == labels.len() {
            n - 1
        } else if top_aligned {
            next_first.saturating_sub(1)
        } else {
            // Twice the centre. A label wrapped over two lines is centred between them,
            // and OCR puts those lines on the rows at and above the centre.
            let centre2 = l.first + l.last + usize::from(l.last > l.first);
            let e = centre2.saturating_sub(start);
            e.clamp(l.last, next_first.saturating_sub(1).max(l.last))
        };
        for slot in out.iter_mut().take(end.min(n - 1) + 1).skip(start) {
            *slot = Some((l.name.clone(), l.first, l.last));
        }
        start = end + 1;
    }
    out
}

/// Where a table row lies on its page (PDF points, y growing downwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Place {
    pub(crate) page: u32,
    pub(crate) top: f32,
    pub(crate) bottom: f32,
}

impl Place {
    /// The row's place, for rows read from a PDF page.
    pub(crate) fn of(origin: &Origin) -> Option<Place> {
        match origin {
            Origin::Pdf {
                page,
                bbox: [_, top, _, bottom],
                ..
            } => Some(Place {
                page: *page,
                top: *top,
                bottom: *bottom,
            }),
            _ => None,
        }
    }
}

/// Within this share of a line's height, two printed lines are at the same height.
const ALIGN_TOLERANCE: f32 = 0.3;

/// Whether the producer centred text vertically in its cells, by votes: a row at least
/// [`TALL_CELL`] times as tall as its shortest text votes centred when that text sits at
/// the row's middle and top-aligned when at its top; a level label (`labels`, the boxes
/// of each row's level cells) printed off the line of every other one-line cell of its
/// row votes centred (a merged label centred over an even number of rows sits between
/// two; a label at the top of its region shares its first row's line). `None` without
/// votes (text exports, spreadsheets, tables of one-line rows with every label on a
/// row's line — read alike either way) or when they tie.
pub(crate) fn printed_centred(rows: &[&Row], labels: &[Vec<[f32; 4]>]) -> Option<bool> {
    let (mut centred, mut top) = (0usize, 0usize);
    let height = |b: &[f32; 4]| b[3] - b[1];
    for (k, row) in rows.iter().enumerate() {
        let Some(place) = Place::of(&row.origin) else {
            continue;
        };
        let boxes: Vec<[f32; 4]> = row.filled().filter_map(|c| c.bbox).collect();
        if let Some(short) = boxes.iter().min_by(|a, b| height(a).total_cmp(&height(b))) {
            let h = height(short);
            if h > 0.0 && place.bottom - place.top >= TALL_CELL * h {
                let d_top = (short[1] - place.top).abs();
                let d_mid = ((short[1] + short[3]) - (place.top + place.bottom)).abs() / 2.0;
                if d_mid < d_top && d_mid < ALIGN_TOLERANCE * h {
                    centred += 1;
                } else if d_top < d_mid && d_top < ALIGN_TOLERANCE * h {
                    top += 1;
                }
            }
        }
        for l in labels.get(k).into_iter().flatten() {
            let h = height(l);
            let mates: Vec<&[f32; 4]> = boxes
                .iter()
                .filter(|b| (b[2] <= l[0] || b[0] >= l[2]) && height(b) < TALL_CELL * h)
                .collect();
            let off =
                |b: &&[f32; 4]| ((b[1] + b[3]) - (l[1] + l[3])).abs() / 2.0 > ALIGN_TOLERANCE * h;
            if h > 0.0 && !mates.is_empty() && mates.iter().all(off) {
                centred += 1;
            }
        }
    }
    (centred != top).then_some(centred > top)
}

/// A row this many times as tall as a text line holds more than one line.
const TALL_CELL: f32 = 1.6;

/// Share of the table's median row height within which a centred label's region must
/// end on a row boundary: half a row, so the boundary is the nearest one (the printed
/// centre is off by up to a point or two: glyph boxes are not line boxes, and a label
/// wrapped in a cell too narrow for it is laid out as its producer breaks it).
const CENTRE_TOLERANCE: f32 = 0.5;

/// Assigns rows to labels printed centred in their merged regions, from where each label
/// was printed (`boxes`, per table row) and where the rows lie (`places`): for borderless
/// pages, where no line draws the regions and a label centred over two rows sits between
/// them. Pages are laid end to end (a page's first table row continues where the last
/// one ended: a merged cell cut by a page break is printed as one, its label centred on
/// the whole and clipped). A region starts where the one above ended and ends at the row
/// boundary where the label's centre mirrors that start; the last label takes the rest.
/// `None` — the caller then counts rows — when a row or label has no place, or when a
/// mirror falls between boundaries (beyond [`CENTRE_TOLERANCE`]: not centred).
pub(crate) fn fill_by_print(
    labels: &[Label],
    boxes: &[Option<[f32; 4]>],
    places: &[Option<Place>],
) -> Option<Vec<Filled>> {
    let n = places.len();
    if labels.is_empty() || n == 0 || boxes.len() != n {
        return None;
    }
    let places: Vec<Place> = places.iter().copied().collect::<Option<_>>()?;
    let mut heights: Vec<f32> = places.iter().map(|p| p.bottom - p.top).collect();
    heights.sort_by(f32::total_cmp);
    let tolerance = CENTRE_TOLERANCE * heights[n / 2];
    // Each row's shift onto the pages laid end to end.
    let mut shift = vec![0.0f32; n];
    for t in 1..n {
        shift[t] = if places[t].page == places[t - 1].page {
            shift[t - 1]
        } else {
            places[t - 1].bottom + shift[t - 1] - places[t].top
        };
    }
    let top = |t: usize| places[t].top + shift[t];
    let bottom = |t: usize| places[t].bottom + shift[t];
    // Each label with its printed extent; a label drawn on both sides of a page break
    // (the same name where the pages meet) is one.
    let mut printed: Vec<(&Label, usize, f32, f32)> = Vec::new();
    for l in labels {
        let (high, low) = (l.first..=l.last.min(n - 1))
            .filter_map(|t| boxes[t].map(|b| (b[1] + shift[t], b[3] + shift[t])))
            .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))?;
        match printed.last_mut() {
            Some((p, last, h, w)) if p.name == l.name && high < *w && low > *h => {
                *last = l.last;
                (*h, *w) = (h.min(high), w.max(low));
            }
            _ => printed.push((l, l.last, high, low)),
        }
    }
    let mut out: Vec<Filled> = vec![None; n];
    let mut start = 0usize;
    for (k, &(l, last, high, low)) in printed.iter().enumerate() {
        // Rows are the label's by where it was printed, not by the row a reader put it
        // on (a label between two rows lands on either): its region reaches below its
        // centre and ends above the next label's.
        let centre = (high + low) / 2.0;
        if centre <= top(start) {
            return None;
        }
        let mirror = 2.0 * centre - top(start);
        let end = match printed.get(k + 1) {
            None => n - 1,
            Some(&(_, _, h, w)) => {
                let below = (h + w) / 2.0;
                let e = (start..n)
                    .filter(|&t| bottom(t) > centre && bottom(t) < below)
                    .min_by(|&a, &b| {
                        (bottom(a) - mirror)
                            .abs()
                            .total_cmp(&(bottom(b) - mirror).abs())
                    })?;
                if (bottom(e) - mirror).abs() > tolerance {
                    return None;
                }
                e
            }
        };
        for slot in out.iter_mut().take(end + 1).skip(start) {
            *slot = Some((l.name.clone(), l.first, last));
        }
        start = end + 1;
        if start >= n {
            break;
        }
    }
    Some(out)
}

/// Gives the label of the row above to each row that continues a merged cell from the
/// page before: no cell of its own in the level column at `col` and none spanning down
/// to it (a ruled table whose merged label a page break cut, printed above the break
/// only; readers give every other row a cell there, blank or spanning). `row_of[t]` is
/// table row `t`'s index in `rows`.
pub(crate) fn fill_continued(fill: &mut [Filled], rows: &[Row], row_of: &[usize], col: f32) {
    let covers =
        |c: &Cell| c.col <= col + COL_EPSILON && col < c.col + c.col_span as f32 - COL_EPSILON;
    // Rows of `rows` before this one a span above reaches.
    let mut reached = 0usize;
    for (t, &ri) in row_of.iter().enumerate() {
        match rows
            .get(ri)
            .and_then(|r| r.cells.iter().find(|c| covers(c)))
        {
            Some(c) => reached = reached.max(ri + c.row_span as usize),
            None if t > 0 && ri >= reached => fill[t] = fill[t - 1].clone(),
            None => {}
        }
    }
}

/// The regions of a level column the grid drew as merged cells, as table rows
/// `(first, last)`: a cell at column `col` spanning rows, whose rows below have no cell
/// of their own there. `row_of[t]` is table row `t`'s index in `rows`. Empty for grids
/// without merged cells (text exports).
pub(crate) fn drawn_regions(rows: &[Row], row_of: &[usize], col: f32) -> Vec<(usize, usize)> {
    let covers =
        |c: &Cell| c.col <= col + COL_EPSILON && col < c.col + c.col_span as f32 - COL_EPSILON;
    let mut out = Vec::new();
    for (t, &ri) in row_of.iter().enumerate() {
        let Some(cell) = rows
            .get(ri)
            .and_then(|r| r.cells.iter().find(|c| covers(c)))
        else {
            continue;
        };
        if cell.row_span < 2 {
            continue;
        }
        let last = (ri + cell.row_span as usize - 1).min(rows.len().saturating_sub(1));
        if rows[ri + 1..=last]
            .iter()
            .any(|r| r.cells.iter().any(covers))
        {
            continue;
        }
        let last_t = row_of.iter().rposition(|&r| r <= last).unwrap_or(t);
        out.push((t, last_t));
    }
    out
}

/// Gives every row of a drawn region the one label printed inside it: the ruling lines
/// say where a merged label's rows end, which its printed position says only roughly
/// (a label printed at the top of the part of its cell a page break left, centred
/// labels of neighbouring cells). Regions holding no label or several keep their fill.
pub(crate) fn fill_drawn(fill: &mut [Filled], labels: &[Label], regions: &[(usize, usize)]) {
    for &(a, b) in regions {
        let inside: Vec<&Label> = labels
            .iter()
            .filter(|l| l.first >= a && l.last <= b)
            .collect();
        if let [l] = inside[..] {
            for slot in fill.iter_mut().take(b + 1).skip(a) {
                *slot = Some((l.name.clone(), l.first, l.last));
            }
        }
    }
}

/// Columns closer than this are the same grid column.
const COL_EPSILON: f32 = 0.01;

pub(crate) fn span_distance(t: usize, first: usize, last: usize) -> usize {
    if t < first {
        first - t
    } else {
        t.saturating_sub(last)
    }
}

/// A level-2 fragment read under a known level 1 (`社会` under 效益指标).
pub(crate) fn level2_under(part: &str, parent: &str) -> Option<&'static str> {
    let k = key(part);
    if k.is_empty() {
        return None;
    }
    let c: Vec<&'static str> = labels::LEVEL2
        .iter()
        .filter(|(n, p)| *p == parent && n.starts_with(&k))
        .map(|(n, _)| *n)
        .collect();
    (c.len() == 1).then(|| c[0])
}

/// Final levels of a row from the filled label columns. A level 2 names its level 1;
/// when the two disagree, the label printed nearer the row wins.
pub(crate) fn resolve_levels(
    t: usize,
    l1: &Filled,
    l2: &Filled,
    l2_parts: &[Option<String>],
) -> (Option<String>, Option<String>) {
    let parent = l2.as_ref().and_then(|(n, _, _)| labels::parent_of(n));
    match (l1, l2, parent) {
        (Some((n1, f1, e1)), Some((n2, f2, e2)), Some(p)) if p != n1 => {
            if span_distance(t, *f1, *e1) < span_distance(t, *f2, *e2) {
                // Level 1 is nearer: read the nearest level-2 fragment under it.
                let lo = t.saturating_sub(2);
                let l2 = (lo..=t)
                    .rev()
                    .filter_map(|r| l2_parts.get(r).cloned().flatten())
                    .find_map(|part| level2_under(&part, n1))
                    .or_else(|| {
                        // Else the next level-2 label below that belongs to it (a label
                        // centred in its region is printed below the region's top).
                        l2_parts
                            .iter()
                            .skip(t + 1)
                            .take(12)
                            .flatten()
                            .find_map(|part| match labels::level_loose(part) {
                                Some(Level::Two(n)) if labels::parent_of(n) == Some(n1) => Some(n),
                                _ => None,
                            })
                    })
                    .map(str::to_string);
                (Some(n1.clone()), l2)
            } else {
                (Some(p.to_string()), Some(n2.clone()))
            }
        }
        (_, Some((n2, _, _)), Some(p)) => (Some(p.to_string()), Some(n2.clone())),
        (Some((n1, _, _)), None, _) => {
            // No level 2 label: read a nearby level-2 fragment under the known level 1.
            let lo = t.saturating_sub(2);
            let l2 = (lo..=t + 2)
                .filter_map(|r| l2_parts.get(r).cloned().flatten())
                .find_map(|part| level2_under(&part, n1))
                .map(str::to_string);
            (Some(n1.clone()), l2)
        }
        (l1, l2, _) => (
            l1.as_ref().map(|(n, _, _)| n.clone()),
            l2.as_ref().map(|(n, _, _)| n.clone()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row of cells `(col, row_span, text)`.
    fn row(cells: &[(f32, u32, &str)]) -> Row {
        Row {
            cells: cells
                .iter()
                .map(|&(col, span, text)| {
                    let mut c = Cell::new(text, col);
                    c.row_span = span;
                    c
                })
                .collect(),
            origin: Origin::Line { line: 1 },
        }
    }

    #[test]
    fn a_label_printed_at_the_top_of_its_drawn_cell_gets_all_its_rows() {
        // Column 0 holds level-2 labels. A page break left 经济成本指标's cell four rows
        // with its label at the top; 数量指标's cell (three rows) has its label at the
        // top too. Filled as centred labels, the rows between go halfway to each.
        let rows = vec![
            row(&[(0.0, 4, "经济成本指标"), (1.0, 1, "a")]),
            row(&[(1.0, 1, "b")]),
            row(&[(1.0, 1, "c")]),
            row(&[(1.0, 1, "d")]),
            row(&[(0.0, 3, "数量指标"), (1.0, 1, "e")]),
            row(&[(1.0, 1, "f")]),
            row(&[(1.0, 1, "g")]),
        ];
        let parts: Vec<Option<String>> = rows
            .iter()
            .map(|r| {
                r.cells
                    .iter()
                    .find(|c| c.col == 0.0)
                    .map(|c| c.text.clone())
            })
            .collect();
        let labels = level_labels(&parts, true);
        let mut fill = fill_levels(&labels, rows.len(), false);
        let name = |f: &Filled| f.as_ref().map(|x| x.0.clone()).unwrap_or_default();
        assert_eq!(name(&fill[3]), "数量指标", "the centred fill this corrects");
        let row_of: Vec<usize> = (0..rows.len()).collect();
        let regions = drawn_regions(&rows, &row_of, 0.0);
        assert_eq!(regions, vec![(0, 3), (4, 6)]);
        fill_drawn(&mut fill, &labels, &regions);
        let names: Vec<String> = fill.iter().map(name).collect();
        assert_eq!(names[..4], ["经济成本指标"; 4]);
        assert_eq!(names[4..], ["数量指标"; 3]);
    }

    #[test]
    fn without_drawn_merges_or_with_a_cell_inside_the_span_nothing_is_drawn() {
        // A text export: every row has its own (blank) cell.
        let rows = vec![
            row(&[(0.0, 1, "数量指标"), (1.0, 1, "a")]),
            row(&[(0.0, 1, ""), (1.0, 1, "b")]),
        ];
        assert!(drawn_regions(&rows, &[0, 1], 0.0).is_empty());
        // A span the next row contradicts (a cell of its own in the column).
        let rows = vec![
            row(&[(0.0, 2, "数量指标"), (1.0, 1, "a")]),
            row(&[(0.0, 1, "质量指标"), (1.0, 1, "b")]),
        ];
        assert!(drawn_regions(&rows, &[0, 1], 0.0).is_empty());
        // A region holding two labels keeps its fill.
        let labels = [
            Label {
                first: 0,
                last: 0,
                name: "数量指标".into(),
            },
            Label {
                first: 2,
                last: 2,
                name: "质量指标".into(),
            },
        ];
        let mut fill = fill_levels(&labels, 4, true);
        let before = fill.clone();
        fill_drawn(&mut fill, &labels, &[(0, 3)]);
        assert_eq!(fill, before);
    }

    fn label(first: usize, name: &str) -> Label {
        Label {
            first,
            last: first,
            name: name.into(),
        }
    }

    /// Rows of ten points on `page` from `top` on.
    fn places(page: u32, top: f32, n: usize) -> Vec<Option<Place>> {
        (0..n)
            .map(|i| {
                Some(Place {
                    page,
                    top: top + 10.0 * i as f32,
                    bottom: top + 10.0 * (i + 1) as f32,
                })
            })
            .collect()
    }

    /// A one-line label box centred at `y`.
    fn printed_at(y: f32) -> Option<[f32; 4]> {
        Some([0.0, y - 3.5, 30.0, y + 3.5])
    }

    fn names(fill: &[Filled]) -> Vec<&str> {
        fill.iter()
            .map(|f| f.as_ref().map_or("", |x| x.0.as_str()))
            .collect()
    }

    #[test]
    fn a_label_between_two_rows_takes_both_by_where_it_was_printed() {
        // Six rows from y 100. 经济成本指标 is centred over rows 0-1 (at y 110, on their
        // boundary; the reader put it on row 1), 数量指标 over rows 2-4 (y 135),
        // 质量指标 on row 5 alone.
        let labels = [
            label(1, "经济成本指标"),
            label(3, "数量指标"),
            label(5, "质量指标"),
        ];
        let mut boxes = vec![None; 6];
        boxes[1] = printed_at(110.0);
        boxes[3] = printed_at(135.0);
        boxes[5] = printed_at(155.0);
        let fill = fill_by_print(&labels, &boxes, &places(1, 100.0, 6)).expect("centred");
        assert_eq!(
            names(&fill),
            [
                "经济成本指标",
                "经济成本指标",
                "数量指标",
                "数量指标",
                "数量指标",
                "质量指标"
            ]
        );
        // Counting rows from the label's row gives row 2 to the first label.
        assert_eq!(names(&fill_levels(&labels, 6, false))[2], "经济成本指标");
    }

    #[test]
    fn a_label_cut_by_a_page_break_counts_its_rows_on_both_pages() {
        // Rows 0-2 end page 1 (y 700-730), rows 3-4 begin page 2 (y 80-100). 产出指标's
        // region is rows 1-3: laid end to end, 710-740, centred at 725, on page 1; the
        // producer drew it on page 2 too, where the whole cell's centre lies (y 75, moved
        // into row 3), clipped.
        let mut at = places(1, 700.0, 3);
        at.extend(places(2, 80.0, 2));
        let labels = [
            label(0, "成本指标"),
            label(2, "产出指标"),
            label(3, "产出指标"),
            label(4, "效益指标"),
        ];
        let boxes = vec![
            printed_at(705.0),
            None,
            printed_at(725.0),
            printed_at(75.0),
            printed_at(95.0),
        ];
        let fill = fill_by_print(&labels, &boxes, &at).expect("centred");
        assert_eq!(
            names(&fill),
            ["成本指标", "产出指标", "产出指标", "产出指标", "效益指标"]
        );
    }

    #[test]
    fn labels_too_close_for_centred_regions_leave_the_rows_to_be_counted() {
        // 数量指标, centred at 112 below a start at 100, would end at 124: past 118, where
        // 质量指标 is centred.
        let labels = [
            label(1, "数量指标"),
            label(2, "质量指标"),
            label(3, "时效指标"),
        ];
        let boxes = vec![
            None,
            printed_at(112.0),
            printed_at(118.0),
            printed_at(135.0),
        ];
        assert!(fill_by_print(&labels, &boxes, &places(1, 100.0, 4)).is_none());
        // Rows without a place on a page (a text export) are never placed by print.
        assert!(fill_by_print(&labels, &boxes, &[None; 4]).is_none());
    }

    /// A PDF row from `top` to `bottom` with cells `(col, printed box)`.
    fn pdf_row(top: f32, bottom: f32, cells: &[(f32, [f32; 4])]) -> Row {
        Row {
            cells: cells
                .iter()
                .map(|&(col, b)| {
                    let mut c = Cell::new("文字", col);
                    c.bbox = Some(b);
                    c
                })
                .collect(),
            origin: Origin::Pdf {
                page: 1,
                bbox: [0.0, top, 100.0, bottom],
                confidence: None,
            },
        }
    }

    #[test]
    fn one_line_text_in_a_tall_row_says_how_the_producer_aligns() {
        let middle = pdf_row(100.0, 130.0, &[(1.0, [40.0, 111.0, 60.0, 119.0])]);
        let top = pdf_row(100.0, 130.0, &[(1.0, [40.0, 101.0, 60.0, 109.0])]);
        assert_eq!(printed_centred(&[&middle], &[]), Some(true));
        assert_eq!(printed_centred(&[&top], &[]), Some(false));
        assert_eq!(printed_centred(&[&middle, &top], &[]), None, "a tie");
        // One-line rows say nothing; a text export has no boxes.
        let short = pdf_row(100.0, 110.0, &[(1.0, [40.0, 101.5, 60.0, 108.5])]);
        assert_eq!(printed_centred(&[&short], &[]), None);
        let text = row(&[(0.0, 1, "数量指标"), (1.0, 1, "a")]);
        assert_eq!(printed_centred(&[&text], &[]), None);
    }

    #[test]
    fn a_label_off_its_rows_line_was_centred_over_rows() {
        // One-line rows; the label sits 5 points below its row-mate's line (between two
        // rows), which a label at the top of its region never does.
        let mate = [40.0, 101.5, 60.0, 108.5];
        let off = [0.0, 106.5, 30.0, 113.5];
        let row = pdf_row(100.0, 110.0, &[(0.0, off), (1.0, mate)]);
        assert_eq!(printed_centred(&[&row], &[vec![off]]), Some(true));
        let on = [0.0, 101.5, 30.0, 108.5];
        let row = pdf_row(100.0, 110.0, &[(0.0, on), (1.0, mate)]);
        assert_eq!(printed_centred(&[&row], &[vec![on]]), None);
    }

    #[test]
    fn a_name_cut_after_it_already_reads_takes_its_rest() {
        let parts =
            |v: &[&str]| -> Vec<Option<String>> { v.iter().map(|t| Some(t.to_string())).collect() };
        let ls = level_labels(&parts(&["服务对象满", "意度指标"]), true);
        assert_eq!(ls.len(), 1);
        assert_eq!((ls[0].first, ls[0].last), (0, 1));
        assert_eq!(ls[0].name, "服务对象满意度指标");
        // Only when the two spell the name exactly: a misread name keeps its one row.
        let ls = level_labels(&parts(&["社会対益", "指标"]), true);
        assert_eq!(ls.len(), 1);
        assert_eq!((ls[0].first, ls[0].last), (0, 0));
    }
}
