//! The indicator table: each row aligned to the header's fields, wrapped rows merged,
//! level labels filled, values parsed.

pub(super) mod fields;
pub(super) mod levels;
pub(super) mod rows;

use crate::align::{align, Item, Kind};
use crate::explain::{CellUse, RowOutcome, RowRef, TableRow};
use crate::labels;
use crate::parse::indicators::fields::{ind_fields, ind_header_field, ind_kind, Ind, IndCost};
use crate::parse::indicators::levels::{
    drawn_regions, fill_by_print, fill_continued, fill_drawn, fill_levels, level_labels,
    printed_centred, resolve_levels, Label, Place,
};
use crate::parse::indicators::rows::{
    is_table_end, is_unlabelled_total, merge_weightless_rows, RawInd, MAX_ROW_CELLS,
};
use crate::parse::pieces::{join, non_empty, pieces, split_numbers, split_trailing_measure, Piece};
use crate::segment::is_indicator_header;
use crate::value::{parse_amount, parse_value};
use jixiao_grid::text::key;
use jixiao_grid::{Cell, Origin, Row};
use jixiao_record::{FormKind, Indicator};
use rust_decimal::Decimal;

/// The indicator table's rows as the explanation shows them: `base` is the grid index of
/// the form's first row.
pub(crate) struct TableTrace {
    pub(crate) base: usize,
    pub(crate) rows: Vec<TableRow>,
}

impl TableTrace {
    pub(crate) fn push(&mut self, ri: usize, row: &Row, cells: Vec<CellUse>, outcome: RowOutcome) {
        self.rows.push(TableRow {
            from: RowRef {
                row: self.base + ri,
                origin: row.origin.clone(),
            },
            cells,
            cost: None,
            shift: None,
            outcome,
        });
    }
}

/// Cells of a row as the explanation lists them, none placed yet.
pub(crate) fn unplaced(ps: &[Piece]) -> Vec<CellUse> {
    ps.iter()
        .map(|p| CellUse {
            text: p.text.clone(),
            col: p.col,
            field: None,
        })
        .collect()
}

/// True when `next` is the rest of header cells of `header` that a narrow column wrapped
/// (`跟踪期` over `计划完成值`): each of its pieces sits under a header piece and either
/// completes a label the piece above is not on its own, or is a header label itself;
/// none is a value.
fn completes_header(header: &Row, next: &Row) -> bool {
    let above = pieces(header);
    let ps = pieces(next);
    !ps.is_empty()
        && ps.iter().all(|p| {
            let k = key(&p.text);
            let value = matches!(
                ind_kind(&p.text),
                Kind::Number | Kind::Measure | Kind::Band | Kind::Dash
            );
            let Some(a) = above.iter().find(|a| (a.col - p.col).abs() < 0.5) else {
                return false;
            };
            let ka = key(&a.text);
            !value
                && (ind_header_field(&k).is_some()
                    || (ind_header_field(&ka).is_none()
                        && ind_header_field(&format!("{ka}{k}")).is_some()))
        })
}

