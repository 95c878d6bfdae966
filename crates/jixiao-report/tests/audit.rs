//! The auditors' workbook and report on real samples: every hyperlink opens an existing
//! file (PDFs at an existing page, workbooks at an existing quoted sheet), no column is
//! narrower than its header, messages are Chinese, and the report's pictures show rows.

use jixiao_record::Record;
use jixiao_report::{Audit, FileRow, FindingStore, Links};
use jixiao_score::{Finding, Severity};
use regex::Regex;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("root")
}

/// Digital PDFs of two producers, a workbook with CJK sheet names, a text export,
/// a Word file, a page image (OCR) and a zip bundle (Word, HTML and a nested bundle).
const INPUTS: &[&str] = &[
    "samples/pdf-lo/monitoring_002.pdf",
    "samples/pdf-chromium/selfeval_001_003.pdf",
    "samples/xlsx/selfeval_001_003_sheets.xlsx",
    "samples/text/004_791103693362f411.txt",
    "samples/docx/selfeval_001_003.docx",
    "samples/images/selfeval_page1.png",
    "samples/zip/attachments.zip",
];

struct Data {
    records: Vec<Record>,
    findings: Vec<Finding>,
    files: Vec<FileRow>,
    store: FindingStore,
}

fn data() -> &'static Data {
    static D: OnceLock<Data> = OnceLock::new();
    D.get_or_init(|| {
        let root = root();
        let mut records = Vec::new();
        let mut files = Vec::new();
        for f in INPUTS {
            let rs = jixiao_pipeline::extract_file(&root.join(f), f).expect(f);
            files.push(FileRow {
                path: f.to_string(),
                status: "ok".into(),
                forms: rs.len(),
            });
            records.extend(rs);
        }
        let findings = jixiao_score::rescore_all(&records);
        let store = FindingStore::of(&records, &findings).expect("store");
        Data {
            records,
            findings,
            files,
            store,
        }
    })
}

fn audit(d: &Data) -> Audit<'_> {
    Audit {
        forms: d.records.len(),
        findings: &d.store,
        errors: &[],
        files: &d.files,
        revisions: &[],
    }
}

