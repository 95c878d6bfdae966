//! URLs: resolving links against their page, the site a URL belongs to, and sorting a
//! page's links into documents, pagination, other pages of the site, and elsewhere.

/// Extensions of documents: what the readers take (Word attachments and zip bundles of
/// attachments included; `.doc` becomes an error entry naming its format rather than a
/// link passed over in silence).
pub const DOCUMENT_EXTENSIONS: [&str; 12] = [
    "pdf", "xlsx", "xls", "xlsm", "xlsb", "ods", "csv", "txt", "tsv", "docx", "doc", "zip",
];

/// Extensions of pages (besides none at all: `/list/`, `/news?id=3`).
const PAGE_EXTENSIONS: [&str; 8] = ["html", "htm", "shtml", "xhtml", "jsp", "asp", "aspx", "php"];

/// Texts of links to a list's next page.
const NEXT_TEXTS: [&str; 7] = ["下一页", "下页", "后页", "下一頁", "next", "next page", "›"];

/// `scheme://host[:port]` and the path of a URL (without query or fragment).
pub(crate) fn split(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = rest.split(['#', '?']).next().unwrap_or("");
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    Some((format!("{scheme}://{host}"), path.to_string()))
}

/// `scheme://host[:port]` of a URL: the site, for same-site checks and robots.txt.
pub fn origin(url: &str) -> Option<String> {
    split(url).map(|(o, _)| o.to_ascii_lowercase())
}

/// Resolves `href` against the page at `base`; `None` for other schemes.
pub fn resolve(base: &str, href: &str) -> Option<String> {
    let href = href.trim();
    if href.starts_with("javascript:") || href.starts_with("mailto:") {
        return None;
    }
    let (origin, base_path) = split(base)?;
    let joined = if href.contains("://") {
        let (o, rest) = href.split_once("://")?;
        let rest = rest.split('#').next().unwrap_or("");
        let (host_path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, format!("?{q}")),
            None => (rest, String::new()),
        };
        let (o2, p) = split(&format!("{o}://{host_path}"))?;
        return Some(format!("{o2}{}{query}", normalise(&p)));
    } else if let Some(rest) = href.strip_prefix("//") {
        let scheme = &origin[..origin.find(':')?];
        return resolve(base, &format!("{scheme}://{rest}"));
    } else if href.starts_with('/') {
        href.to_string()
    } else if href.starts_with('?') {
        let path = base.split('#').next().unwrap_or("");
        let path = path.split('?').next().unwrap_or("");
        let path = split(path).map(|(_, p)| p).unwrap_or_default();
        format!("{path}{href}")
    } else {
        let dir = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
        format!("{dir}{href}")
    };
    // The fragment is the browser's; the query names the document (`a.pdf?v=2`).
    let joined = joined.split('#').next().unwrap_or("");
    let (path, query) = match joined.split_once('?') {
        Some((p, q)) => (p, format!("?{q}")),
        None => (joined, String::new()),
    };
    Some(format!("{origin}{}{query}", normalise(path)))
}

/// The extension of a URL's last path segment (lowercase; empty without one).
pub(crate) fn url_extension(url: &str) -> String {
    let path = url.split(['#', '?']).next().unwrap_or("");
    let path = path.split_once("://").map_or(path, |(_, r)| r);
    let Some((_, path)) = path.split_once('/') else {
        return String::new();
    };
    path.rsplit('/')
        .next()
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

pub(crate) fn normalise(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let trailing = path.ends_with('/') && !out.is_empty();
    format!("/{}{}", out.join("/"), if trailing { "/" } else { "" })
}

/// A page's links, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    /// Documents on the page's site, in order, once each.
    pub documents: Vec<String>,
    /// The list's next page(s) (`下一页`, `rel=next`) on the site.
    pub next: Vec<String>,
    /// Other pages of the site.
    pub pages: Vec<String>,
    /// Documents on other sites: not fetched (same-site only), reported.
    pub elsewhere: Vec<String>,
}

