//! `findings.xlsx`: the auditors' workbook, in Chinese.
//!
//! Sheets: `汇总` (district × 主管部门 × rule × severity: findings, forms, money),
//! `问题清单` (errors, warnings and OCR rows to check, sorted by severity then
//! department), `提示` (`info` findings, apart), `未能读取的文件` (errors.jsonl) and
//! `文件` (forms and findings per input file). Every sheet has its header frozen, filters
//! on, columns as wide as their content (a CJK character counts two), long texts
//! wrapped, and severities coloured; every finding links to where it was printed.

use crate::links::Target;
use crate::{
    district_of, form_zh, place_zh, row_zh, severity_rank, severity_zh, summary, Audit, Links,
    ReportError,
};
use jixiao_record::Record;
use jixiao_score::Finding;
use jixiao_score::Severity;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Url, Workbook,
    Worksheet,
};
use std::collections::HashMap;
use std::path::Path;

/// Widest column, in Excel character units; longer texts wrap (a sheet stays readable
/// on screen and printed on A3 landscape, one page wide).
const MAX_WIDTH: f64 = 36.0;
/// Widest message column (问题说明, 原因): they hold sentences.
const MAX_MESSAGE_WIDTH: f64 = 50.0;
/// Narrowest column (a header is never cut: its own width is the floor).
const MIN_WIDTH: f64 = 6.0;
/// Data rows per sheet before a list continues on a sheet of its own (Excel's limit is
/// 1,048,576 rows with the header).
const MAX_ROWS: usize = 1_000_000;
/// Hyperlinks in the whole workbook, in sheet order (问题清单 first); past them a link is
/// written as its text (report.html and records.jsonl keep every link). Excel keeps at
/// most 65,530 per worksheet, and rust_xlsxwriter holds each in memory until the
/// workbook is saved (~0.5 KB with its relationship), so one budget for the workbook
/// keeps memory flat in the number of findings. Saving builds the relationships part in
/// memory once more: measured at the cap (200,000 forms, 410,000 findings), resident
/// memory rises by ~55 MB for a third of a second at the end of `findings.xlsx` — the
/// largest single step of a run of that size, and the same at any larger size.
pub const MAX_LINKS: usize = 65_530;

/// Width of a text in Excel character units: CJK and other wide characters count two.
pub(crate) fn display_width(s: &str) -> usize {
    s.lines()
        .map(|l| {
            l.chars()
                .map(|c| if is_wide(c) { 2 } else { 1 })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x2FFFD)
}

/// One cell to write.
enum X {
    Text(String),
    Int(i64),
    Money(Option<Decimal>),
    Severity(Severity),
    Link {
        target: Target,
        location: Option<String>,
        text: String,
    },
}

struct Sheet {
    name: &'static str,
    headers: &'static [&'static str],
    rows: Vec<Vec<X>>,
}

/// Writes `path` (the auditors' workbook). Links are made with `links` (relative to
/// OUTDIR where the sources are under or beside it).
///
/// Every sheet is written in rust_xlsxwriter's constant-memory mode, row by row: the
/// finding lists are read back from the store in reading order as they are written, so
/// memory does not grow with the findings.
pub fn write_workbook(path: &Path, audit: &Audit, links: &Links) -> Result<(), ReportError> {
    let p = path.display().to_string();
    let err = |e: rust_xlsxwriter::XlsxError| ReportError::Xlsx {
        path: p.clone(),
        message: e.to_string(),
    };
    let store = audit.findings;
    let order = store.reading_order();
    let mut wb = Workbook::new();
    // A fixed creation time keeps the file byte-identical from run to run.
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1).map_err(err)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    let st = Styles::new();
    let mut out = Out {
        wb: &mut wb,
        st: &st,
        err: &err,
        links_left: MAX_LINKS,
    };
    out.sheet(summary_sheet(audit))?;
    std::thread::scope(|s| {
        for (name, info) in [("问题清单", false), ("提示", true)] {
            let mut cur = store.cursor();
            let rows = order
                .iter()
                .filter(move |&&i| store.is_info(i) == info)
                .map(move |&i| {
                    let (f, r) = cur.get(i)?;
                    Ok(Row::from(finding_row(f, r, links)))
                });
            // The rows are read back and made on a thread of their own while this one
            // writes the ones before (each is about half the work).
            let (tx, rx) = std::sync::mpsc::sync_channel(MADE_AHEAD);
            let maker = s.spawn(move || send_batches(rows, &tx));
            out.stream(name, FINDING_HEADERS, rx.into_iter().flatten())?;
            maker.join().map_err(|_| ReportError::Xlsx {
                path: p.clone(),
                message: format!("the thread making the rows of {name} failed"),
            })?;
        }
        Ok::<(), ReportError>(())
    })?;
    out.sheet(errors_sheet(audit, links))?;
    let files = file_rows(audit, links).map(|r| r.map(Row::from));
    out.stream("文件", FILE_HEADERS, files)?;
    if !audit.revisions.is_empty() {
        out.sheet(revisions_sheet(audit, links))?;
    }
    wb.save(path).map_err(err)?;
    Ok(())
}