fn part(zip: &mut zip::ZipArchive<std::fs::File>, name: &str) -> Option<String> {
    let mut f = zip.by_name(name).ok()?;
    let mut s = String::new();
    f.read_to_string(&mut s).ok()?;
    Some(s)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

/// Every sheet of a workbook: name, header texts, column widths, hyperlinks (target,
/// location) and the shared strings of its cells.
struct Sheet {
    name: String,
    headers: Vec<String>,
    widths: HashMap<usize, f64>,
    links: Vec<(String, Option<String>)>,
    texts: Vec<String>,
}

fn sheets(path: &Path) -> Vec<Sheet> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    let shared_xml = part(&mut z, "xl/sharedStrings.xml").unwrap_or_default();
    let si = Regex::new(r"(?s)<si>(.*?)</si>").expect("re");
    let t = Regex::new(r"(?s)<t[^>]*>(.*?)</t>").expect("re");
    let shared: Vec<String> = si
        .captures_iter(&shared_xml)
        .map(|c| {
            t.captures_iter(&c[1])
                .map(|x| unescape(&x[1]))
                .collect::<String>()
        })
        .collect();
    let wb = part(&mut z, "xl/workbook.xml").expect("workbook.xml");
    let names: Vec<String> = Regex::new(r#"<sheet name="([^"]*)""#)
        .expect("re")
        .captures_iter(&wb)
        .map(|c| unescape(&c[1]))
        .collect();
    // Shared strings (`t="s"`) or, from a constant-memory sheet, inline ones.
    let cell = Regex::new(
        r#"<c r="([A-Z]+)(\d+)"[^>]*t="(?:s"[^>]*>\s*<v>(\d+)</v>|inlineStr"[^>]*>\s*<is><t[^>]*>(.*?)</t>)"#,
    )
    .expect("re");
    let col = Regex::new(r#"<col min="(\d+)" max="(\d+)" width="([\d.]+)""#).expect("re");
    let link = Regex::new(r#"<hyperlink ref="[A-Z]+\d+" r:id="(rId\d+)"(?: location="([^"]*)")?"#)
        .expect("re");
    let rel = Regex::new(r#"<Relationship Id="(rId\d+)" Type="[^"]*hyperlink" Target="([^"]*)" TargetMode="External""#)
        .expect("re");
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let xml = part(&mut z, &format!("xl/worksheets/sheet{}.xml", i + 1)).expect("sheet");
            let rels = part(
                &mut z,
                &format!("xl/worksheets/_rels/sheet{}.xml.rels", i + 1),
            )
            .unwrap_or_default();
            let targets: HashMap<String, String> = rel
                .captures_iter(&rels)
                .map(|c| (c[1].to_string(), unescape(&c[2])))
                .collect();
            let mut headers = Vec::new();
            let mut texts = Vec::new();
            for c in cell.captures_iter(&xml) {
                let s = match (c.get(3), c.get(4)) {
                    (Some(k), _) => shared[k.as_str().parse::<usize>().expect("index")].clone(),
                    (_, Some(inline)) => unescape(inline.as_str()),
                    _ => String::new(),
                };
                if &c[2] == "1" {
                    headers.push(s);
                } else {
                    texts.push(s);
                }
            }
            let mut widths = HashMap::new();
            for c in col.captures_iter(&xml) {
                let (a, b): (usize, usize) = (c[1].parse().expect("n"), c[2].parse().expect("n"));
                for k in a..=b {
                    widths.insert(k - 1, c[3].parse().expect("width"));
                }
            }
            let links = link
                .captures_iter(&xml)
                .map(|c| {
                    (
                        targets
                            .get(&c[1])
                            .cloned()
                            .expect("relationship of a hyperlink"),
                        c.get(2).map(|m| unescape(m.as_str())),
                    )
                })
                .collect();
            Sheet {
                name,
                headers,
                widths,
                links,
                texts,
            }
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).expect("utf-8")
}

/// Checks one hyperlink: the file exists; a PDF location names an existing page, a
/// workbook location an existing sheet, quoted.
fn check_link(outdir: &Path, target: &str, location: Option<&str>) {
    let path = percent_decode(target);
    let file = if path.starts_with('/') {
        PathBuf::from(&path)
    } else {
        outdir.join(&path)
    };
    assert!(
        file.is_file(),
        "hyperlink {target} → {} missing",
        file.display()
    );
    let Some(loc) = location else { return };
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    if let Some(n) = loc.strip_prefix("page=") {
        assert_eq!(ext, "pdf", "{target}#{loc}");
        let n: u32 = n.parse().expect("page number");
        let bytes = std::fs::read(&file).expect("read");
        let pages = jixiao_report::Pdfium::shared()
            .expect("PDFium")
            .page_count(&bytes)
            .expect("pages");
        assert!(
            n >= 1 && n <= pages,
            "{target}#{loc}: the PDF has {pages} pages"
        );
    } else if let Some((sheet, _cell)) = loc.rsplit_once("!A") {
        assert!(
            sheet.starts_with('\'') && sheet.ends_with('\'') && sheet.len() >= 2,
            "sheet name not quoted in {loc}"
        );
        let name = sheet[1..sheet.len() - 1].replace("''", "'");
        if ext == "xlsx" {
            use calamine::Reader;
            let wb = calamine::open_workbook_auto(&file).expect("workbook");
            assert!(
                wb.sheet_names().contains(&name),
                "{target}#{loc}: no sheet {name}"
            );
        }
    } else {
        assert!(loc.starts_with('L'), "unknown location {loc}");
    }
}

fn check_workbook(outdir: &Path, path: &Path) -> usize {
    let mut checked = 0;
    for s in sheets(path) {
        for (c, h) in s.headers.iter().enumerate() {
            let w = s.widths.get(&c).copied().unwrap_or(8.43);
            assert!(
                w >= width(h) as f64,
                "sheet {}: column {h} is {w} wide, narrower than its header",
                s.name
            );
        }
        for (t, loc) in &s.links {
            check_link(outdir, t, loc.as_deref());
            checked += 1;
        }
        if s.name == "问题清单" {
            let msg = s
                .headers
                .iter()
                .position(|h| h == "问题说明")
                .expect("message column");
            assert!(msg > 0);
            assert!(
                s.texts
                    .iter()
                    .any(|t| t.contains("执行率") || t.contains("得分")),
                "Chinese messages in 问题清单"
            );
            assert!(
                !s.texts
                    .iter()
                    .any(|t| t.contains(" but ") || t.contains(" yet ")),
                "English sentences in 问题清单"
            );
        }
    }
    checked
}

#[test]
fn workbook_links_open_the_printed_place_and_columns_fit() {
    let d = data();
    let root = root();
    assert!(
        d.findings.iter().any(|f| f.severity == Severity::Error),
        "the samples hold errors"
    );
    // OUTDIR beside the samples: links relative to it.
    let beside = tempfile::tempdir_in(&root).expect("tempdir");
    let links = Links::new(&root, beside.path());
    let wb = beside.path().join("findings.xlsx");
    jixiao_report::write_workbook(&wb, &audit(d), &links).expect("workbook");
    let names: Vec<String> = sheets(&wb).into_iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        ["汇总", "问题清单", "提示", "未能读取的文件", "文件"]
    );
    let n = check_workbook(beside.path(), &wb);
    assert!(
        n >= d.findings.len(),
        "{n} links for {} findings",
        d.findings.len()
    );
    let relative = sheets(&wb)
        .into_iter()
        .flat_map(|s| s.links)
        .all(|(t, _)| t.starts_with("../samples/"));
    assert!(relative, "sources beside OUTDIR are linked relatively");
    // OUTDIR elsewhere (two levels down in a temporary directory, so the sources are
    // neither under it nor beside it, even in a clone that itself lies in /tmp):
    // absolute links.
    let tmp = tempfile::tempdir().expect("tempdir");
    let away = tmp.path().join("a/out");
    std::fs::create_dir_all(&away).expect("mkdir");
    let links = Links::new(&root, &away);
    let wb = away.join("findings.xlsx");
    jixiao_report::write_workbook(&wb, &audit(d), &links).expect("workbook");
    check_workbook(&away, &wb);
    assert!(sheets(&wb)
        .into_iter()
        .flat_map(|s| s.links)
        .all(|(t, _)| t.starts_with('/')));
}

#[test]
fn findings_point_at_rows_one_based() {
    let d = data();
    let mut funds = 0;
    // Byte-identical files (the Word file loose and inside the bundle) give equal record
    // ids: pairs() puts each finding with its record, in order.
    let on = jixiao_report::store::pairs(&d.records, &d.findings);
    assert!(
        on.iter().all(Option::is_some),
        "every finding has its record"
    );
    for (f, r) in d.findings.iter().zip(on) {
        let r = &d.records[r.expect("paired")];
        if let Some(n) = f.indicator {
            let ind = &r.indicators[n - 1];
            assert_eq!(f.row_label, ind.level3, "{}: indicator {n}", f.rule);
            assert_eq!(f.origin.as_ref(), Some(&ind.source));
        }
        if f.rule.starts_with("funds.") {
            funds += 1;
            let at = f.origin.as_ref();
            assert!(at.is_some(), "{} has no row: {}", f.rule, f.link);
            assert_eq!(at.map(|o| o.link(&r.source.file)).as_ref(), Some(&f.link));
        }
    }
    assert!(funds > 0, "the samples hold funds findings");
}

#[test]
fn report_pictures_show_the_printed_rows() {
    let d = data();
    let root = root();
    let out = tempfile::tempdir_in(&root).expect("tempdir");
    let links = Links::new(&root, out.path());
    let path = out.path().join("report.html");
    let st = jixiao_report::write_report(&path, &audit(d), &links, None).expect("report");
    let html = std::fs::read_to_string(&path).expect("html");
    assert_eq!(html.matches("<img ").count(), st.pictures);
    assert!(st.pictures >= 5, "{st:?}");
    assert!(st.values_outlined >= 1, "{st:?}");
    assert!(st.cells >= 1, "sheets and text as cells: {st:?}");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no network"
    );
    // A picture has the row's red outline.
    let b64 = html
        .split("data:image/png;base64,")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a picture");
    use base64::Engine as _;
    let png = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("base64");
    let img = image::load_from_memory(&png).expect("png").to_rgb8();
    assert!(img.pixels().any(|p| p.0 == [230, 30, 30]), "outline drawn");
    assert!(
        img.pixels().any(|p| p.0[0] < 80 && p.0[1] < 80),
        "text printed"
    );
    // Every non-info finding with a page is pictured or says why not.
    let pdf_rows = d
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .filter(|f| matches!(f.origin, Some(jixiao_grid::Origin::Pdf { .. })))
        .count();
    assert!(st.pictures >= pdf_rows, "{st:?}, {pdf_rows} rows on pages");
    // Only findings about a form as a whole go without a picture (bundle members too
    // are shown).
    let whole_form = d
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info && f.origin.is_none())
        .count();
    assert_eq!(html.matches("无截图：").count(), whole_form, "{st:?}");
    assert!(
        html.contains("attachments.zip!/"),
        "bundle members are in the report"
    );
}

