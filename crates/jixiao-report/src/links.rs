//! Links from the auditors' files to the printed source.
//!
//! Sources are named in records as given on the command line (relative to the working
//! directory, or absolute). The workbook and the report live in OUTDIR, so a link is
//! written **relative to OUTDIR** when the source lies under OUTDIR or beside it (under
//! OUTDIR's parent) — the pair can then be moved or zipped together — and as an
//! **absolute `file:` URI** otherwise. Paths are normalised lexically (no file system
//! access, so links can be made before OUTDIR exists).

use jixiao_grid::Origin;
use jixiao_record::Record;
use jixiao_score::Finding;
use std::path::{Component, Path, PathBuf};

/// Where a link points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A path relative to OUTDIR, `/`-separated (`../samples/a.pdf`).
    Relative(String),
    /// An absolute path (`/data/a.pdf`, `C:/data/a.pdf`).
    Absolute(String),
}

impl Target {
    /// The path as a URI reference: the relative path, or `file:///…`; characters that
    /// a URI cannot hold (space, `#`, `%`, `?`, quotes, brackets) percent-encoded.
    pub fn uri(&self) -> String {
        match self {
            Target::Relative(p) => encode(p),
            Target::Absolute(p) => {
                let p = encode(p);
                if p.starts_with('/') {
                    format!("file://{p}")
                } else {
                    format!("file:///{p}")
                }
            }
        }
    }
}

fn encode(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for c in p.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '#' => out.push_str("%23"),
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            '"' => out.push_str("%22"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            c => out.push(c),
        }
    }
    out
}

/// Lexical normalisation: `.` dropped, `..` applied.
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