/// Batches of rows made ahead of the workbook's writing ([`send_batches`]): bounds the
/// rows in memory between the two threads to `MADE_AHEAD` × [`BATCH_ROWS`].
const MADE_AHEAD: usize = 4;
/// Rows a batch holds.
const BATCH_ROWS: usize = 256;

/// A batch of made rows (the last one may end with the error that stopped them).
type Batch = Vec<Result<Row, ReportError>>;

/// Sends `rows` to `tx` [`BATCH_ROWS`] at a time, until they end, one fails or the
/// receiver is gone.
fn send_batches(
    rows: impl Iterator<Item = Result<Row, ReportError>>,
    tx: &std::sync::mpsc::SyncSender<Batch>,
) {
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    for row in rows {
        let failed = row.is_err();
        batch.push(row);
        if batch.len() == BATCH_ROWS || failed {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
            if tx.send(full).is_err() || failed {
                return;
            }
        }
    }
    if !batch.is_empty() {
        // A receiver that is gone has given up already.
        let _ = tx.send(batch);
    }
}

/// Writes sheets into a workbook.
struct Out<'w> {
    wb: &'w mut Workbook,
    st: &'w Styles,
    err: &'w dyn Fn(rust_xlsxwriter::XlsxError) -> ReportError,
    /// Hyperlinks the workbook may still hold ([`MAX_LINKS`]).
    links_left: usize,
}

/// A sheet being written: its place in the workbook, rows so far, and the widest text
/// of each column.
struct Open {
    index: usize,
    rows: usize,
    widths: Vec<usize>,
}

impl Out<'_> {
    fn sheet(&mut self, s: Sheet) -> Result<(), ReportError> {
        self.stream(
            s.name,
            s.headers,
            s.rows.into_iter().map(|r| Ok(Row::from(r))),
        )
    }

    /// Writes `rows` as they come, continuing on a sheet of its own (`问题清单 2`) every
    /// [`MAX_ROWS`] rows; a list without rows is one sheet with its header.
    fn stream(
        &mut self,
        name: &str,
        headers: &[&str],
        rows: impl Iterator<Item = Result<Row, ReportError>>,
    ) -> Result<(), ReportError> {
        let mut k = 0;
        let mut open = self.open(name, k, headers)?;
        for row in rows {
            let row = row?;
            if open.rows >= MAX_ROWS {
                self.close(open, headers)?;
                k += 1;
                open = self.open(name, k, headers)?;
            }
            let ws = self.wb.worksheet_from_index(open.index).map_err(self.err)?;
            write_row(ws, &row, &mut open, &mut self.links_left, self.st).map_err(self.err)?;
        }
        self.close(open, headers)
    }

    fn open(&mut self, name: &str, k: usize, headers: &[&str]) -> Result<Open, ReportError> {
        let index = self.wb.worksheets().len();
        let ws = self.wb.add_worksheet_with_constant_memory();
        let name = if k == 0 {
            name.to_string()
        } else {
            format!("{name} {}", k + 1)
        };
        ws.set_name(&name).map_err(self.err)?;
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &self.st.header)
                .map_err(self.err)?;
        }
        Ok(Open {
            index,
            rows: 0,
            widths: headers.iter().map(|h| display_width(h)).collect(),
        })
    }

    fn close(&mut self, open: Open, headers: &[&str]) -> Result<(), ReportError> {
        let ws = self.wb.worksheet_from_index(open.index).map_err(self.err)?;
        finish_sheet(ws, headers, &open).map_err(self.err)
    }
}

struct Styles {
    header: Format,
    text: Format,
    money: Format,
    link: Format,
    severity: HashMap<u8, Format>,
}