pub(crate) fn indicators(
    rows: &[Row],
    kind: FormKind,
    mut trace: Option<&mut TableTrace>,
) -> (Vec<Indicator>, usize) {
    let Some(h) = rows.iter().position(is_indicator_header) else {
        return (Vec::new(), rows.len());
    };
    let mut headers = vec![&rows[h]];
    let mut body = h + 1;
    if let Some(next) = rows.get(h + 1) {
        let n = pieces(next)
            .iter()
            .filter(|p| ind_header_field(&key(&p.text)).is_some())
            .count();
        let first = pieces(next)
            .first()
            .map(|p| key(&p.text))
            .unwrap_or_default();
        if n >= 3 || first == "指标" || completes_header(&rows[h], next) {
            headers.push(next);
            body = h + 2;
        }
    }
    let (mut fields, complete) = ind_fields(&headers, kind);
    let lambda = crate::align::lambda(complete);
    // A label split over an inserted cell (`三级 | 指标`, joined by `repair` in place)
    // leaves the header's later labels a column right of their data; a header whose
    // cells are gaps apart is also tried closed up, and the one the body fits better
    // (summed alignment cost of its first rows) is kept.
    if headers.len() == 1 && has_gaps(&rows[h]) {
        let closed = closed_up(&rows[h]);
        let (alt, alt_complete) = ind_fields(&[&closed], kind);
        if alt_complete == complete {
            let body_rows = &rows[body..];
            if fit_cost(body_rows, &alt, lambda) < fit_cost(body_rows, &fields, lambda) {
                fields = alt;
            }
        }
    }

    // (table row, origin, raw)
    let mut raws: Vec<(usize, Origin, RawInd)> = Vec::new();
    let mut l1_parts: Vec<Option<String>> = Vec::new();
    let mut l2_parts: Vec<Option<String>> = Vec::new();
    // Where each table row's level labels were printed, when known.
    let mut l1_boxes: Vec<Option<[f32; 4]>> = Vec::new();
    let mut l2_boxes: Vec<Option<[f32; 4]>> = Vec::new();
    // Index in `rows` of each table row (of `l1_parts`).
    let mut row_of: Vec<usize> = Vec::new();
    let mut end = rows.len();
    let mut pushed: Vec<usize> = Vec::new();
    for (ri, row) in rows.iter().enumerate().skip(body) {
        if row.is_blank() {
            continue;
        }
        if is_table_end(row) {
            if let Some(tr) = trace.as_deref_mut() {
                let reason = "a closing row (总分, 评分等级, 总体评价, 完成可能性 …)";
                tr.push(
                    ri,
                    row,
                    unplaced(&pieces(row)),
                    RowOutcome::TableEnd { reason },
                );
            }
            end = ri;
            break;
        }
        let (ps, items) = row_items(row);
        if items.len() > MAX_ROW_CELLS {
            // Not a table row (run-away text); keeps the alignment's work bounded.
            if let Some(tr) = trace.as_deref_mut() {
                let reason = "more cells than a table row has (run-away text)";
                tr.push(ri, row, unplaced(&ps), RowOutcome::Dropped { reason });
            }
            continue;
        }
        if !l1_parts.is_empty() && is_unlabelled_total(&ps, &items) {
            if let Some(tr) = trace.as_deref_mut() {
                let reason = "the 总分 row with its label lost (weight sum, then total)";
                tr.push(ri, row, unplaced(&ps), RowOutcome::TableEnd { reason });
            }
            end = ri;
            break;
        }
        let mut a = align(&items, &fields, &IndCost, crate::align::MAX_SHIFT, lambda);
        // A label joined from cells of its own (`质量指 | 标`) leaves blank cells behind
        // it; the row is also read with them taken out, and kept so when it fits the
        // fields better (a cell was inserted for the split, not filled) — at equal cost,
        // when it fills more of name, target and values (every indicator has a name;
        // a name and a worded value fit the target column alike).
        let (ps, items) = match unspread(row) {
            Some(closed) => {
                let (ps2, items2) = row_items(&closed);
                let a2 = align(&items2, &fields, &IndCost, crate::align::MAX_SHIFT, lambda);
                let filled = |a: &crate::align::Alignment| {
                    [Ind::L3, Ind::Target, Ind::Planned, Ind::Actual]
                        .iter()
                        .filter(|id| a.fields.iter().flatten().any(|&fi| fields[fi].id == **id))
                        .count()
                };
                let better = a2.cost < a.cost - COST_EPSILON
                    || (a2.cost <= a.cost + COST_EPSILON && filled(&a2) > filled(&a));
                if better {
                    a = a2;
                    (ps2, items2)
                } else {
                    (ps, items)
                }
            }
            None => (ps, items),
        };
        if let Some(tr) = trace.as_deref_mut() {
            let cells = ps
                .iter()
                .zip(&a.fields)
                .map(|(p, f)| CellUse {
                    text: p.text.clone(),
                    col: p.col,
                    field: f.map(|fi| fields[fi].id.field()),
                })
                .collect();
            // Outcome settled below, once rows are merged.
            tr.push(ri, row, cells, RowOutcome::Labels);
            if let Some(last) = tr.rows.last_mut() {
                last.cost = Some(a.cost);
                last.shift = Some(a.shift);
            }
        }
        let mut raw = RawInd {
            row: ri,
            ..RawInd::default()
        };
        for (p, f) in ps.iter().zip(&a.fields) {
            let Some(fi) = f else { continue };
            raw.cols.push((fields[*fi].id, p.col));
            let t = p.text.clone();
            match fields[*fi].id {
                Ind::L1 => {
                    raw.l1.push(t);
                    raw.l1_boxes.push(p.bbox);
                }
                Ind::L2 => {
                    raw.l2.push(t);
                    raw.l2_boxes.push(p.bbox);
                }
                Ind::L3 => raw.l3.push(t),
                Ind::Target => raw.target = Some(t),
                Ind::Planned => raw.planned = Some(t),
                Ind::Actual => raw.actual = Some(t),
                Ind::Weight => raw.weight = Some(t),
                Ind::Score => raw.score = Some(t),
                Ind::Note => raw.note.push(t),
            }
        }
        // A level-3 name that landed in a level column: the rightmost unknown text there.
        if raw.l3.is_empty() && raw.has_value() && raw.l2.len() >= 2 {
            // Two labels in the level-2 column: the second is the level-3 name (printed
            // like a level, e.g. 服务对象满意度指标 twice).
            if let Some(v) = raw.l2.pop() {
                raw.l2_boxes.pop();
                raw.l3.push(v);
            }
        }
        if raw.l3.is_empty() && raw.has_value() {
            for (col, boxes) in [
                (&mut raw.l2, &mut raw.l2_boxes),
                (&mut raw.l1, &mut raw.l1_boxes),
            ] {
                if let Some(last) = col.last() {
                    if labels::level(last).is_none() {
                        if let Some(v) = col.pop() {
                            boxes.pop();
                            raw.l3.push(v);
                        }
                        break;
                    }
                }
            }
        }
        // An unlabelled row whose "weight" is the weight sum (100) is the total row.
        let weight_sum = raw.weight.as_deref().and_then(parse_amount);
        if raw.target.is_none()
            && raw.score.is_some()
            && weight_sum.is_some_and(|w| w >= Decimal::from(99) && w <= Decimal::from(101))
        {
            if let Some(last) = trace.as_deref_mut().and_then(|tr| tr.rows.last_mut()) {
                last.outcome = RowOutcome::TableEnd {
                    reason: "an unlabelled row whose weight is the weight sum (100): the total row",
                };
            }
            end = ri;
            break;
        }
        let t = l1_parts.len();
        l1_parts.push(non_empty(join(&raw.l1)));
        l2_parts.push(non_empty(join(&raw.l2)));
        l1_boxes.push(
            raw.l1_boxes
                .iter()
                .fold(None, |b, c| Cell::union_bbox(b, *c)),
        );
        l2_boxes.push(
            raw.l2_boxes
                .iter()
                .fold(None, |b, c| Cell::union_bbox(b, *c)),
        );
        row_of.push(ri);
        let textual = items
            .iter()
            .zip(&ps)
            .all(|(i, p)| i.kind == Kind::Text || (i.kind == Kind::Measure && wordy(&p.text)));
        if kind != FormKind::SelfEvaluation && textual {
            if let Some((_, _, prev)) = raws.last_mut() {
                // By the columns of the previous row when every cell sits under one of
                // its cells (the alignment of a lone wrapped line is a guess), else by
                // the fields the line was aligned to.
                let joins = match under(prev, &ps) {
                    Some(fs) => continues_under(prev, &fs),
                    None => continues(prev, &raw),
                };
                if joins {
                    match under(prev, &ps) {
                        Some(fs) => absorb_under(prev, ri, &ps, &fs),
                        None => absorb_line(prev, raw),
                    }
                    continue;
                }
            }
        }
        let wrapped_text =
            kind == FormKind::SelfEvaluation && (!raw.l3.is_empty() || !raw.note.is_empty());
        if raw.has_value() || (raw.weight.is_some() && !raw.l3.is_empty()) || wrapped_text {
            // (Rows without 分值/得分 are merged into their indicator below.)
            pushed.push(ri);
            raws.push((t, row.origin.clone(), raw));
        } else if !raw.note.is_empty() && raw.l3.is_empty() {
            if let Some((_, _, prev)) = raws.last_mut() {
                prev.note.extend(raw.note.iter().cloned());
                prev.notes.push(ri);
            }
        } else if let Some(last) = trace.as_deref_mut().and_then(|tr| tr.rows.last_mut()) {
            if raw.l1.is_empty() && raw.l2.is_empty() {
                last.outcome = RowOutcome::Dropped {
                    reason: "no target, value, weight or score, and no level label",
                };
            }
        }
    }
    if kind == FormKind::SelfEvaluation {
        raws = merge_weightless_rows(raws);
    }
    let first_ind = raws.first().map_or(0, |(t, _, _)| *t);
    let n = l1_parts.len();
    // Labels printed on the first indicator row mean labels sit at the top of their
    // merged regions; otherwise they are centred in them.
    // A label wrapped over several rows is a merged cell rendered with its text
    // centred (PDF and scan exports): then every label is centred in its region.
    let l1_labels = level_labels(&l1_parts, false);
    let l2_labels = level_labels(&l2_parts, true);
    let wrapped = l1_labels.iter().chain(&l2_labels).any(|l| l.last > l.first);
    let top = !wrapped
        && (l1_parts.get(first_ind).is_some_and(Option::is_some)
            || l2_parts.get(first_ind).is_some_and(Option::is_some));
    // Where the producer centred its cells' text and the page says where each label was
    // printed, the rows of its region follow from that.
    let places: Vec<Option<Place>> = row_of
        .iter()
        .map(|&ri| Place::of(&rows[ri].origin))
        .collect();
    let table_rows: Vec<&Row> = row_of.iter().map(|&ri| &rows[ri]).collect();
    let label_boxes: Vec<Vec<[f32; 4]>> = l1_boxes
        .iter()
        .zip(&l2_boxes)
        .map(|(a, b)| a.iter().chain(b).copied().collect())
        .collect();
    let centred = printed_centred(&table_rows, &label_boxes) == Some(true);
    let by_print = |labels: &[Label], boxes: &[Option<[f32; 4]>]| {
        centred
            .then(|| fill_by_print(labels, boxes, &places))
            .flatten()
    };
    let (l1_print, l2_print) = (
        by_print(&l1_labels, &l1_boxes),
        by_print(&l2_labels, &l2_boxes),
    );
    let (l1_printed, l2_printed) = (l1_print.is_some(), l2_print.is_some());
    let mut l1_fill = l1_print.unwrap_or_else(|| fill_levels(&l1_labels, n, top));
    let mut l2_fill = l2_print.unwrap_or_else(|| fill_levels(&l2_labels, n, top));
    if !top && !l2_printed {
        // Centred labels place region boundaries only roughly. Near a boundary, a
        // level-3 name that plainly names one of the two adjacent level 2s decides.
        for (t, _, raw) in &raws {
            let Some(hint) = labels::level2_hint(&join(&raw.l3)) else {
                continue;
            };
            let here = l2_fill.get(*t).cloned().flatten();
            if here.as_ref().is_some_and(|(n, _, _)| n == hint) {
                continue;
            }
            let lo = t.saturating_sub(2);
            let hi = (t + 2).min(n.saturating_sub(1));
            let near = (lo..=hi)
                .filter_map(|r| l2_fill.get(r).cloned().flatten())
                .find(|(n, _, _)| n == hint);
            if let Some(found) = near {
                l2_fill[*t] = Some(found);
            }
        }
    }
    // Where the grid drew the level columns' merged cells, their rows are known.
    // (Placed by print, a row the grid gives no cell of its own there continues the row
    // above.)
    for (id, labels, fill, printed) in [
        (Ind::L1, &l1_labels, &mut l1_fill, l1_printed),
        (Ind::L2, &l2_labels, &mut l2_fill, l2_printed),
    ] {
        if let Some(f) = fields.iter().find(|f| f.id == id) {
            if printed {
                fill_continued(fill, &rows[..end], &row_of, f.start);
            }
            fill_drawn(fill, labels, &drawn_regions(&rows[..end], &row_of, f.start));
        }
    }
    if let Some(tr) = trace {
        // Every row merged into an indicator says which (1-based, as indicators.ordinal).
        let settle = |ri: usize, outcome: RowOutcome, tr: &mut TableTrace| {
            let row = tr.base + ri;
            if let Some(t) = tr.rows.iter_mut().find(|t| t.from.row == row) {
                t.outcome = outcome;
            }
        };
        for &ri in &pushed {
            let reason = "a wrapped line without 分值/得分 and no indicator to join";
            settle(ri, RowOutcome::Dropped { reason }, tr);
        }
        for (k, (_, _, raw)) in raws.iter().enumerate() {
            settle(raw.row, RowOutcome::Indicator { indicator: k + 1 }, tr);
            for &p in &raw.parts {
                settle(p, RowOutcome::PartOf { indicator: k + 1 }, tr);
            }
            for &p in &raw.notes {
                settle(p, RowOutcome::NoteOf { indicator: k + 1 }, tr);
            }
        }
    }
    let out = raws
        .into_iter()
        .map(|(t, origin, raw)| {
            let (level1, level2) = resolve_levels(
                t,
                l1_fill.get(t).unwrap_or(&None),
                l2_fill.get(t).unwrap_or(&None),
                &l2_parts,
            );
            let amount = |s: &Option<String>| s.as_deref().and_then(parse_amount);
            Indicator {
                level1,
                level2,
                level3: non_empty(join(&raw.l3)),
                target: raw.target.as_deref().and_then(parse_value),
                planned_to_date: raw.planned.as_deref().and_then(parse_value),
                actual: raw.actual.as_deref().and_then(parse_value),
                weight: amount(&raw.weight),
                score: amount(&raw.score),
                deviation_note: non_empty(join(&raw.note)),
                source: origin,
            }
        })
        .collect();
    (out, end)
}

