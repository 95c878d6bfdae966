//! `jixiao explain`: the cell grid a reader made of a file and the parser's view of it,
//! as an aligned table for a terminal, as JSON, or as an HTML page.
//!
//! The explanation comes from the parser itself ([`jixiao_forms::explain`]); this module
//! reads the file, selects the rows asked for (a page, a sheet, a range of lines) and
//! renders.

use crate::{
    detect, grid_for, panic_message, records_of, sha256_hex, ExtractError, Format, Options,
};
use jixiao_forms::explain::{place, Explanation, FormTrace, RowOutcome};
use jixiao_grid::{Grid, Origin, Row};
use jixiao_record::Record;
use serde::Serialize;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use unicode_width::UnicodeWidthStr;

/// The reader's grid of a file and the parser's view of it.
#[derive(Debug)]
pub struct Explained {
    /// File as given.
    pub file: String,
    /// Detected format.
    pub format: Format,
    /// The cell grid the reader made.
    pub grid: Grid,
    /// Records parsed from it (ids and sources filled as in a run).
    pub records: Vec<Record>,
    /// How the parser read the grid.
    pub explanation: Explanation,
}

/// Reads one file (not a bundle) and explains how its forms were found.
pub fn explain(
    bytes: &[u8],
    path: &Path,
    file: &str,
    opts: &Options,
) -> Result<Explained, ExtractError> {
    let format = detect(bytes, path);
    if format == Format::Zip {
        return Err(ExtractError::Bundle {
            file: file.to_string(),
            reason: "explain reads one document; unzip the bundle and explain its members".into(),
        });
    }
    let sha = sha256_hex(bytes);
    let run = AssertUnwindSafe(|| -> Result<Explained, ExtractError> {
        let (grid, text_recovery) = grid_for(bytes, format, file, opts)?;
        let (forms, explanation) = jixiao_forms::explain::explain_grid(&grid);
        let records = records_of(forms, &grid, file, &sha, format, text_recovery);
        Ok(Explained {
            file: file.to_string(),
            format,
            grid,
            records,
            explanation,
        })
    });
    catch_unwind(run).unwrap_or_else(|payload| {
        Err(ExtractError::Panic {
            file: file.to_string(),
            message: panic_message(&*payload),
        })
    })
}

/// Which rows to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Selection {
    /// The whole file.
    #[default]
    All,
    /// One PDF page (1-based).
    Page(u32),
    /// One worksheet, by name.
    Sheet(String),
    /// Lines `a..=b` of a text export (1-based).
    Lines(u32, u32),
}

impl std::fmt::Display for Selection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Selection::All => write!(f, "the whole file"),
            Selection::Page(p) => write!(f, "page {p}"),
            Selection::Sheet(s) => write!(f, "sheet {s}"),
            Selection::Lines(a, b) => write!(f, "lines {a}–{b}"),
        }
    }
}

impl Selection {
    /// True when the row lies in the selection.
    pub fn holds(&self, origin: &Origin) -> bool {
        match (self, origin) {
            (Selection::All, _) => true,
            (Selection::Page(p), Origin::Pdf { page, .. }) => page == p,
            (Selection::Sheet(s), Origin::Sheet { sheet, .. }) => sheet == s,
            (Selection::Lines(a, b), Origin::Line { line }) => (a..=b).contains(&line),
            _ => false,
        }
    }

    /// An error when nothing of the file lies in the selection, naming what it has.
    pub fn check(&self, grid: &Grid) -> Result<(), String> {
        if grid.rows.iter().any(|r| self.holds(&r.origin)) {
            return Ok(());
        }
        let mut pages: Vec<u32> = grid.rows.iter().filter_map(|r| r.origin.page()).collect();
        pages.dedup();
        let mut sheets: Vec<&str> = Vec::new();
        let mut last_line = 0;
        for r in &grid.rows {
            match &r.origin {
                Origin::Sheet { sheet, .. } if !sheets.contains(&sheet.as_str()) => {
                    sheets.push(sheet)
                }
                Origin::Line { line } => last_line = last_line.max(*line),
                _ => {}
            }
        }
        let has = if !sheets.is_empty() {
            format!("sheets {}", sheets.join(", "))
        } else if !pages.is_empty() {
            format!("pages {}–{}", pages[0], pages[pages.len() - 1])
        } else {
            format!("lines 1–{last_line}")
        };
        Err(format!("no rows in {self}; the file has {has}"))
    }
}

/// One grid row in the JSON output.
#[derive(Debug, Serialize)]
struct JsonRow<'a> {
    row: usize,
    #[serde(flatten)]
    cells: &'a Row,
}