impl Styles {
    fn new() -> Styles {
        let base = Format::new().set_align(FormatAlign::Top).set_text_wrap();
        let severity = [
            (Severity::Error, 0xFFC7CE, 0x9C0006),
            (Severity::Warning, 0xFFEB9C, 0x9C5700),
            (Severity::Review, 0xDDEBF7, 0x1F4E78),
            (Severity::Info, 0xEDEDED, 0x404040),
        ]
        .into_iter()
        .map(|(s, bg, fg)| {
            (
                severity_rank(s),
                base.clone()
                    .set_background_color(Color::RGB(bg))
                    .set_font_color(Color::RGB(fg))
                    .set_bold(),
            )
        })
        .collect();
        Styles {
            header: Format::new()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_border_bottom(FormatBorder::Thin),
            text: base.clone(),
            money: base.clone().set_num_format("#,##0.00"),
            link: base
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
            severity,
        }
    }
}

/// A row's cells and the width of each as shown ([`display_width`]), measured where the
/// row is made.
struct Row {
    cells: Vec<X>,
    widths: Vec<usize>,
}

impl From<Vec<X>> for Row {
    fn from(cells: Vec<X>) -> Row {
        let widths = cells.iter().map(cell_width).collect();
        Row { cells, widths }
    }
}

/// The width of a cell's text as shown.
fn cell_width(x: &X) -> usize {
    match x {
        X::Text(s) => display_width(s),
        X::Int(n) => n.to_string().len(),
        X::Money(Some(d)) => format!("{:.2}", d).len(),
        X::Money(None) => 0,
        X::Severity(s) => display_width(severity_zh(*s)),
        X::Link { text, .. } => display_width(text),
    }
}

/// The URL rust_xlsxwriter turns into the hyperlink target (and `location`).
pub(crate) fn xlsx_url(target: &Target, location: &Option<String>) -> String {
    // rust_xlsxwriter stores `file:///REL` as the relative target REL and
    // `file:////abs` as `/abs`; Windows paths (`C:/…`) keep their drive.
    let path = match target {
        Target::Relative(p) | Target::Absolute(p) => p.replace('#', "%23"),
    };
    let mut url = format!("file:///{path}");
    if let Some(l) = location {
        url.push('#');
        url.push_str(l);
    }
    url
}

fn write_row(
    ws: &mut Worksheet,
    row: &Row,
    open: &mut Open,
    links_left: &mut usize,
    st: &Styles,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    open.rows += 1;
    let r = open.rows as u32;
    for (c, (x, width)) in row.cells.iter().zip(&row.widths).enumerate() {
        let col = c as u16;
        if let Some(w) = open.widths.get_mut(c) {
            *w = (*w).max(*width);
        }
        match x {
            X::Text(s) => {
                if !s.is_empty() {
                    ws.write_string_with_format(r, col, s, &st.text)?;
                }
            }
            X::Int(n) => {
                ws.write_number_with_format(r, col, *n as f64, &st.text)?;
            }
            X::Money(Some(d)) => {
                let v: f64 = d.to_string().parse().unwrap_or(0.0);
                ws.write_number_with_format(r, col, v, &st.money)?;
            }
            X::Money(None) => {}
            X::Severity(s) => {
                let f = st.severity.get(&severity_rank(*s)).unwrap_or(&st.text);
                ws.write_string_with_format(r, col, severity_zh(*s), f)?;
            }
            X::Link {
                target,
                location,
                text,
            } => {
                if *links_left > 0 {
                    *links_left -= 1;
                    let url = Url::new(xlsx_url(target, location)).set_text(text);
                    ws.write_url_with_format(r, col, url, &st.link)?;
                } else {
                    ws.write_string_with_format(r, col, text, &st.text)?;
                }
            }
        }
    }
    Ok(())
}

