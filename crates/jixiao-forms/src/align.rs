//! Aligning a row's cells to the fields of its table header.
//!
//! Text exports and OCR shift rows by one or two columns against their header, split one
//! cell over two columns and leave stray fragments. Instead of trusting column indices,
//! each row is aligned to the header's fields by a small dynamic programme: cells keep
//! their order, each field takes at most one cell (text fields may take several), a cell
//! may be dropped as noise at a price, and the cost of putting a cell in a field is how
//! badly its kind fits the field plus how far it sits from the field's header columns
//! under one shift for the whole row. The cheapest alignment over a few shifts wins.

/// What a cell looks like, independent of where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A recognised 一级指标 label.
    Level1,
    /// A recognised 二级指标 label.
    Level2,
    /// A plain number (`10.00`, `1,087.50`, `40.87%`).
    Number,
    /// A lone dash (`-`): not applicable.
    Dash,
    /// A number with an operator or unit (`≥90(%)`, `86.00(%)`).
    Measure,
    /// A qualitative completion band (`达成指标`, `部分达成指标并具有一定效果`).
    Band,
    /// A short piece of a level label cut by a line break (`指标`, `数量`).
    Fragment,
    /// Anything else.
    Text,
}

/// One cell to align.
#[derive(Debug, Clone)]
pub struct Item {
    /// Column position.
    pub col: f32,
    /// Its kind.
    pub kind: Kind,
    /// Length in characters (short fragments are cheap to drop).
    pub len: usize,
}

/// One field of a header.
#[derive(Debug, Clone)]
pub struct Field<F> {
    /// What the field is.
    pub id: F,
    /// First header column.
    pub start: f32,
    /// Last header column.
    pub end: f32,
    /// Whether several cells may fill it (text that wraps over cells).
    pub multi: bool,
}

/// How well a kind fits a field: 0 is a perfect fit, larger is worse.
pub trait FitCost<F> {
    /// Cost of putting a cell of `kind` into field `id`.
    fn fit(&self, kind: Kind, id: &F) -> f32;
}

const NEVER: f32 = 1.0e6;

/// Column shifts tried for a whole row against its header (±): text exports and OCR
/// shift rows by one or two columns, rarely three.
pub const MAX_SHIFT: i32 = 3;

/// Weight of the distance from the header's columns against the kind fit when the
/// header named every field it should: positions are trusted.
pub const LAMBDA_COMPLETE_HEADER: f32 = 0.6;

/// The same weight when header labels were missing or garbled (fields placed by
/// default): positions count less than what a cell looks like.
pub const LAMBDA_PARTIAL_HEADER: f32 = 0.3;

/// The distance weight for a header that named all its fields (`complete`) or not.
pub fn lambda(complete: bool) -> f32 {
    if complete {
        LAMBDA_COMPLETE_HEADER
    } else {
        LAMBDA_PARTIAL_HEADER
    }
}

/// The result: for each item, the index of its field, or `None` when dropped as noise.
#[derive(Debug, Clone, PartialEq)]
pub struct Alignment {
    /// Field index per item.
    pub fields: Vec<Option<usize>>,
    /// Total cost.
    pub cost: f32,
    /// The shift that was applied to the items' columns.
    pub shift: i32,
}

fn drop_cost(item: &Item) -> f32 {
    match (item.kind, item.len) {
        (_, 0) => 0.0,
        (Kind::Text | Kind::Fragment, 1) => 0.7,
        (Kind::Number, 1) => 0.9,
        (Kind::Text, 2) => 1.6,
        (Kind::Number | Kind::Measure, _) => 2.6,
        (Kind::Level1 | Kind::Level2, _) => 2.0,
        _ => 2.8,
    }
}

fn distance(col: f32, f: &FieldLike) -> f32 {
    if col < f.start {
        f.start - col
    } else if col > f.end {
        col - f.end
    } else {
        0.0
    }
}

struct FieldLike {
    start: f32,
    end: f32,
    multi: bool,
}

/// Aligns `items` to `fields` under column shifts in `-max_shift..=max_shift`. The shift
/// may change between two cells of the row at a price (a row with a gap inside it).
/// `lambda` weighs the distance from header columns against the kind fit.
pub fn align<F, C: FitCost<F>>(
    items: &[Item],
    fields: &[Field<F>],
    cost: &C,
    max_shift: i32,
    lambda: f32,
) -> Alignment {
    let shapes: Vec<FieldLike> = fields
        .iter()
        .map(|f| FieldLike {
            start: f.start,
            end: f.end,
            multi: f.multi,
        })
        .collect();
    let fit: Vec<Vec<f32>> = items
        .iter()
        .map(|it| fields.iter().map(|f| cost.fit(it.kind, &f.id)).collect())
        .collect();
    let shifts: Vec<i32> = (-max_shift..=max_shift).collect();
    let (fields_out, total, shift) = solve(items, &shapes, &fit, &shifts, lambda);
    Alignment {
        fields: fields_out,
        cost: total,
        shift,
    }
}