/// Alignment costs closer than this are equal.
const COST_EPSILON: f32 = 1e-3;

/// Body rows whose alignment cost decides between header readings.
const FIT_ROWS: usize = 40;

/// True when the row's filled cells have blank cells between them.
fn has_gaps(row: &Row) -> bool {
    let filled: Vec<usize> = (0..row.cells.len())
        .filter(|&i| !row.cells[i].is_blank())
        .collect();
    filled.windows(2).any(|w| w[1] > w[0] + 1)
}

/// The row with the blank cells between its filled ones taken out (cells renumbered
/// from its first filled column on).
fn closed_up(row: &Row) -> Row {
    let filled: Vec<&Cell> = row.cells.iter().filter(|c| !c.is_blank()).collect();
    let first = filled.first().map_or(0.0, |c| c.col);
    let cells = filled
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut c = (*c).clone();
            c.col = first + i as f32;
            c.col_span = 1;
            c
        })
        .collect();
    Row {
        cells,
        origin: row.origin.clone(),
    }
}

/// The row of a text export with the blank cells a joined label leaves behind it taken
/// out (a cell spanning `k` columns followed by `k - 1` blank ones, as `repair` joins
/// split labels), later cells moved left; `None` when there are none. Only text
/// exports insert a cell for a split label: in a spreadsheet or a PDF lattice a cell
/// spanning columns is a merged cell and the blank cells it covers are its own.
fn unspread(row: &Row) -> Option<Row> {
    if !matches!(row.origin, Origin::Line { .. }) {
        return None;
    }
    let mut cells: Vec<Cell> = Vec::with_capacity(row.cells.len());
    let mut skip = 0u32;
    let mut moved = 0.0f32;
    for c in &row.cells {
        if skip > 0 && c.is_blank() {
            skip -= 1;
            moved += 1.0;
            continue;
        }
        skip = 0;
        let mut c = c.clone();
        c.col -= moved;
        if c.col_span > 1 && !c.is_blank() {
            skip = c.col_span - 1;
            c.col_span = 1;
        }
        cells.push(c);
    }
    (moved > 0.0).then(|| Row {
        cells,
        origin: row.origin.clone(),
    })
}