/// The JSON form of an explanation.
#[derive(Debug, Serialize)]
struct JsonExplained<'a> {
    file: &'a str,
    format: &'static str,
    rows: Vec<JsonRow<'a>>,
    forms: Vec<&'a FormTrace>,
    candidates: Vec<&'a jixiao_forms::explain::Candidate>,
    records: Vec<&'a Record>,
}

/// Forms with at least one row in the selection.
fn forms_in<'a>(e: &'a Explained, sel: &Selection) -> Vec<(usize, &'a FormTrace)> {
    e.explanation
        .forms
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            (f.first.row..=f.ends.last.row)
                .any(|r| e.grid.rows.get(r).is_some_and(|row| sel.holds(&row.origin)))
        })
        .collect()
}

/// The explanation as JSON: every selected row with its cells (text, column, spans,
/// provenance), the forms that touch them with every field and indicator row traced to
/// its cells, the candidates, and the records.
pub fn to_json(e: &Explained, sel: &Selection) -> String {
    let rows = e
        .grid
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| sel.holds(&r.origin))
        .map(|(row, cells)| JsonRow { row, cells })
        .collect();
    let forms = forms_in(e, sel);
    let j = JsonExplained {
        file: &e.file,
        format: e.format.name(),
        rows,
        forms: forms.iter().map(|(_, f)| *f).collect(),
        candidates: e
            .explanation
            .candidates
            .iter()
            .filter(|c| sel.holds(&c.at.origin) || *sel == Selection::All)
            .collect(),
        records: forms
            .iter()
            .filter_map(|(i, _)| e.records.get(*i))
            .collect(),
    };
    serde_json::to_string_pretty(&j).unwrap_or_default() + "\n"
}

/// Widest a column is shown on a terminal, in display columns.
const MAX_COLUMN_WIDTH: usize = 18;

/// `s` cut to `width` display columns (CJK count double), with `…` when cut.
fn fit(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// `s` padded with spaces to `width` display columns.
fn pad(s: &str, width: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(s.width())));
    out
}

/// The selected rows as an aligned table: row number, place, then one column per grid
/// column (cells spanning columns are marked `⇥n`).
fn grid_table(e: &Explained, sel: &Selection, out: &mut String) {
    let rows: Vec<(usize, &Row)> = e
        .grid
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| sel.holds(&r.origin) && !r.is_blank())
        .collect();
    let text = |c: &jixiao_grid::Cell| {
        let mut t = c.cleaned().to_string();
        if c.col_span > 1 {
            let _ = write!(t, " ⇥{}", c.col_span);
        }
        if c.row_span > 1 {
            let _ = write!(t, " ⇣{}", c.row_span);
        }
        t
    };
    let ncols = rows
        .iter()
        .flat_map(|(_, r)| r.cells.iter().map(|c| c.col.max(0.0) as usize + 1))
        .max()
        .unwrap_or(0)
        .min(64);
    let mut widths = vec![1usize; ncols];
    for (_, r) in &rows {
        for c in r.filled() {
            let k = (c.col.max(0.0) as usize).min(ncols.saturating_sub(1));
            widths[k] = widths[k].max(text(c).width().min(MAX_COLUMN_WIDTH));
        }
    }
    let places: Vec<String> = rows.iter().map(|(_, r)| place(&r.origin)).collect();
    let pw = places.iter().map(|p| p.width()).max().unwrap_or(5).max(5);
    let _ = write!(out, "{:>5}  {}", "row", pad("place", pw));
    for (k, w) in widths.iter().enumerate() {
        let _ = write!(out, " | {}", pad(&fit(&format!("c{k}"), *w), *w));
    }
    out.push('\n');
    for ((i, r), p) in rows.iter().zip(&places) {
        let mut cols: Vec<String> = vec![String::new(); ncols];
        for c in r.filled() {
            let k = (c.col.max(0.0) as usize).min(ncols.saturating_sub(1));
            if !cols[k].is_empty() {
                cols[k].push(' ');
            }
            cols[k].push_str(&text(c));
        }
        let _ = write!(out, "{i:>5}  {}", pad(p, pw));
        for (k, w) in widths.iter().enumerate() {
            let _ = write!(out, " | {}", pad(&fit(&cols[k], *w), *w));
        }
        out.push('\n');
    }
}

fn outcome_text(o: &RowOutcome) -> String {
    match o {
        RowOutcome::Indicator { indicator } => format!("→ indicator {indicator}"),
        RowOutcome::PartOf { indicator } => {
            format!("→ merged into indicator {indicator} (wrapped line, no 分值/得分)")
        }
        RowOutcome::NoteOf { indicator } => format!("→ note of indicator {indicator}"),
        RowOutcome::Labels => "→ level labels only".into(),
        RowOutcome::Dropped { reason } => format!("✗ dropped: {reason}"),
        RowOutcome::TableEnd { reason } => format!("■ table ends: {reason}"),
    }
}