/// Opens the report in headless Chromium (installed by `scripts/chromium.sh` from
/// Debian when missing) and checks the screenshot: the page renders, its text is drawn
/// in a CJK font, and the pictures show the rows' red outlines at their own pixels.
#[test]
fn report_renders_in_headless_chromium() {
    let d = data();
    let root = root();
    let out = tempfile::tempdir_in(&root).expect("tempdir");
    let links = Links::new(&root, out.path());
    let path = out.path().join("report.html");
    jixiao_report::write_report(&path, &audit(d), &links, None).expect("report");
    let script = root.join("scripts/chromium.sh");
    let found = std::process::Command::new("bash")
        .arg(&script)
        .output()
        .expect("run scripts/chromium.sh");
    assert!(
        found.status.success(),
        "scripts/chromium.sh: {}",
        String::from_utf8_lossy(&found.stderr)
    );
    let chromium = String::from_utf8_lossy(&found.stdout).trim().to_string();
    let shot = out.path().join("shot.png");
    let (w, h) = (1200u32, 4000u32);
    let status = std::process::Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            &format!("--window-size={w},{h}"),
            &format!("--screenshot={}", shot.display()),
        ])
        .arg(format!("file://{}", path.display()))
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run chromium");
    assert!(status.success(), "chromium failed");
    let img = image::open(&shot).expect("screenshot").to_rgb8();
    assert_eq!((img.width(), img.height()), (w, h));
    let total = (w * h) as usize;
    let ink = img
        .pixels()
        .filter(|p| p.0.iter().all(|&c| c < 100))
        .count();
    assert!(ink > total / 400, "text drawn: {ink} dark pixels");
    // The crops' row outline colour, exactly: pictures are shown unscaled.
    let outline = img.pixels().filter(|p| p.0 == [230, 30, 30]).count();
    assert!(outline > 200, "row outlines visible: {outline} pixels");
}