/// Price of starting a row under shift `s`, and of changing shift inside a row.
const SHIFT_COST: f32 = 0.15;
const SHIFT_CHANGE_COST: f32 = 0.4;

/// Monotone assignment by dynamic programming. State: (last field used, current shift);
/// field 0 = none yet, j+1 = field j.
fn solve(
    items: &[Item],
    fields: &[FieldLike],
    fit: &[Vec<f32>],
    shifts: &[i32],
    lambda: f32,
) -> (Vec<Option<usize>>, f32, i32) {
    let m = items.len();
    let k = fields.len();
    let ns = shifts.len();
    let idx = |st: usize, si: usize| st * ns + si;
    let width = (k + 1) * ns;
    let mut cost = vec![vec![NEVER; width]; m + 1];
    // back[i][state] = (previous state, field or None)
    let mut back = vec![vec![(0usize, None::<usize>); width]; m + 1];
    for (si, s) in shifts.iter().enumerate() {
        cost[0][idx(0, si)] = SHIFT_COST * s.unsigned_abs() as f32;
    }
    for i in 0..m {
        for st in 0..=k {
            // The cheapest way to be in `st` under any shift: the origin of a shift change.
            let (best_si, best) = (0..ns)
                .map(|si| (si, cost[i][idx(st, si)]))
                .fold((0, NEVER), |a, b| if b.1 < a.1 { b } else { a });
            if best >= NEVER {
                continue;
            }
            for (sj, s) in shifts.iter().enumerate() {
                let stay = cost[i][idx(st, sj)];
                // Arrive in shift sj either already there or by a change from the best.
                let (here, from) = if stay <= best + SHIFT_CHANGE_COST {
                    (stay, idx(st, sj))
                } else {
                    (best + SHIFT_CHANGE_COST, idx(st, best_si))
                };
                // Drop the item (keeps the state; only without a change).
                if stay < NEVER {
                    let d = stay + drop_cost(&items[i]);
                    if d < cost[i + 1][idx(st, sj)] {
                        cost[i + 1][idx(st, sj)] = d;
                        back[i + 1][idx(st, sj)] = (idx(st, sj), None);
                    }
                }
                let col = items[i].col + *s as f32;
                // Same field again (multi only).
                if st > 0 && fields[st - 1].multi {
                    let j = st - 1;
                    let c = here + fit[i][j] + lambda * distance(col, &fields[j]) + 0.5;
                    if c < cost[i + 1][idx(st, sj)] {
                        cost[i + 1][idx(st, sj)] = c;
                        back[i + 1][idx(st, sj)] = (from, Some(j));
                    }
                }
                // A later field.
                for j in st..k {
                    let c = here + fit[i][j] + lambda * distance(col, &fields[j]);
                    if c < cost[i + 1][idx(j + 1, sj)] {
                        cost[i + 1][idx(j + 1, sj)] = c;
                        back[i + 1][idx(j + 1, sj)] = (from, Some(j));
                    }
                }
            }
        }
    }
    let (mut state, total) =
        cost[m].iter().enumerate().fold(
            (0, NEVER),
            |acc, (s, &c)| if c < acc.1 - 1e-6 { (s, c) } else { acc },
        );
    let final_shift = shifts[state % ns];
    let mut out = vec![None; m];
    for i in (1..=m).rev() {
        let (prev, f) = back[i][state];
        out[i - 1] = f;
        state = prev;
    }
    (out, total, final_shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum F {
        A,
        B,
        C,
    }
    struct Cost;
    impl FitCost<F> for Cost {
        fn fit(&self, kind: Kind, id: &F) -> f32 {
            match (kind, id) {
                (Kind::Number, F::A | F::B | F::C) => 0.0,
                _ => 5.0,
            }
        }
    }

    fn item(col: f32) -> Item {
        Item {
            col,
            kind: Kind::Number,
            len: 4,
        }
    }

    /// Fields A, B, C at columns 1, 2, 3.
    fn three_fields() -> Vec<Field<F>> {
        [(F::A, 1.0), (F::B, 2.0), (F::C, 3.0)]
            .into_iter()
            .map(|(id, col)| Field {
                id,
                start: col,
                end: col,
                multi: false,
            })
            .collect()
    }

    #[test]
    fn a_row_shifted_right_by_one_is_realigned() {
        let fields = three_fields();
        let a = align(&[item(2.0), item(3.0), item(4.0)], &fields, &Cost, 2, 0.6);
        assert_eq!(a.fields, vec![Some(0), Some(1), Some(2)]);
        assert_eq!(a.shift, -1);
    }

    #[test]
    fn a_missing_cell_keeps_the_others_in_place() {
        let fields = three_fields();
        let a = align(&[item(2.0), item(3.0)], &fields, &Cost, 2, 0.6);
        assert_eq!(a.fields, vec![Some(1), Some(2)]);
        assert_eq!(a.shift, 0);
    }
}