/// Whether an anchor leads to the next page of a list.
fn is_next(a: &jixiao_markup::Anchor) -> bool {
    let text = a.text.trim().to_lowercase();
    a.rel.split_whitespace().any(|r| r == "next")
        || NEXT_TEXTS.iter().any(|t| text == *t)
        || (text.chars().count() <= 6 && text.contains("下一页"))
}

/// Sorts the links of the HTML page `bytes` found at `base`.
pub fn links(base: &str, bytes: &[u8]) -> Links {
    let site = origin(base);
    let mut out = Links::default();
    let push = |list: &mut Vec<String>, url: String| {
        if !list.contains(&url) {
            list.push(url);
        }
    };
    for a in jixiao_markup::anchors(bytes) {
        let Some(url) = resolve(base, &a.href) else {
            continue;
        };
        let ext = url_extension(&url);
        let same = origin(&url) == site;
        if DOCUMENT_EXTENSIONS.contains(&ext.as_str()) {
            if same {
                push(&mut out.documents, url);
            } else {
                push(&mut out.elsewhere, url);
            }
        } else if same && (ext.is_empty() || PAGE_EXTENSIONS.contains(&ext.as_str())) {
            if is_next(&a) {
                push(&mut out.next, url);
            } else {
                push(&mut out.pages, url);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_links() {
        let base = "http://example.org/gov/2024/index.html";
        let r = |h: &str| resolve(base, h);
        assert_eq!(
            r("a/b.pdf").as_deref(),
            Some("http://example.org/gov/2024/a/b.pdf")
        );
        assert_eq!(
            r("../x.pdf").as_deref(),
            Some("http://example.org/gov/x.pdf")
        );
        assert_eq!(
            r("/top.xlsx?v=1#p").as_deref(),
            Some("http://example.org/top.xlsx?v=1")
        );
        assert_eq!(
            r("../a/./b.pdf?id=3&t=x").as_deref(),
            Some("http://example.org/gov/a/b.pdf?id=3&t=x")
        );
        assert_eq!(
            r("?page=2").as_deref(),
            Some("http://example.org/gov/2024/index.html?page=2")
        );
        assert_eq!(
            r("http://other.org/a/../b.pdf?q=/x#f").as_deref(),
            Some("http://other.org/b.pdf?q=/x")
        );
        assert_eq!(r("mailto:a@b.c"), None);
        assert_eq!(url_extension("http://h.org"), "");
        assert_eq!(url_extension("http://h.org/a.PDF?x=y.html"), "pdf");
    }

    #[test]
    fn sorts_links_by_kind_and_site() {
        let base = "http://example.org/gov/2024/index.html";
        let html = r#"<a href="a.pdf">A</a> <a href='sub/b.xlsx'>B</a> <a href=../up.pdf>U</a>
            <a href="http://other.org/gov/2024/c.pdf">C</a> <a href="page.html">P</a>
            <a href="a.pdf">again</a> <a href="a.pdf?v=2">v2</a> <a href="附件/表.docx">W</a>
            <a href="all.ZIP">Z</a> <a href="/upload/2024/d.pdf">D</a>
            <a href="index_2.html">下一页</a> <a href="/news/">新闻</a> <a href="x.png">img</a>
            <a href="http://other.org/page.html">O</a>"#;
        let got = links(base, html.as_bytes());
        assert_eq!(
            got.documents,
            vec![
                "http://example.org/gov/2024/a.pdf".to_string(),
                "http://example.org/gov/2024/sub/b.xlsx".to_string(),
                "http://example.org/gov/up.pdf".to_string(),
                "http://example.org/gov/2024/a.pdf?v=2".to_string(),
                "http://example.org/gov/2024/附件/表.docx".to_string(),
                "http://example.org/gov/2024/all.ZIP".to_string(),
                "http://example.org/upload/2024/d.pdf".to_string(),
            ]
        );
        assert_eq!(
            got.elsewhere,
            vec!["http://other.org/gov/2024/c.pdf".to_string()]
        );
        assert_eq!(
            got.next,
            vec!["http://example.org/gov/2024/index_2.html".to_string()]
        );
        assert_eq!(
            got.pages,
            vec![
                "http://example.org/gov/2024/page.html".to_string(),
                "http://example.org/news/".to_string()
            ]
        );
    }
}