/// A page whose rendering fails (a worker that died, a PDF PDFium cannot open) costs
/// that page's pictures, with the reason in the report; the report is still written.
#[test]
fn a_failed_page_costs_its_pictures_only() {
    let d = data();
    let root = root();
    let out = tempfile::tempdir_in(&root).expect("tempdir");
    let links = Links::new(&root, out.path());
    let path = out.path().join("report.html");
    let fail = |job: &jixiao_report::PageJob| -> Result<Vec<jixiao_report::Picture>, String> {
        if job.path.ends_with("monitoring_002.pdf") {
            Err("crashed: signal 11".into())
        } else {
            Ok(jixiao_report::page_pictures(job))
        }
    };
    let st = jixiao_report::write_report(&path, &audit(d), &links, Some(&fail)).expect("report");
    let html = std::fs::read_to_string(&path).expect("html");
    assert!(html.contains("无法渲染该页：crashed: signal 11"));
    assert!(st.pictures >= 1, "other files still pictured: {st:?}");
}

#[test]
fn findings_spilled_file_by_file_give_the_same_workbook_and_report() {
    // extract feeds the spill file by file, with every record of the file; score feeds
    // it the whole dataset at once; a spill of only the records with findings is the
    // same too.
    let d = data();
    let root = root();
    let mut by_file = jixiao_report::FindingSpill::in_dir(&std::env::temp_dir()).expect("spill");
    let mut at = 0;
    while at < d.records.len() {
        let file = jixiao_report::input_of(&d.records[at].source.file);
        let n = d.records[at..]
            .iter()
            .take_while(|r| jixiao_report::input_of(&r.source.file) == file)
            .count();
        let records = &d.records[at..at + n];
        let findings: Vec<Finding> = records.iter().flat_map(jixiao_score::rescore).collect();
        by_file.add(records, &findings).expect("add");
        at += n;
    }
    let by_file = by_file.finish().expect("finish");
    let ids: std::collections::HashSet<&str> =
        d.findings.iter().map(|f| f.record_id.as_str()).collect();
    let kept: Vec<Record> = d
        .records
        .iter()
        .filter(|r| ids.contains(r.record_id.as_str()))
        .map(jixiao_report::slim)
        .collect();
    assert!(
        kept.len() < d.records.len(),
        "some records have no findings"
    );
    let slim = FindingStore::of(&kept, &d.findings).expect("store");
    assert_eq!(by_file.len(), d.store.len());
    assert_eq!(slim.len(), d.store.len());
    let out = |a: &Audit, name: &str| {
        let dir = tempfile::tempdir_in(&root).expect("tempdir");
        let links = Links::new(&root, dir.path());
        jixiao_report::write_audit(dir.path(), a, &links, true, None).expect(name);
        let read = |f: &str| std::fs::read(dir.path().join(f)).expect(f);
        (read("findings.xlsx"), read("report.html"))
    };
    let (wb_all, html_all) = out(&audit(d), "whole dataset");
    for (store, name) in [(&by_file, "file by file"), (&slim, "slim records")] {
        let (wb, html) = out(
            &Audit {
                findings: store,
                ..audit(d)
            },
            name,
        );
        assert!(wb_all == wb, "findings.xlsx differs: {name}");
        assert!(html_all == html, "report.html differs: {name}");
    }
}

