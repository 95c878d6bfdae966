//! Level labels (一级 / 二级指标) of merged cells: found, their regions filled (top-aligned
//! or centred, or as the grid's merged cells drew them), and resolved against the
//! national framework.

use crate::labels::{self, Level};
use jixiao_grid::text::{clean, is_cjk, key};
use jixiao_grid::{Cell, Row};

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
    use jixiao_grid::Origin;

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
}