fn slashes(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Makes links for files written into one OUTDIR.
#[derive(Debug, Clone)]
pub struct Links {
    cwd: PathBuf,
    outdir: PathBuf,
}

impl Links {
    /// Links for outputs in `outdir`, sources named relative to `cwd` (both made
    /// absolute against `cwd`).
    pub fn new(cwd: &Path, outdir: &Path) -> Links {
        Links {
            cwd: normalise(cwd),
            outdir: normalise(&cwd.join(outdir)),
        }
    }

    /// The source file `file` (as a record names it) on disk.
    pub fn source_path(&self, file: &str) -> PathBuf {
        normalise(&self.cwd.join(file))
    }

    /// Where `file` is, seen from OUTDIR.
    pub fn target(&self, file: &str) -> Target {
        let abs = self.source_path(file);
        if let Ok(rest) = abs.strip_prefix(&self.outdir) {
            return Target::Relative(slashes(rest));
        }
        if let Some(parent) = self.outdir.parent() {
            if let Ok(rest) = abs.strip_prefix(parent) {
                return Target::Relative(format!("../{}", slashes(rest)));
            }
        }
        Target::Absolute(slashes(&abs))
    }

    /// The file a finding names and the location inside it (`page=3`, `L130`,
    /// `'Sheet 1'!A7`): its row when known, else the form's first row.
    pub fn finding_target(&self, f: &Finding, r: &Record) -> (Target, Option<String>) {
        let file = &r.source.file;
        // A member of a bundle (`a.zip!/b.pdf`) opens as the bundle.
        let on_disk = file.split("!/").next().unwrap_or(file);
        let fragment = match &f.origin {
            Some(o) => fragment_of(&o.link(""))
                .filter(|_| on_disk == file)
                .map(str::to_string),
            None => r
                .source
                .link
                .strip_prefix(file.as_str())
                .and_then(fragment_of)
                .map(str::to_string),
        };
        // A page image is one page: no location to open it at.
        let fragment = fragment
            .filter(|fr| !(r.source.format.starts_with("image") && fr.starts_with("page=")));
        (self.target(on_disk), fragment)
    }

    /// A finding's link as an `href`: the URI and `#location`.
    pub fn href(&self, f: &Finding, r: &Record) -> String {
        let (t, frag) = self.finding_target(f, r);
        match frag {
            Some(fr) => format!("{}#{}", t.uri(), fr),
            None => t.uri(),
        }
    }
}

/// Splits a link jixiao wrote (`file#page=3`, `file#L130`, `file#'Sheet'!A7`) into
/// the file and the location; a file name may itself hold `#`.
pub fn split_link(link: &str) -> (&str, Option<&str>) {
    for (p, _) in link.match_indices('#') {
        let frag = &link[p + 1..];
        if is_fragment(frag) {
            return (&link[..p], Some(frag));
        }
    }
    (link, None)
}

fn is_fragment(f: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(n) = f.strip_prefix("page=") {
        return digits(n);
    }
    if let Some(n) = f.strip_prefix('L') {
        return digits(n);
    }
    match f.rsplit_once("!A") {
        Some((sheet, n)) => digits(n) && !sheet.is_empty(),
        None => false,
    }
}

impl Links {
    /// The hyperlink rust_xlsxwriter needs for a link jixiao wrote (see
    /// [`split_link`]): relative to OUTDIR where the source is under or beside it.
    pub fn xlsx_url(&self, link: &str) -> String {
        let (file, frag) = split_link(link);
        let on_disk = file.split("!/").next().unwrap_or(file);
        // Page images are one page: `page=` opens nothing in them.
        let is_pdf = on_disk.to_ascii_lowercase().ends_with(".pdf");
        let frag = frag.filter(|f| is_pdf || !f.starts_with("page="));
        crate::workbook::xlsx_url(&self.target(on_disk), &frag.map(str::to_string))
    }
}

fn fragment_of(link: &str) -> Option<&str> {
    link.strip_prefix('#').filter(|s| !s.is_empty())
}

/// The location of an origin inside its file, without the file: `page=3`, `L130`,
/// `'Sheet 1'!A7`.
pub fn location(o: &Origin) -> String {
    o.link("").trim_start_matches('#').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_split_at_their_location() {
        assert_eq!(split_link("a#b.pdf#page=3"), ("a#b.pdf", Some("page=3")));
        assert_eq!(split_link("x.txt#L130"), ("x.txt", Some("L130")));
        assert_eq!(
            split_link("w.xlsx#'1-对口#扶贫'!A7"),
            ("w.xlsx", Some("'1-对口#扶贫'!A7"))
        );
        assert_eq!(split_link("plain.pdf"), ("plain.pdf", None));
        let l = Links::new(Path::new("/w"), Path::new("out"));
        assert_eq!(l.xlsx_url("s/a.pdf#page=2"), "file:///../s/a.pdf#page=2");
        assert_eq!(l.xlsx_url("/d/a.pdf#page=2"), "file:////d/a.pdf#page=2");
    }

    #[test]
    fn relative_under_or_beside_outdir_else_absolute() {
        let l = Links::new(Path::new("/work/proj"), Path::new("out"));
        assert_eq!(
            l.target("samples/pdf/a b.pdf"),
            Target::Relative("../samples/pdf/a b.pdf".into())
        );
        assert_eq!(
            l.target("samples/pdf/a b.pdf").uri(),
            "../samples/pdf/a%20b.pdf"
        );
        assert_eq!(
            l.target("out/in/x.txt"),
            Target::Relative("in/x.txt".into())
        );
        assert_eq!(
            l.target("/data/2024/表.xlsx"),
            Target::Absolute("/data/2024/表.xlsx".into())
        );
        assert_eq!(
            l.target("/data/2024/表.xlsx").uri(),
            "file:///data/2024/表.xlsx"
        );
        // An OUTDIR deeper down: sources two levels up are not beside it.
        let deep = Links::new(Path::new("/work/proj"), Path::new("runs/2024/out"));
        assert_eq!(
            deep.target("samples/a.pdf"),
            Target::Absolute("/work/proj/samples/a.pdf".into())
        );
        assert_eq!(
            deep.target("./runs/2024/../2024/s.pdf"),
            Target::Relative("../s.pdf".into())
        );
    }
}
