//! Rows of a table printed without lines: which lines are rows' lines, and where the
//! boundary between two rows runs.

use super::{Run, BASELINE, HEADING, LEADING, OVERPRINT};

/// Row boundaries inferred from the text: between the centres of consecutive lines
/// holding several runs, through the widest text-free band, or halfway. Each as (the
/// upper row's centre, the lower one's, the boundary).
pub(super) fn inferred_rows(
    runs: &[Run],
    lines: &[Vec<usize>],
    clip_edges: &[f32],
    cells: &[[f32; 4]],
) -> Vec<(f32, f32, f32)> {
    let multi: Vec<usize> = (0..runs.len()).filter(|i| runs[*i].row_line).collect();
    // A heading (a title over the table) is printed larger than the table's text.
    let mut heights: Vec<f32> = runs.iter().map(Run::h).collect();
    heights.sort_by(f32::total_cmp);
    let usual = heights.get(heights.len() / 2).copied().unwrap_or(0.0);
    let heading = |i: usize| runs[i].h() >= HEADING * usual;
    let own = |l: &[usize], rows: &[usize]| {
        l.iter().all(|i| {
            !runs[*i].wrapped
                && (stands_alone(*i, runs)
                    || heads_row(*i, runs, rows)
                    || unmirrored(*i, runs, rows)
                    || heading(*i))
        })
    };
    let first: Vec<bool> = lines
        .iter()
        .map(|l| runs[l[0]].row_line || own(l, &multi))
        .collect();
    // A lone line right above a lone line that is a row of its own (a subtitle over a
    // first row whose value is blank: `(2024年度)` over `项目名称`) is one too, unless a
    // line of its column mirrors it below that row.
    let rows_first: Vec<usize> = lines
        .iter()
        .zip(&first)
        .filter(|(_, f)| **f)
        .flat_map(|(l, _)| l.iter().copied())
        .collect();
    let mut centres: Vec<f32> = lines
        .iter()
        .zip(&first)
        .filter(|(l, f)| {
            **f || l
                .iter()
                .all(|i| !runs[*i].wrapped && unmirrored(*i, runs, &rows_first))
        })
        .map(|(l, _)| l.iter().map(|i| runs[*i].cy()).sum::<f32>() / l.len() as f32)
        .collect();
    // A clipped cell whose wrapped text is centred on it marks its row where no row's
    // line passes through it (every cell of the row wrapped, or the row's only one-line
    // cell alone on its line).
    // (Within the table's lines: a cell continued from the page before may lie above the
    // first row's line.)
    let (top, bottom) = lines
        .iter()
        .flatten()
        .fold((f32::MAX, f32::MIN), |(a, b), &i| {
            (a.min(runs[i].y0), b.max(runs[i].y1))
        });
    if top < bottom {
        let mut more: Vec<f32> = cells
            .iter()
            .map(|c| (c[1] + c[3]) / 2.0)
            .zip(cells)
            .filter(|(mid, c)| {
                *mid > top && *mid < bottom && !centres.iter().any(|y| *y > c[1] && *y < c[3])
            })
            .map(|(mid, _)| mid)
            .collect();
        more.sort_by(f32::total_cmp);
        more.dedup_by(|a, b| (*a - *b).abs() < 1.0);
        centres.extend(more);
        centres.sort_by(f32::total_cmp);
    }
    let mut out = Vec::new();
    for w in centres.windows(2) {
        let (a, b) = (w[0], w[1]);
        // Text-covered intervals between the two centres.
        let mut cover: Vec<(f32, f32)> = runs
            .iter()
            .filter(|r| r.y1 > a && r.y0 < b)
            .map(|r| (r.y0.max(a), r.y1.min(b)))
            .collect();
        cover.sort_by(|p, q| p.0.total_cmp(&q.0));
        let mut best: Option<(f32, f32)> = None;
        let mut edge = a;
        for (s, e) in cover {
            if s > edge && best.is_none_or(|(p, q)| s - edge > q - p) {
                best = Some((edge, s));
            }
            edge = edge.max(e);
        }
        if b > edge && best.is_none_or(|(p, q)| b - edge > q - p) {
            best = Some((edge, b));
        }
        // A cell's clip edge between the two rows is the boundary itself.
        let margin = BASELINE * runs.iter().map(Run::h).fold(0.0, f32::max);
        let mid = (a + b) / 2.0;
        let clipped = clip_edges
            .iter()
            .filter(|e| **e > a + margin && **e < b - margin)
            .min_by(|p, q| (**p - mid).abs().total_cmp(&(**q - mid).abs()));
        let y = match (clipped, best) {
            (Some(e), _) => *e,
            (None, Some((p, q))) if q - p > 0.05 * (b - a) && p > a && q < b => (p + q) / 2.0,
            _ => mid,
        };
        // Lines of a cell centred on one row stay with it: the boundary falls between
        // the last line mirrored about the upper row's centre and the first mirrored
        // about the lower one's (two rows' wrapped cells spill into each other's band).
        let (lo, hi) = owned(runs, a, b);
        out.push((
            a,
            b,
            if clipped.is_none() && lo < hi && !(lo < y && y < hi) {
                (lo + hi) / 2.0
            } else {
                y
            },
        ));
    }
    out
}