fn form_text(e: &Explained, f: &FormTrace, sel: &Selection, out: &mut String) {
    let kind = serde_json::to_value(f.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\nform {} · {kind} · {}\n  rows {}–{} ({} – {})",
        f.form,
        f.project_name.as_deref().unwrap_or("(no 项目名称)"),
        f.first.row,
        f.ends.last.row,
        place(&f.first.origin),
        place(&f.ends.last.origin)
    );
    let _ = writeln!(out, "  begins  {}", f.begins);
    let _ = writeln!(out, "  ends    {}", f.ends.reason);
    let _ = writeln!(
        out,
        "  anchor  row {} ({}): the funds block's total row makes this a form",
        f.anchor.row,
        place(&f.anchor.origin)
    );
    let blocks: Vec<String> = f
        .blocks
        .iter()
        .map(|b| format!("{} {}–{}", b.name, b.first.row, b.last.row))
        .collect();
    let _ = writeln!(out, "  blocks  {}", blocks.join(", "));
    let in_sel = |row: usize| e.grid.rows.get(row).is_some_and(|r| sel.holds(&r.origin));
    let fields: Vec<_> = f.fields.iter().filter(|s| in_sel(s.from.row)).collect();
    if !fields.is_empty() {
        let _ = writeln!(out, "  fields");
        let fw = fields.iter().map(|s| s.field.width()).max().unwrap_or(0);
        for s in &fields {
            let cell = s
                .cell
                .map_or("its row".to_string(), |c| format!("cell {c}"));
            let _ = writeln!(
                out,
                "    {}  {}  ← row {} {cell} ({})",
                pad(&s.field, fw),
                pad(&fit(&s.value, 40), 40),
                s.from.row,
                place(&s.from.origin)
            );
        }
    }
    if fields.len() < f.fields.len() {
        let _ = writeln!(
            out,
            "  ({} header and funds fields on rows outside {sel})",
            f.fields.len() - fields.len()
        );
    }
    match &f.indicator_header {
        None => {
            let _ = writeln!(
                out,
                "  indicators: no indicator table header (一级/二级/三级指标)"
            );
        }
        Some(h) => {
            let _ = writeln!(
                out,
                "  indicator table: header row {} ({}), {} indicators",
                h.row,
                place(&h.origin),
                f.indicators
            );
        }
    }
    for t in &f.indicator_rows {
        if !in_sel(t.from.row) {
            continue;
        }
        let cost = match (t.cost, t.shift) {
            (Some(c), Some(s)) => format!("  (cost {c:.2}, shift {s})"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "    row {} ({})  {}{cost}",
            t.from.row,
            place(&t.from.origin),
            outcome_text(&t.outcome)
        );
        // Cells of an aligned row that went nowhere are marked ✗; a row dropped or
        // closing the table as a whole lists its cells plainly.
        let aligned = t.cost.is_some()
            && !matches!(
                t.outcome,
                RowOutcome::TableEnd { .. } | RowOutcome::Dropped { .. }
            );
        let cells: Vec<String> = t
            .cells
            .iter()
            .map(|c| match c.field {
                Some(field) => format!("{field}={}", fit(&c.text, 30)),
                None if aligned => format!("✗[{}]", fit(&c.text, 30)),
                None => format!("[{}]", fit(&c.text, 30)),
            })
            .collect();
        if !cells.is_empty() {
            let _ = writeln!(out, "        {}", cells.join("  "));
        }
    }
}

/// The explanation for a terminal: the grid as an aligned table, then each form the
/// selection touches (begin, end, anchor, fields with their cells, indicator rows with
/// their alignment and what became of each), then forms seen but not read.
pub fn to_text(e: &Explained, sel: &Selection) -> String {
    let mut out = String::new();
    let selected = e.grid.rows.iter().filter(|r| sel.holds(&r.origin)).count();
    let _ = writeln!(
        out,
        "{} · {} · {} of {} rows{}",
        e.file,
        e.format.name(),
        selected,
        e.grid.rows.len(),
        match sel {
            Selection::All => String::new(),
            s => format!(" in {s}"),
        }
    );
    out.push_str("\n== cells (⇥n: spans n columns, ⇣n: spans n rows) ==\n");
    grid_table(e, sel, &mut out);
    let forms = forms_in(e, sel);
    let _ = writeln!(
        out,
        "\n== forms: {} found in the file, {} here ==",
        e.explanation.forms.len(),
        forms.len()
    );
    for (_, f) in &forms {
        form_text(e, f, sel, &mut out);
    }
    if !e.explanation.candidates.is_empty() {
        out.push_str("\n== seen but not read ==\n");
        for c in &e.explanation.candidates {
            let _ = writeln!(out, "  {}", c.message);
        }
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Points to CSS pixels on the HTML page.
const HTML_SCALE: f32 = 1.5;

/// The explanation as a self-contained HTML page: for PDF pages, each row's box drawn
/// where it was printed (page points) with its cells, coloured by what the parser made
/// of it; for other sources, the rows as a table; then the text view.
pub fn to_html(e: &Explained, sel: &Selection) -> String {
    let mut outcome: std::collections::HashMap<usize, String> = Default::default();
    for f in &e.explanation.forms {
        for t in &f.indicator_rows {
            outcome.insert(t.from.row, outcome_text(&t.outcome));
        }
        for s in &f.fields {
            outcome
                .entry(s.from.row)
                .or_insert_with(|| format!("field {}", s.field));
        }
    }
    let class = |row: usize| match outcome.get(&row) {
        Some(o) if o.starts_with('✗') => "dropped",
        Some(o) if o.starts_with('→') => "used",
        Some(o) if o.starts_with("field") => "field",
        Some(_) => "end",
        None => "plain",
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><meta charset=utf-8><title>jixiao explain {}</title><style>\
         body{{font:13px sans-serif}} .page{{position:relative;border:1px solid #999;\
         margin:12px 0;background:#fff}} .row{{position:absolute;border:1px solid #4a7;\
         overflow:hidden;white-space:nowrap;font-size:10px}} .dropped{{border-color:#d33;\
         background:#fdd}} .used{{background:#efe}} .field{{background:#eef}} .end{{\
         background:#ffd}} table{{border-collapse:collapse}} td{{border:1px solid #ccc;\
         padding:1px 4px}} pre{{white-space:pre;font:12px monospace}}</style>\
         <h1>{}</h1><p>green: indicator rows; blue: header and funds fields; red: dropped; \
         yellow: closing rows. Hover a row for what became of it.</p>",
        esc(&e.file),
        esc(&e.file)
    );
    let mut pages: Vec<u32> = e
        .grid
        .rows
        .iter()
        .filter(|r| sel.holds(&r.origin))
        .filter_map(|r| r.origin.page())
        .collect();
    pages.dedup();
    for p in pages {
        let rows: Vec<(usize, &Row, [f32; 4])> = e
            .grid
            .rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match &r.origin {
                Origin::Pdf { page, bbox, .. } if *page == p => Some((i, r, *bbox)),
                _ => None,
            })
            .collect();
        let w = rows.iter().map(|r| r.2[2]).fold(0.0f32, f32::max) + 20.0;
        let ht = rows.iter().map(|r| r.2[3]).fold(0.0f32, f32::max) + 20.0;
        let _ = write!(
            h,
            "<h2>page {p}</h2><div class=page style=\"width:{:.0}px;height:{:.0}px\">",
            w * HTML_SCALE,
            ht * HTML_SCALE
        );
        for (i, r, b) in rows {
            let cells: Vec<String> = r.filled().map(|c| esc(c.cleaned())).collect();
            let _ = write!(
                h,
                "<div class=\"row {}\" title=\"row {i}: {}\" style=\"left:{:.0}px;top:{:.0}px;\
                 width:{:.0}px;height:{:.0}px\">{}</div>",
                class(i),
                esc(outcome.get(&i).map_or("", String::as_str)),
                b[0] * HTML_SCALE,
                b[1] * HTML_SCALE,
                (b[2] - b[0]).max(1.0) * HTML_SCALE,
                (b[3] - b[1]).max(1.0) * HTML_SCALE,
                cells.join(" | ")
            );
        }
        h.push_str("</div>");
    }
    if e.grid.rows.iter().any(|r| r.origin.page().is_none()) {
        h.push_str("<table>");
        for (i, r) in e.grid.rows.iter().enumerate() {
            if !sel.holds(&r.origin) || r.is_blank() || r.origin.page().is_some() {
                continue;
            }
            let _ = write!(
                h,
                "<tr class={} title=\"{}\"><td>{i}<td>{}",
                class(i),
                esc(outcome.get(&i).map_or("", String::as_str)),
                esc(&place(&r.origin))
            );
            for c in &r.cells {
                let span = if c.col_span > 1 {
                    format!(" colspan={}", c.col_span)
                } else {
                    String::new()
                };
                let _ = write!(h, "<td{span}>{}", esc(c.cleaned()));
            }
            h.push_str("</tr>");
        }
        h.push_str("</table>");
    }
    let _ = write!(
        h,
        "<h2>the parser's view</h2><pre>{}</pre>",
        esc(&to_text(e, sel))
    );
    h
}