/// The table rows as alignment items: pieces, numbers and trailing measures split off,
/// section labels left out.
fn row_items(row: &Row) -> (Vec<Piece>, Vec<Item>) {
    let mut ps: Vec<Piece> = Vec::new();
    for p in pieces(row) {
        if labels::is_section_label(&p.text) {
            continue;
        }
        for q in split_numbers(&p) {
            ps.extend(split_trailing_measure(&q));
        }
    }
    let items = ps
        .iter()
        .map(|p| Item {
            col: p.col,
            kind: ind_kind(&p.text),
            len: p.text.chars().count(),
        })
        .collect();
    (ps, items)
}

/// Summed alignment cost of the first [`FIT_ROWS`] rows of the table body to `fields`.
fn fit_cost(body: &[Row], fields: &[crate::align::Field<Ind>], lambda: f32) -> f32 {
    body.iter()
        .take_while(|r| !is_table_end(r))
        .filter(|r| !r.is_blank())
        .take(FIT_ROWS)
        .map(|r| {
            let (_, items) = row_items(r);
            if items.is_empty() || items.len() > MAX_ROW_CELLS {
                return 0.0;
            }
            align(&items, fields, &IndCost, crate::align::MAX_SHIFT, lambda).cost
        })
        .sum()
}

/// In a form without 分值 / 得分 (monitoring, declarations), whether a row of text alone —
/// no level label — is `prev`'s cells wrapped onto the next line: either only more of
/// its level-3 name, or no name and only more of text values `prev` already has
/// (`有效控制在` / `标准内`). A row with a name and a value is an indicator of its own.
fn continues(prev: &RawInd, raw: &RawInd) -> bool {
    if !raw.l1.is_empty() || !raw.l2.is_empty() || raw.weight.is_some() || raw.score.is_some() {
        return false;
    }
    let values = [
        (&raw.target, &prev.target),
        (&raw.planned, &prev.planned),
        (&raw.actual, &prev.actual),
    ];
    let has_value = values.iter().any(|(r, _)| r.is_some()) || !raw.note.is_empty();
    if !raw.l3.is_empty() {
        return !has_value && !prev.l3.is_empty();
    }
    // A wrapped value continues a text value of the same field (a measure is printed
    // whole).
    let text = |v: &Option<String>| v.as_deref().is_some_and(wordy);
    has_value
        && values.iter().all(|(r, p)| r.is_none() || text(p))
        && (raw.note.is_empty() || !prev.note.is_empty())
}