/// Between two row centres `a` < `b`: the lowest centre of a run with a line of its
/// column mirrored about `a`, and the highest of one mirrored about `b` (`a` and `b`
/// when there is none): a row boundary between them keeps each centred cell whole.
pub(super) fn owned(runs: &[Run], a: f32, b: f32) -> (f32, f32) {
    let mirrored = |r: &Run, about: f32| {
        let at = 2.0 * about - r.cy();
        runs.iter().any(|o| {
            o.x1.min(r.x1) - o.x0.max(r.x0) > 0.0 && (o.cy() - at).abs() < BASELINE * r.h()
        })
    };
    let between = runs.iter().filter(|r| r.cy() > a && r.cy() < b);
    let lo = between
        .clone()
        .filter(|r| mirrored(r, a))
        .map(Run::cy)
        .fold(a, f32::max);
    let hi = between
        .filter(|r| mirrored(r, b))
        .map(Run::cy)
        .fold(b, f32::min);
    (lo, hi)
}

/// True when no other run comes within a paragraph's leading of run `i` above or below
/// it, nor shares its height: a line of its own (a title between two forms), not a line
/// of a wrapped cell.
fn stands_alone(i: usize, runs: &[Run]) -> bool {
    let r = &runs[i];
    let room = LEADING * r.h();
    runs.iter()
        .enumerate()
        .all(|(j, o)| j == i || o.y0 >= r.y1 + room || o.y1 <= r.y0 - room)
}

/// True when run `i` lies right above a run of a row's line in its column, with nothing
/// of its column just above it: a line of its own (a subtitle over a table), since a
/// wrapped cell's line above a row's line would take that cell off the row's centre,
/// and a top-aligned cell wraps downwards.
fn heads_row(i: usize, runs: &[Run], row_runs: &[usize]) -> bool {
    let r = &runs[i];
    let room = LEADING * r.h();
    let column = |o: &Run| o.x1.min(r.x1) - o.x0.max(r.x0) > 0.0;
    let below: Vec<f32> = row_runs
        .iter()
        .filter(|&&j| {
            let o = &runs[j];
            j != i && column(o) && o.y0 >= r.y1 - 0.1 * r.h() && o.y0 < r.y1 + room
        })
        .map(|&j| runs[j].cy())
        .collect();
    // A line of its column at the mirrored place below that row's line makes it the
    // first line of a cell centred on the row (three lines, the middle one on the row's
    // line), not a line of its own.
    let centred = below.iter().any(|&c| mirrored_about(i, runs, c));
    // Only text of its own size above could be the same paragraph (a title is larger).
    let above = runs.iter().enumerate().any(|(j, o)| {
        j != i
            && column(o)
            && o.h() < HEADING * r.h()
            && o.y1 <= r.y0 + 0.1 * r.h()
            && o.y1 > r.y0 - room
    });
    !below.is_empty() && !above && !centred
}

/// True when a run of run `i`'s column, on no row's line, sits where `i` lands mirrored
/// about the line at `about`: the two are lines of one cell centred there.
fn mirrored_about(i: usize, runs: &[Run], about: f32) -> bool {
    let r = &runs[i];
    let at = 2.0 * about - r.cy();
    runs.iter().enumerate().any(|(j, o)| {
        j != i
            && !o.row_line
            && (o.cy() - at).abs() < BASELINE * r.h()
            && o.x1.min(r.x1) - o.x0.max(r.x0) > 0.0
    })
}

/// True when run `i` lies within a leading above a row's line and nothing of its column
/// sits at the mirrored place below that line: not the first line of a cell wrapped and
/// centred on the row (whose last line would sit there), nor a top-aligned cell's (whose
/// lines run downwards from the row's line), so a line of its own (a subtitle beside the
/// first row's cell). A line that mirrors a line of its column about the row's line just
/// above it is that cell's last line, not a subtitle.
fn unmirrored(i: usize, runs: &[Run], row_runs: &[usize]) -> bool {
    let r = &runs[i];
    let room = LEADING * r.h();
    let Some(c) = row_runs
        .iter()
        .map(|&j| &runs[j])
        .filter(|o| o.y0 >= r.y1 - 0.1 * r.h() && o.y0 < r.y1 + room)
        .map(Run::cy)
        .min_by(f32::total_cmp)
    else {
        return false;
    };
    let mirrored = |about: f32| mirrored_about(i, runs, about);
    // The last line of a cell centred on the row just above is no subtitle either.
    let continues = row_runs
        .iter()
        .map(|&j| runs[j].cy())
        .filter(|&cy| cy < r.cy() && r.cy() - cy < r.h())
        .any(mirrored);
    !mirrored(c) && !continues
}

