//! `report.html`: one static, self-contained page (styles inline, pictures as data
//! URIs; no script, no network) — per district and 主管部门 the forms with their
//! findings, each with the published and expected value, the rule and its source, a
//! link to the printed page, and a picture of the printed row ([`crate::crop`]).

use crate::crop::{split_member, Cropper, PageJob, Picture};
use crate::store::{Cursor, FindingStore};
use crate::{form_zh, place_zh, row_zh, severity_zh, Audit, Links, ReportError};
use base64::Engine as _;
use jixiao_grid::Origin;
use jixiao_record::Record;
use jixiao_score::Finding;
use jixiao_score::Severity;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

/// Pictures per report at most; past it findings are listed with their link only (the
/// page stays openable in a browser: about 40 KB per picture).
pub const MAX_PICTURES: usize = 3_000;

/// Findings the report lists at most, in reading order (errors first, `info` last); past
/// it the report says how many more findings.xlsx holds. A page of this many findings is
/// already hours of reading, and it bounds what the report keeps in memory: its pictures
/// (at most [`MAX_PICTURES`] page crops of about 40 KB, the rest cells of a few KB) and
/// its outline.
pub const MAX_LISTED: usize = 10_000;

/// What the report holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportStats {
    /// Findings listed.
    pub findings: usize,
    /// Pictures of printed rows.
    pub pictures: usize,
    /// Findings with a picture whose published value was found and outlined.
    pub values_outlined: usize,
    /// Findings shown as the cells around their value.
    pub cells: usize,
    /// Findings without a picture (form-level, bundle members, over the cap, unreadable).
    pub without: usize,
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif;margin:2em auto;max-width:1100px;color:#222;line-height:1.5}\
h1{font-size:1.6em}h2{border-bottom:2px solid #446;margin-top:2em}h3{color:#335;margin-top:1.5em}\
.form{border:1px solid #ccd;border-radius:6px;padding:.6em 1em;margin:1em 0;background:#fbfbfd}\
.form h4{margin:.2em 0 .6em}.meta{color:#666;font-size:.9em}\
.f{border-left:5px solid #999;padding:.4em .8em;margin:.8em 0;background:#fff}\
.error{border-color:#c00}.warning{border-color:#e90}.review{border-color:#27c}.info{border-color:#aaa}\
.sev{display:inline-block;padding:0 .5em;border-radius:3px;color:#fff;font-size:.85em;margin-right:.5em}\
.error .sev{background:#c00}.warning .sev{background:#d80}.review .sev{background:#27c}.info .sev{background:#888}\
table.v{border-collapse:collapse;margin:.3em 0}table.v td,table.v th{border:1px solid #ccc;padding:2px 8px}\
table.v th{background:#eef}.basis{color:#555;font-size:.85em}\
figure{margin:.5em 0}figure img{max-width:100%;border:1px solid #bbb}figcaption{font-size:.85em;color:#555}\
table.cells{border-collapse:collapse;font-size:.85em;margin:.4em 0}table.cells td{border:1px solid #ccc;padding:2px 6px;white-space:pre-wrap}\
table.cells tr.hit td{background:#fff3e0}table.cells td.place{color:#888;background:#f4f4f4}\
table.cells td.value{outline:3px solid #ff8c00;background:#ffe0b2}\
.none{color:#888;font-size:.85em}nav li{margin:.1em 0}details{margin:.5em 0}";

/// Writes `path`: the report of `audit`, with links made by `links`; pages are
/// rendered through `runner` when given (worker processes), else in this process.
pub fn write_report(
    path: &Path,
    audit: &Audit,
    links: &Links,
    runner: Option<Runner>,
) -> Result<ReportStats, ReportError> {
    let store = audit.findings;
    let mut order = store.reading_order();
    let total = order.len();
    order.truncate(MAX_LISTED);
    let mut stats = ReportStats {
        findings: order.len(),
        ..Default::default()
    };
    let pictures = pictures(store, &order, links, runner, &mut stats)?;

    // district → department → record id → findings (in reading order).
    type Forms<'a> = BTreeMap<&'a str, Vec<u32>>;
    let mut tree: BTreeMap<&str, BTreeMap<&str, Forms>> = BTreeMap::new();
    for &i in &order {
        tree.entry(store.district(i))
            .or_default()
            .entry(store.department(i).unwrap_or("（未读出主管部门）"))
            .or_default()
            .entry(store.record_id(i))
            .or_default()
            .push(i);
    }
    let io = |source: std::io::Error| ReportError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>财政项目支出绩效表 核查报告</title><style>{STYLE}</style></head><body>\n\
         <h1>财政项目支出绩效表 核查报告</h1>\n<p>{} 个文件，{} 张表；{} 个文件未能读取。\
         发现 <b>{}</b> 处错误、<b>{}</b> 处警告、{} 行 OCR 识别待核对，另有 {} 条提示（不属于错误）。\
         每条问题附原件链接与所在行的截图（红框为该行，橙框为公布的数值）。</p>\n",
        audit.files.len(),
        audit.forms,
        audit.errors.len(),
        store.count(Severity::Error),
        store.count(Severity::Warning),
        store.count(Severity::Review),
        store.count(Severity::Info),
    );
    if total > order.len() {
        let _ = writeln!(
            h,
            "<p class=\"none\">本报告按严重程度列出前 {} 条；其余 {} 条见 findings.xlsx（问题清单、提示）与 findings.csv。</p>",
            order.len(),
            total - order.len()
        );
    }
    h.push_str("<nav><h2>目录</h2><ul>\n");
    for (d, deps) in &tree {
        let n: usize = deps.values().flat_map(|f| f.values()).map(Vec::len).sum();
        let _ = writeln!(
            h,
            "<li><a href=\"#{}\">{}</a>（{n} 条）<ul>",
            anchor(d, ""),
            esc(d)
        );
        for (dep, forms) in deps {
            let errors = forms
                .values()
                .flatten()
                .filter(|&&i| store.rank(i) == 0)
                .count();
            let _ = writeln!(
                h,
                "<li><a href=\"#{}\">{}</a>：{} 张表，{errors} 处错误</li>",
                anchor(d, dep),
                esc(dep),
                forms.len()
            );
        }
        h.push_str("</ul></li>\n");
    }
    h.push_str("</ul></nav>\n");
    let mut cur = store.cursor();
    for (d, deps) in &tree {
        let _ = writeln!(h, "<h2 id=\"{}\">{}</h2>", anchor(d, ""), esc(d));
        for (dep, forms) in deps {
            let _ = writeln!(h, "<h3 id=\"{}\">{}</h3>", anchor(d, dep), esc(dep));
            // Forms with errors first.
            let mut forms: Vec<&Vec<u32>> = forms.values().collect();
            forms.sort_by_key(|v| v.iter().map(|&i| store.rank(i)).min().unwrap_or(9));
            for list in forms {
                form_section(&mut h, &mut cur, list, links, &pictures)?;
                // Written as it goes: the report is never whole in memory.
                out.write_all(h.as_bytes()).map_err(io)?;
                h.clear();
            }
        }
    }
    if !audit.errors.is_empty() {
        h.push_str("<h2>未能读取的文件</h2><ul>\n");
        for e in audit.errors {
            let href = links
                .target(e.file.split("!/").next().unwrap_or(&e.file))
                .uri();
            let _ = writeln!(
                h,
                "<li><a href=\"{}\">{}</a>：{}</li>",
                esc(&href),
                esc(&e.file),
                esc(&e.message)
            );
        }
        h.push_str("</ul>\n");
    }
    if !audit.revisions.is_empty() {
        revisions_section(&mut h, audit, links);
    }
    h.push_str("</body></html>\n");
    out.write_all(h.as_bytes()).map_err(io)?;
    out.flush().map_err(io)?;
    Ok(stats)
}

/// The documents the site revised: per form, the values old → new, with both versions.
fn revisions_section(h: &mut String, audit: &Audit, links: &Links) {
    let open = |link: &Option<String>, file: &str| {
        let link = link.clone().unwrap_or_else(|| file.to_string());
        let (f, frag) = crate::links::split_link(&link);
        let uri = links.target(f.split("!/").next().unwrap_or(f)).uri();
        match frag {
            Some(fr) => format!("{uri}#{fr}"),
            None => uri,
        }
    };
    h.push_str("<h2 id=\"revisions\">发布后修订的文件</h2>\n");
    for rv in audit.revisions {
        let _ = writeln!(
            h,
            "<h3>{} <small>（{} 发现；<a href=\"{}\">原版本</a> → <a href=\"{}\">新版本</a>）</small></h3>",
            esc(&rv.url),
            esc(&rv.detected_at),
            esc(&open(&None, &rv.old.file)),
            esc(&open(&None, &rv.new.file)),
        );
        if rv.records.is_empty() {
            h.push_str("<p>文件内容更新，表中数值未变。</p>\n");
            continue;
        }
        h.push_str("<table><tr><th>项目名称</th><th>变化</th><th>字段</th><th>原值</th><th>新值</th><th>原版本</th><th>新版本</th></tr>\n");
        for rc in &rv.records {
            let rows: Vec<(String, String, String)> = if rc.changes.is_empty() {
                vec![(String::new(), String::new(), String::new())]
            } else {
                rc.changes
                    .iter()
                    .map(|c| {
                        (
                            c.field.clone(),
                            crate::workbook::value_text(&c.old),
                            crate::workbook::value_text(&c.new),
                        )
                    })
                    .collect()
            };
            for (field, old, new) in rows {
                let link = |l: &Option<String>, f: &str| {
                    if l.is_some() {
                        format!("<a href=\"{}\">打开</a>", esc(&open(l, f)))
                    } else {
                        String::new()
                    }
                };
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(rc.project_name.as_deref().unwrap_or("")),
                    crate::workbook::change_zh(rc.change),
                    esc(&field),
                    esc(&old),
                    esc(&new),
                    link(&rc.old_link, &rv.old.file),
                    link(&rc.new_link, &rv.new.file),
                );
            }
        }
        h.push_str("</table>\n");
    }
}

fn anchor(d: &str, dep: &str) -> String {
    // Stable, ASCII ids: a hash of the names.
    let mut x: u64 = 0xcbf2_9ce4_8422_2325;
    for b in d.bytes().chain([0]).chain(dep.bytes()) {
        x = (x ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    format!("g{x:016x}")
}

/// Runs a page job somewhere safe (a worker process) and returns its pictures, or why
/// it could not; without one, jobs run in this process.
pub type Runner<'r> = &'r (dyn Fn(&PageJob) -> Result<Vec<Picture>, String> + Sync);

/// Pictures of every listed finding that is not `info`: page crops in parallel, one job
/// per page (through `runner` when given), cells file by file.
fn pictures(
    store: &FindingStore,
    listed: &[u32],
    links: &Links,
    runner: Option<Runner>,
    stats: &mut ReportStats,
) -> Result<HashMap<u32, Picture>, ReportError> {
    let mut out = HashMap::new();
    // Rows on pages, grouped by file and page.
    let mut pages: BTreeMap<(String, u32), (PageJob, Vec<u32>)> = BTreeMap::new();
    let mut rest: Vec<u32> = Vec::new();
    let mut rows = 0usize;
    let mut cur = store.cursor();
    for &i in listed.iter().filter(|&&i| !store.is_info(i)) {
        let (f, r) = cur.get(i)?;
        match &f.origin {
            Some(Origin::Pdf { page, bbox, .. }) => {
                if rows >= MAX_PICTURES {
                    out.insert(
                        i,
                        Picture::None(format!("截图已超过 {MAX_PICTURES} 张，请打开链接查看")),
                    );
                    continue;
                }
                rows += 1;
                let e = pages
                    .entry((r.source.file.clone(), *page))
                    .or_insert_with(|| {
                        (
                            PageJob {
                                path: links.source_path(split_member(&r.source.file).0),
                                member: split_member(&r.source.file).1.map(str::to_string),
                                image: r.source.format.starts_with("image"),
                                text_layer: !r.source.format.contains("ocr"),
                                page: *page,
                                rows: Vec::new(),
                            },
                            Vec::new(),
                        )
                    });
                e.0.rows.push((*bbox, f.published.clone()));
                e.1.push(i);
            }
            _ => rest.push(i),
        }
    }
    let jobs: Vec<(PageJob, Vec<u32>)> = pages.into_values().collect();
    let made: Vec<Vec<Picture>> = jobs
        .par_iter()
        .map(|(job, keys)| {
            let pics = match runner {
                Some(run) => run(job),
                None => Ok(crate::crop::page_pictures(job)),
            };
            match pics {
                Ok(p) if p.len() == keys.len() => p,
                Ok(_) => vec![Picture::None("截图数目不符".into()); keys.len()],
                Err(why) => vec![Picture::None(format!("无法渲染该页：{why}")); keys.len()],
            }
        })
        .collect();
    for ((_, keys), pics) in jobs.into_iter().zip(made) {
        out.extend(keys.into_iter().zip(pics));
    }
    // Cells file by file (each source read once); a stable sort keeps reading order
    // within a file.
    rest.sort_by_key(|&i| (store.file(i), store.group(i)));
    let mut cropper = Cropper::new(links);
    let mut last: Option<String> = None;
    for i in rest {
        let (f, r) = cur.get(i)?;
        let file = r.source.file.as_str();
        if last.as_deref() != Some(file) {
            cropper.retain_file(file);
            last = Some(file.to_string());
        }
        out.insert(i, cropper.cells_picture(f, r));
    }
    for pic in out.values() {
        match pic {
            Picture::Image { value_outlined, .. } => {
                stats.pictures += 1;
                stats.values_outlined += usize::from(*value_outlined);
            }
            Picture::Cells { .. } => stats.cells += 1,
            Picture::None(_) => stats.without += 1,
        }
    }
    Ok(out)
}

fn form_section(
    h: &mut String,
    cur: &mut Cursor,
    list: &[u32],
    links: &Links,
    pictures: &HashMap<u32, Picture>,
) -> Result<(), ReportError> {
    // The form's findings with their records (a finding of a byte-identical copy of
    // the file keeps its own record).
    let mut items: Vec<(u32, Finding, Arc<Record>)> = Vec::with_capacity(list.len());
    for &i in list {
        let (f, r) = cur.get(i)?;
        items.push((i, f.clone(), r.clone()));
    }
    let r = &items[0].2;
    let form_href = links
        .target(r.source.file.split("!/").next().unwrap_or(&r.source.file))
        .uri();
    let _ = writeln!(
        h,
        "<div class=\"form\"><h4>{}</h4><div class=\"meta\">{}{} · 实施单位：{} · 年度资金总额：{} · <a href=\"{}\">{}</a> · 记录 {}</div>",
        esc(r.project_name.as_deref().unwrap_or("（未读出项目名称）")),
        form_zh(r.form),
        r.year.map(|y| format!("（{y}年）")).unwrap_or_default(),
        esc(r.implementer.as_deref().unwrap_or("—")),
        crate::amount_yuan(r).map_or("—".to_string(), |a| format!("{a} 元")),
        esc(&form_href),
        esc(&r.source.file),
        esc(&r.record_id),
    );
    let (info, main): (Vec<_>, Vec<_>) = items
        .iter()
        .partition(|(_, f, _)| f.severity == Severity::Info);
    for (i, f, r) in main {
        finding_block(h, f, r, links, pictures.get(i));
    }
    if !info.is_empty() {
        let _ = writeln!(h, "<details><summary>{} 条提示</summary>", info.len());
        for (_, f, r) in info {
            finding_block(h, f, r, links, None);
        }
        h.push_str("</details>\n");
    }
    h.push_str("</div>\n");
    Ok(())
}

fn finding_block(h: &mut String, f: &Finding, r: &Record, links: &Links, pic: Option<&Picture>) {
    let rule = jixiao_score::rule(&f.rule);
    let class = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Review => "review",
        Severity::Info => "info",
    };
    let href = links.href(f, r);
    let _ = writeln!(
        h,
        "<div class=\"f {class}\"><span class=\"sev\">{}</span><b>{}</b> <code>{}</code> · {}\
         <p>{}</p><table class=\"v\"><tr><th>公布值</th><td>{}</td><th>应为</th><td>{}</td></tr></table>\
         <div class=\"basis\">依据：{}</div>",
        severity_zh(f.severity),
        esc(rule.map_or("", |r| r.title)),
        esc(&f.rule),
        esc(&row_zh(f)),
        esc(&f.message),
        esc(f.published.as_deref().unwrap_or("—")),
        esc(f.expected.as_deref().unwrap_or("—")),
        esc(rule.map_or("", |r| r.basis)),
    );
    let caption = format!(
        "<a href=\"{}\">{} {}</a>",
        esc(&href),
        esc(&r.source.file),
        esc(&place_zh(f, r))
    );
    match pic {
        Some(Picture::Image {
            png, width, height, ..
        }) => {
            let b64 = base64::engine::general_purpose::STANDARD.encode(png);
            let _ = writeln!(
                h,
                "<figure><img alt=\"{}\" width=\"{width}\" height=\"{height}\" src=\"data:image/png;base64,{b64}\"><figcaption>{caption}</figcaption></figure>",
                esc(&row_zh(f))
            );
        }
        Some(Picture::Cells { rows, value }) => {
            h.push_str("<table class=\"cells\">");
            for (place, cells, hit) in rows {
                let _ = write!(
                    h,
                    "<tr{}><td class=\"place\">{}</td>",
                    if *hit { " class=\"hit\"" } else { "" },
                    esc(place)
                );
                for c in cells {
                    let is_value = *hit
                        && value
                            .as_deref()
                            .is_some_and(|v| !v.is_empty() && c.replace(',', "").contains(v));
                    let _ = write!(
                        h,
                        "<td{}>{}</td>",
                        if is_value { " class=\"value\"" } else { "" },
                        esc(c)
                    );
                }
                h.push_str("</tr>");
            }
            let _ = writeln!(h, "</table><div class=\"basis\">{caption}</div>");
        }
        Some(Picture::None(why)) => {
            let _ = writeln!(
                h,
                "<div class=\"none\">无截图：{}。{caption}</div>",
                esc(why)
            );
        }
        None => {
            let _ = writeln!(h, "<div class=\"basis\">{caption}</div>");
        }
    }
    h.push_str("</div>\n");
}