#[test]
fn the_report_lists_the_first_findings_and_says_how_many_more_the_workbook_holds() {
    // More findings than the report lists: errors come first, the rest are counted.
    let n = jixiao_report::MAX_LISTED + 7;
    let mut records = Vec::new();
    let mut findings = Vec::new();
    for i in 0..n {
        // The last seven are errors: they must be listed, infos left out.
        let (r, f) = numbered(i, if i >= n - 7 { "error" } else { "info" });
        records.push(r);
        findings.push(f);
    }
    let store = FindingStore::of(&records, &findings).expect("store");
    let audit = audit_of(&store, records.len(), &[]);
    let dir = tempfile::tempdir().expect("tmp");
    let links = Links::new(dir.path(), dir.path());
    let path = dir.path().join("report.html");
    let st = jixiao_report::write_report(&path, &audit, &links, None).expect("report");
    assert_eq!(st.findings, n - 7);
    let html = std::fs::read_to_string(&path).expect("read");
    assert!(
        html.contains("其余 7 条见 findings.xlsx"),
        "the note says how many more"
    );
    for i in n - 7..n {
        assert!(html.contains(&format!("问题{i}")), "error {i} is listed");
    }
    assert_eq!(html.matches("<div class=\"f ").count(), n - 7);
    assert!(
        !html.contains(&format!("问题{}<", n - 8)),
        "the last info is not"
    );
}

/// The audit of `forms` forms with the findings of `store` and these files, no errors.
fn audit_of<'a>(store: &'a FindingStore, forms: usize, files: &'a [FileRow]) -> Audit<'a> {
    Audit {
        findings: store,
        forms,
        errors: &[],
        files,
        revisions: &[],
    }
}

/// A record of its own and a finding on it, of `severity`.
fn numbered(i: usize, severity: &str) -> (Record, Finding) {
    let id = format!("{i:012x}-001");
    let r: Record = serde_json::from_value(serde_json::json!({
        "record_id": id, "form": "self_evaluation", "project_name": format!("项目{i}"),
        "source": {"file": format!("f{i}.txt"), "sha256": "", "format": "text", "pages": [],
                   "link": format!("f{i}.txt")},
        "funds": [], "indicators": [], "findings": []
    }))
    .expect("record");
    let f = serde_json::from_value::<Finding>(serde_json::json!({
        "record_id": id, "rule": "total.sum", "severity": severity,
        "message": format!("问题{i}"), "link": format!("f{i}.txt#L{}", i + 1)
    }))
    .expect("finding");
    (r, f)
}

#[test]
fn the_workbook_holds_its_link_budget_in_all_and_the_rest_as_text() {
    // More findings than the budget, over two sheets, and files after them: 问题清单
    // is linked whole, 提示 up to the budget, the rest are their text.
    let (errors, infos) = (40_000, jixiao_report::MAX_LINKS - 40_000 + 100);
    let mut records = Vec::new();
    let mut findings = Vec::new();
    for i in 0..errors + infos {
        let (r, f) = numbered(i, if i < errors { "error" } else { "info" });
        records.push(r);
        findings.push(f);
    }
    let store = FindingStore::of(&records, &findings).expect("store");
    let files: Vec<FileRow> = (0..3)
        .map(|i| FileRow {
            path: format!("f{i}.txt"),
            status: "ok".into(),
            forms: 1,
        })
        .collect();
    let audit = audit_of(&store, records.len(), &files);
    let dir = tempfile::tempdir().expect("tmp");
    let links = Links::new(dir.path(), dir.path());
    let path = dir.path().join("findings.xlsx");
    jixiao_report::write_workbook(&path, &audit, &links).expect("workbook");
    let got = sheets(&path);
    let count = |name: &str| {
        got.iter()
            .find(|s| s.name == name)
            .map(|s| s.links.len())
            .expect(name)
    };
    assert_eq!(count("问题清单"), errors);
    assert_eq!(count("提示"), jixiao_report::MAX_LINKS - errors);
    assert_eq!(
        got.iter().map(|s| s.links.len()).sum::<usize>(),
        jixiao_report::MAX_LINKS
    );
    // An unlinked finding keeps its place as text.
    let last = format!("f{}.txt", errors + infos - 1);
    let tips = got.iter().find(|s| s.name == "提示").expect("提示");
    assert!(
        tips.texts.iter().any(|t| t.contains(&last)),
        "{last} is still written"
    );
}