/// Appends a wrapped line's texts to the indicator it continues.
fn absorb_line(prev: &mut RawInd, raw: RawInd) {
    let cat = |a: &mut Option<String>, b: Option<String>| {
        if let Some(b) = b {
            *a = Some(match a.take() {
                Some(a) => join(&[a, b]),
                None => b,
            });
        }
    };
    prev.parts.push(raw.row);
    prev.l3.extend(raw.l3);
    prev.note.extend(raw.note);
    cat(&mut prev.target, raw.target);
    cat(&mut prev.planned, raw.planned);
    cat(&mut prev.actual, raw.actual);
}

/// The field of `prev`'s own row under which each piece sits (same column), when every
/// piece sits under one.
fn under(prev: &RawInd, ps: &[Piece]) -> Option<Vec<Ind>> {
    ps.iter()
        .map(|p| {
            prev.cols
                .iter()
                .find(|(_, c)| (c - p.col).abs() < SAME_COLUMN)
                .map(|(f, _)| *f)
        })
        .collect()
}

/// Columns closer than this are one column.
const SAME_COLUMN: f32 = 0.5;

/// [`continues`] by the columns the line's cells sit under: only under the level-3
/// name, or only under text values (and the note) of `prev`.
/// A line holding more of the name *and* of values continues `prev` only when it lacks
/// one of the values `prev` has: an indicator of its own fills every value column.
fn continues_under(prev: &RawInd, fs: &[Ind]) -> bool {
    if fs.is_empty() {
        return false;
    }
    if fs.iter().all(|f| *f == Ind::L3) {
        return !prev.l3.is_empty();
    }
    let text = |v: &Option<String>| v.as_deref().is_some_and(wordy);
    let values_continue = fs.iter().filter(|f| **f != Ind::L3).all(|f| match f {
        Ind::Target => text(&prev.target),
        Ind::Planned => text(&prev.planned),
        Ind::Actual => text(&prev.actual),
        Ind::Note => !prev.note.is_empty(),
        _ => false,
    });
    if !fs.contains(&Ind::L3) {
        return values_continue;
    }
    let had = [&prev.target, &prev.planned, &prev.actual]
        .iter()
        .filter(|v| v.is_some())
        .count();
    let has = [Ind::Target, Ind::Planned, Ind::Actual]
        .iter()
        .filter(|f| fs.contains(f))
        .count();
    values_continue && !prev.l3.is_empty() && has < had
}