/// The lines that are rows' lines: those holding runs of several cells, less those that
/// only line up by chance. Where a row's wrapped cells spill a line into the next row's
/// band (rows about a line apart), lines of different cells can share a baseline; such a
/// line has a run printed over a run of a fuller line of several cells in its column
/// (two lines of one row never overlap), or a run that is, with the line of its column
/// right above or below it, a two-line cell centred on a fuller line; it gives way.
pub(super) fn row_lines(runs: &[Run], lines: &[Vec<usize>]) -> Vec<usize> {
    let mut line_of = vec![usize::MAX; runs.len()];
    for (k, l) in lines.iter().enumerate() {
        for &i in l {
            line_of[i] = k;
        }
    }
    let overprinted = |a: &Run, b: &Run| {
        a.x1.min(b.x1) - a.x0.max(b.x0) > 0.0
            && a.y1.min(b.y1) - a.y0.max(b.y0) > OVERPRINT * a.h().min(b.h())
    };
    let centre: Vec<f32> = lines
        .iter()
        .map(|l| l.iter().map(|i| runs[*i].cy()).sum::<f32>() / l.len().max(1) as f32)
        .collect();
    let fuller = |m: usize, k: usize| lines.get(m).is_some_and(|l| l.len() > lines[k].len());
    // Run `i` and run `j` of its column a line apart are the two lines of a cell
    // centred on a fuller line. (Cells of three lines are left: their first line's
    // partner is two lines down, where three rows' cells look the same; tried, it lost
    // 3.9 points of fields on the LibreOffice renderings.)
    let column = |a: &Run, b: &Run| a.x1.min(b.x1) - a.x0.max(b.x0) > 0.0;
    let pair_on_fuller = |i: usize, j: usize, k: usize| {
        let (r, o) = (&runs[i], &runs[j]);
        let h = r.h();
        let gap = if o.y0 > r.y0 {
            o.y0 - r.y1
        } else {
            r.y0 - o.y1
        };
        let mid = (r.cy() + o.cy()) / 2.0;
        column(r, o)
            && gap > -0.1 * h
            && gap < LEADING * h
            && (0..lines.len()).any(|m| fuller(m, k) && (centre[m] - mid).abs() < BASELINE * h)
    };
    // A line of wrapped cells' lines off their middles is no row's line, however many
    // cells it crosses.
    let kept: Vec<usize> = (0..lines.len())
        .filter(|&k| lines[k].len() >= 2 && !lines[k].iter().all(|&i| runs[i].wrapped))
        .filter(|&k| {
            !lines[k].iter().any(|&i| {
                runs.iter().enumerate().any(|(j, o)| {
                    let m = line_of[j];
                    m != k && (fuller(m, k) && overprinted(&runs[i], o) || pair_on_fuller(i, j, k))
                })
            })
        })
        .collect();
    // A row whose wrapped cells all take two lines and whose other cells one: the first
    // and last lines hold the same columns, a line apart, and the line halfway holds
    // other columns only (three rows would share their columns).
    let mut wrapped = vec![false; lines.len()];
    for w in kept.windows(3) {
        let (a, m, b) = (&lines[w[0]], &lines[w[1]], &lines[w[2]]);
        let h = a.iter().map(|i| runs[*i].h()).fold(0.0, f32::max);
        let halfway = (centre[w[1]] - (centre[w[0]] + centre[w[2]]) / 2.0).abs() < BASELINE * h;
        // Lines of one paragraph: a line apart, aligned alike (left edges or centres).
        let paragraph = |r: &Run, o: &Run| {
            column(r, o)
                && (o.y0 - r.y1).abs() < LEADING * h
                && ((r.x0 - o.x0).abs() < h || (r.cx() - o.cx()).abs() < h)
        };
        let below = |i: usize, l: &[usize]| l.iter().any(|&j| paragraph(&runs[i], &runs[j]));
        let above = |j: usize, l: &[usize]| l.iter().any(|&i| paragraph(&runs[i], &runs[j]));
        let apart = m
            .iter()
            .all(|&i| !a.iter().chain(b).any(|&j| column(&runs[i], &runs[j])));
        // A wrapped line fills its column: no run of a row's line centred in its stretch
        // is wider (two rows' single lines beside a label centred between them look the
        // same but for that).
        let fills = |i: usize| {
            let r = &runs[i];
            !kept.iter().flat_map(|k| &lines[*k]).any(|&j| {
                let o = &runs[j];
                o.cx() > r.x0 && o.cx() < r.x1 && o.x1 - o.x0 > r.x1 - r.x0 + h
            })
        };
        if halfway
            && apart
            && a.iter().all(|&i| below(i, b) && fills(i))
            && b.iter().all(|&j| above(j, a))
        {
            wrapped[w[0]] = true;
            wrapped[w[2]] = true;
        }
    }
    kept.into_iter().filter(|&k| !wrapped[k]).collect()
}