/// Column widths, frozen header, filter and print settings, once the rows are in.
fn finish_sheet(
    ws: &mut Worksheet,
    headers: &[&str],
    open: &Open,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (c, w) in open.widths.iter().enumerate() {
        // Two characters of padding for the filter button.
        let cap = if matches!(headers[c], "问题说明" | "原因") {
            MAX_MESSAGE_WIDTH
        } else {
            MAX_WIDTH
        };
        let width =
            (*w as f64 + 2.0).clamp(MIN_WIDTH, cap.max(display_width(headers[c]) as f64 + 2.0));
        ws.set_column_width(c as u16, width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let last_col = headers.len().saturating_sub(1) as u16;
    ws.autofilter(0, 0, open.rows as u32, last_col)?;
    // Printed (or converted to PDF): landscape A3, all columns on one page wide, the
    // header repeated on every page.
    ws.set_landscape();
    ws.set_paper_size(8);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

const SUMMARY_HEADERS: &[&str] = &[
    "严重程度",
    "区县",
    "主管部门",
    "规则",
    "规则名称",
    "问题数",
    "涉及表数",
    "涉及金额（元）",
];

fn summary_sheet(audit: &Audit) -> Sheet {
    let rows = summary(audit.findings)
        .into_iter()
        .map(|s| {
            let title = jixiao_score::rule(&s.rule).map_or("", |r| r.title);
            vec![
                X::Severity(s.severity),
                X::Text(s.district),
                X::Text(s.department),
                X::Text(s.rule),
                X::Text(title.to_string()),
                X::Int(s.findings as i64),
                X::Int(s.forms as i64),
                X::Money(Some(s.amount_yuan)),
            ]
        })
        .collect();
    Sheet {
        name: "汇总",
        headers: SUMMARY_HEADERS,
        rows,
    }
}

const FINDING_HEADERS: &[&str] = &[
    "严重程度",
    "区县",
    "主管部门",
    "实施单位",
    "项目名称",
    "表",
    "年度",
    "规则",
    "规则名称",
    "所在行",
    "公布值",
    "应为",
    "问题说明",
    "原件位置",
    "年度资金总额（元）",
    "记录编号",
    "重复发布（同一表首次出现的记录编号）",
];

/// A finding's row in `问题清单` / `提示`.
fn finding_row(f: &Finding, r: &Record, links: &Links) -> Vec<X> {
    let (target, location) = links.finding_target(f, r);
    let title = jixiao_score::rule(&f.rule).map_or("", |r| r.title);
    vec![
        X::Severity(f.severity),
        X::Text(district_of(r).to_string()),
        X::Text(r.department.clone().unwrap_or_default()),
        X::Text(r.implementer.clone().unwrap_or_default()),
        X::Text(r.project_name.clone().unwrap_or_default()),
        X::Text(form_zh(r.form).to_string()),
        X::Text(r.year.map(|y| y.to_string()).unwrap_or_default()),
        X::Text(f.rule.clone()),
        X::Text(title.to_string()),
        X::Text(row_zh(f)),
        X::Text(f.published.clone().unwrap_or_default()),
        X::Text(f.expected.clone().unwrap_or_default()),
        X::Text(f.message.clone()),
        X::Link {
            target,
            location,
            text: format!("{} {}", r.source.file, place_zh(f, r)),
        },
        X::Money(crate::amount_yuan(r)),
        X::Text(r.record_id.clone()),
        X::Text(r.duplicate_of.clone().unwrap_or_default()),
    ]
}

fn errors_sheet(audit: &Audit, links: &Links) -> Sheet {
    let rows = audit
        .errors
        .iter()
        .map(|e| {
            vec![
                X::Link {
                    target: links.target(e.file.split("!/").next().unwrap_or(&e.file)),
                    location: None,
                    text: e.file.clone(),
                },
                X::Text(e.place.clone().unwrap_or_default()),
                X::Text(e.message.clone()),
            ]
        })
        .collect();
    Sheet {
        name: "未能读取的文件",
        headers: &["文件", "位置", "原因"],
        rows,
    }
}

/// How a form fared, in Chinese.
pub(crate) fn change_zh(c: jixiao_record::revision::FormChange) -> &'static str {
    match c {
        jixiao_record::revision::FormChange::Changed => "修改",
        jixiao_record::revision::FormChange::Added => "新增",
        jixiao_record::revision::FormChange::Removed => "删除",
    }
}

/// A JSON value as an auditor reads it: strings bare, absent values empty.
pub(crate) fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

fn version_link(links: &Links, link: &Option<String>, file: &str) -> X {
    let link = link.clone().unwrap_or_else(|| file.to_string());
    let (f, frag) = crate::links::split_link(&link);
    X::Link {
        target: links.target(f.split("!/").next().unwrap_or(f)),
        location: frag.map(str::to_string),
        text: link.clone(),
    }
}

/// One row per changed value of a revised document (a row per form added or removed).
fn revisions_sheet(audit: &Audit, links: &Links) -> Sheet {
    let mut rows = Vec::new();
    for rv in audit.revisions {
        for rc in &rv.records {
            let head = |field: &str, old: String, new: String| {
                vec![
                    X::Text(rv.detected_at.clone()),
                    X::Text(rv.url.clone()),
                    X::Text(rc.project_name.clone().unwrap_or_default()),
                    X::Text(change_zh(rc.change).to_string()),
                    X::Text(field.to_string()),
                    X::Text(old),
                    X::Text(new),
                    version_link(links, &rc.old_link, &rv.old.file),
                    version_link(links, &rc.new_link, &rv.new.file),
                ]
            };
            if rc.changes.is_empty() {
                rows.push(head("", String::new(), String::new()));
            }
            for c in &rc.changes {
                rows.push(head(&c.field, value_text(&c.old), value_text(&c.new)));
            }
        }
        if rv.records.is_empty() {
            rows.push(vec![
                X::Text(rv.detected_at.clone()),
                X::Text(rv.url.clone()),
                X::Text(String::new()),
                X::Text("文件更新，数值未变".into()),
                X::Text(String::new()),
                X::Text(String::new()),
                X::Text(String::new()),
                version_link(links, &None, &rv.old.file),
                version_link(links, &None, &rv.new.file),
            ]);
        }
    }
    Sheet {
        name: "修订",
        headers: &[
            "发现时间",
            "网址",
            "项目名称",
            "变化",
            "字段",
            "原值",
            "新值",
            "原版本",
            "新版本",
        ],
        rows,
    }
}

const FILE_HEADERS: &[&str] = &["文件", "状态", "表数", "问题数（不含提示）", "提示数"];

/// The file sheet's rows, made as they are written (one per input: a run of millions of
/// files never holds them all).
fn file_rows<'a>(
    audit: &'a Audit,
    links: &'a Links,
) -> impl Iterator<Item = Result<Vec<X>, ReportError>> + 'a {
    let store = audit.findings;
    let mut per_file: HashMap<&str, (usize, usize)> = HashMap::new();
    for i in 0..store.len() as u32 {
        // A bundle member counts for its bundle, as the manifest lists it.
        let e = per_file.entry(store.file(i)).or_default();
        if store.is_info(i) {
            e.1 += 1;
        } else {
            e.0 += 1;
        }
    }
    audit.files.iter().map(move |f| {
        let (problems, info) = per_file.get(f.path.as_str()).copied().unwrap_or_default();
        Ok(vec![
            X::Link {
                target: links.target(&f.path),
                location: None,
                text: f.path.clone(),
            },
            X::Text(
                if f.status == "ok" {
                    "已读取"
                } else {
                    "未能读取"
                }
                .to_string(),
            ),
            X::Int(f.forms as i64),
            X::Int(problems as i64),
            X::Int(info as i64),
        ])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_counts_double() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("项目名称"), 8);
        assert_eq!(display_width("（汇总）a"), 9);
        assert_eq!(display_width("长\nab"), 2);
    }

    #[test]
    fn rows_made_aside_arrive_in_order_and_stop_at_the_first_error() {
        let row = |n: i64| Ok(Row::from(vec![X::Int(n), X::Text("项目".into())]));
        let texts = |got: Vec<Result<Row, ReportError>>| -> Vec<Result<i64, String>> {
            got.into_iter()
                .map(|r| match r {
                    Ok(r) => match r.cells[0] {
                        X::Int(n) => Ok(n),
                        _ => Err("not a number".into()),
                    },
                    Err(e) => Err(e.to_string()),
                })
                .collect()
        };
        // More rows than a batch holds, more batches than the channel takes at once.
        let n = (BATCH_ROWS * (MADE_AHEAD + 3) + 7) as i64;
        let (tx, rx) = std::sync::mpsc::sync_channel(MADE_AHEAD);
        let got = std::thread::scope(|s| {
            s.spawn(move || send_batches((0..n).map(row), &tx));
            rx.into_iter().flatten().collect::<Vec<_>>()
        });
        assert_eq!(texts(got), (0..n).map(Ok).collect::<Vec<_>>());
        // Widths are measured where the row is made.
        let Ok(r) = row(12345) else { panic!() };
        assert_eq!(r.widths, vec![5, 4]);
        // An error ends the rows: none after it is made or sent.
        let made = std::sync::atomic::AtomicUsize::new(0);
        let failing = (0..n).map(|i| {
            made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            match i {
                300 => Err(ReportError::Xlsx {
                    path: "x".into(),
                    message: "bad line".into(),
                }),
                _ => row(i),
            }
        });
        let (tx, rx) = std::sync::mpsc::sync_channel(MADE_AHEAD);
        let got = std::thread::scope(|s| {
            s.spawn(move || send_batches(failing, &tx));
            rx.into_iter().flatten().collect::<Vec<_>>()
        });
        let mut want: Vec<Result<i64, String>> = (0..300).map(Ok).collect();
        want.push(Err("x: bad line".into()));
        assert_eq!(texts(got), want);
        assert_eq!(made.load(std::sync::atomic::Ordering::Relaxed), 301);
    }
}