/// A value that is words, not a measure: no number, or mostly CJK characters around one
/// (`24小时内响应`, `应/年故障影响使用<5天`); such a value can wrap over lines (a measure is
/// printed whole).
fn wordy(t: &str) -> bool {
    if parse_value(t).is_none_or(|x| x.value.is_none()) {
        return true;
    }
    let n = t.chars().filter(|c| !c.is_whitespace()).count();
    let cjk = t
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count();
    cjk * 2 >= n
}

/// Appends each piece of a wrapped line to the field of `prev` it sits under.
fn absorb_under(prev: &mut RawInd, ri: usize, ps: &[Piece], fs: &[Ind]) {
    let cat = |a: &mut Option<String>, b: &str| {
        *a = Some(match a.take() {
            Some(a) => join(&[a, b.to_string()]),
            None => b.to_string(),
        });
    };
    prev.parts.push(ri);
    for (p, f) in ps.iter().zip(fs) {
        match f {
            Ind::L3 => prev.l3.push(p.text.clone()),
            Ind::Target => cat(&mut prev.target, &p.text),
            Ind::Planned => cat(&mut prev.planned, &p.text),
            Ind::Actual => cat(&mut prev.actual, &p.text),
            Ind::Note => prev.note.push(p.text.clone()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(tsv: &str, kind: FormKind) -> Vec<Indicator> {
        let grid = jixiao_text::parse(tsv);
        indicators(&grid.rows, kind, None).0
    }

    const HEADER: &str =
        "一级指标\t二级指标\t三级指标\t年度指标值\t跟踪期 计划完成值\t跟踪期 实际完成值\t偏差原因分析\n";

    #[test]
    fn wrapped_lines_of_a_form_without_scores_join_their_indicator() {
        let tsv = format!(
            "{HEADER}\
             成本指标\t经济成本指标\t成本控制有效性\t有效控制在\t有效控制在\t有效控制在\n\
             \t\t\t标准内\t标准内\t标准内\n\
             产出指标\t数量指标\t残疾人保障金支付\t=100.00(%)\t100.00\t100.00\n\
             \t\t完成率\t\t\t\n\
             \t质量指标\t合同完整性\t完整\t完整\t完整\n"
        );
        let inds = table(&tsv, FormKind::Monitoring);
        assert_eq!(inds.len(), 3, "{inds:?}");
        let text = |v: &Option<jixiao_record::Value>| v.as_ref().map(|v| v.text.clone());
        assert_eq!(text(&inds[0].target).as_deref(), Some("有效控制在标准内"));
        assert_eq!(text(&inds[0].actual).as_deref(), Some("有效控制在标准内"));
        assert_eq!(inds[1].level3.as_deref(), Some("残疾人保障金支付完成率"));
        // A row with a name and a qualitative value is an indicator of its own.
        assert_eq!(inds[2].level3.as_deref(), Some("合同完整性"));
    }

    #[test]
    fn a_text_row_under_a_measure_is_no_continuation() {
        let tsv = format!(
            "{HEADER}\
             产出指标\t数量指标\t培训人次\t≥90(人次)\t95(人次)\t95(人次)\n\
             \t\t\t达标\t达标\t达标\n"
        );
        // The second line's values sit under measures, which are printed whole: it is
        // no wrapped part of them (and, with no name, stays an indicator of its own).
        let inds = table(&tsv, FormKind::Monitoring);
        assert_eq!(inds.len(), 2, "{inds:?}");
    }

    #[test]
    fn a_line_with_more_of_the_name_and_of_a_worded_value_joins_its_indicator() {
        let tsv = format!(
            "{HEADER}\
             产出指标\t质量指标\t信息平台运维\t24小时内响应\t24小时内响应\t24小时内响应\n\
             \t\t及时性\t/年故障<5天\t\t\n\
             \t时效指标\t完成及时性\t及时\t及时\t及时\n\
             \t\t工作完成率\t达标\t达标\t达标\n"
        );
        let inds = table(&tsv, FormKind::Monitoring);
        assert_eq!(inds.len(), 3, "{inds:?}");
        assert_eq!(inds[0].level3.as_deref(), Some("信息平台运维及时性"));
        let target = inds[0].target.as_ref().map(|v| v.text.clone());
        assert_eq!(target.as_deref(), Some("24小时内响应/年故障<5天"));
        // Every value column filled: an indicator of its own, though all of it is words.
        assert_eq!(inds[2].level3.as_deref(), Some("工作完成率"));
    }

    #[test]
    fn a_header_label_wrapped_onto_a_second_line_names_its_column() {
        let tsv = "一级指标\t二级指标\t三级指标\t年度指标值\t跟踪期\t跟踪期 实际\t偏差原因分析\n\
                   \t\t\t\t计划完成值\t完成值\t\n\
                   产出指标\t数量指标\t培训人次\t≥90(人次)\t80(人次)\t95(人次)\t\n";
        let inds = table(tsv, FormKind::Monitoring);
        assert_eq!(inds.len(), 1, "{inds:?}");
        let v = |x: &Option<jixiao_record::Value>| x.as_ref().map(|v| v.text.clone());
        assert_eq!(v(&inds[0].planned_to_date).as_deref(), Some("80(人次)"));
        assert_eq!(v(&inds[0].actual).as_deref(), Some("95(人次)"));
        assert!(wordy("24小时内响应") && wordy("及时") && !wordy("≥90.00(%)"));
    }

    #[test]
    fn a_header_spread_by_split_labels_is_closed_up_when_the_body_fits_it_better() {
        // `三级 | 指标` and `年 | 度指标值` each took a cell of their own: joined in place,
        // they leave gaps that put the later labels two columns right of their data.
        let spread = "一级指标\t二级指标\t三级指标\t\t年度指标值\t\t跟踪期计划完成值\t跟踪期实际完成值\t偏差原因分析\n\
                      产出指标\t数量指标\t博览会举办\t举办\t未举办\t未举办\t11月举办\n\
                      \t质量指标\t活动主题符合性\t符合\t符合\t符合\n";
        let inds = table(spread, FormKind::Monitoring);
        let v = |x: &Option<jixiao_record::Value>| x.as_ref().map(|v| v.text.clone());
        assert_eq!(inds.len(), 2, "{inds:?}");
        assert_eq!(v(&inds[0].target).as_deref(), Some("举办"));
        assert_eq!(v(&inds[0].actual).as_deref(), Some("未举办"));
        assert_eq!(inds[0].deviation_note.as_deref(), Some("11月举办"));
        assert_eq!(v(&inds[1].target).as_deref(), Some("符合"));
        assert_eq!(v(&inds[1].actual).as_deref(), Some("符合"));
        assert_eq!(inds[1].deviation_note, None);
        // A header whose gaps are the body's own columns keeps its places.
        let gapped = "一级指标\t二级指标\t三级指标\t\t年度指标值\n\
                      产出指标\t数量指标\t培训人次\t\t≥90(人次)\n";
        let inds = table(gapped, FormKind::TargetDeclaration);
        assert_eq!(v(&inds[0].target).as_deref(), Some("≥90(人次)"));
        assert_eq!(inds[0].level3.as_deref(), Some("培训人次"));
    }

    #[test]
    fn a_row_whose_level_label_took_an_inserted_cell_is_read_closed_up() {
        // `质量指 | 标` joined by `repair` leaves a blank cell behind the label; the
        // row's name then sits in the target column and its worded values one right.
        let grid = jixiao_text::parse(
            "一级指标\t二级指标\t三级指标\t年度指标值\t跟踪期计划完成值\t跟踪期实际完成值\t偏差原因分析\n\
             产出指标\t数量指标\t培训人次\t≥90(人次)\t95(人次)\t95(人次)\t\n\
             \t质量指\t标\t津贴发放及时性\t一季度前\t一季度前\t一季度前\n",
        );
        let grid = crate::repair::join_split_labels(&grid);
        let inds = indicators(&grid.rows, FormKind::Monitoring, None).0;
        assert_eq!(inds.len(), 2, "{inds:?}");
        assert_eq!(inds[1].level2.as_deref(), Some("质量指标"));
        assert_eq!(inds[1].level3.as_deref(), Some("津贴发放及时性"));
        let v = |x: &Option<jixiao_record::Value>| x.as_ref().map(|v| v.text.clone());
        assert_eq!(v(&inds[1].target).as_deref(), Some("一季度前"));
        assert_eq!(inds[1].deviation_note, None);
        // Without a joined label nothing is closed up.
        assert!(unspread(&grid.rows[1]).is_none());
    }
}
