//! HTML pages: every `<table>` (rows of `<td>`/`<th>` with `rowspan`/`colspan`), and the
//! text of block elements outside tables, in document order. Parsed by html5ever
//! (through `scraper`), as browsers parse; the charset from a BOM, `<meta charset>` /
//! `http-equiv`, else UTF-8 when the bytes are valid UTF-8, else GB18030 (GBK's superset).

use crate::table::{lay_out, SpanCell};
use crate::{body_rows, table_name, tidy, MarkupError, MAX_BYTES, MAX_ROWS};
use ego_tree::NodeRef;
use jixiao_grid::{Grid, Origin, Row};
use scraper::{Html, Node};

/// Elements whose text is not page text.
const SKIP: &[&str] = &[
    "script", "style", "head", "title", "noscript", "template", "select",
];
/// Elements that end a line of text.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "center",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "form",
    "caption",
];

/// The page's text, decoded by its declared or sniffed charset.
pub(crate) fn decode(bytes: &[u8]) -> String {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc.decode(bytes).0.into_owned();
    }
    let head: Vec<u8> = bytes[..bytes.len().min(4096)]
        .iter()
        .map(u8::to_ascii_lowercase)
        .collect();
    let declared = head
        .windows(8)
        .position(|w| w == b"charset=")
        .and_then(|i| {
            let rest = &head[i + 8..];
            let rest = rest
                .strip_prefix(b"\"")
                .or_else(|| rest.strip_prefix(b"'"))
                .unwrap_or(rest);
            let end = rest
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
                .unwrap_or(rest.len());
            encoding_rs::Encoding::for_label(&rest[..end])
        });
    let enc = match declared {
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => encoding_rs::GB18030,
    };
    enc.decode(bytes).0.into_owned()
}

/// A link of a page: `<a href>` with its text and `rel`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The `href` as written (entities decoded).
    pub href: String,
    /// The link's text, whitespace collapsed (`下一页`, `附件1.pdf`).
    pub text: String,
    /// The `rel` attribute (`next` on pagination links), lowercase.
    pub rel: String,
}

/// The links of an HTML page, in document order, decoded like [`read_html`] decodes.
pub fn anchors(bytes: &[u8]) -> Vec<Anchor> {
    let page = Html::parse_document(&decode(&bytes[..bytes.len().min(MAX_BYTES)]));
    let Ok(a) = scraper::Selector::parse("a[href], area[href]") else {
        return Vec::new();
    };
    page.select(&a)
        .map(|e| Anchor {
            href: e.value().attr("href").unwrap_or("").trim().to_string(),
            text: e
                .text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            rel: e.value().attr("rel").unwrap_or("").to_ascii_lowercase(),
        })
        .collect()
}

struct Walker {
    rows: Vec<Row>,
    tables: usize,
    line: String,
    paragraphs: u32,
}

fn name(n: NodeRef<'_, Node>) -> Option<&str> {
    match n.value() {
        Node::Element(e) => Some(e.name()),
        _ => None,
    }
}

/// All text under `n`, `<br>` and block ends as line breaks.
fn text_of(n: NodeRef<'_, Node>, out: &mut String) {
    for c in n.children() {
        match c.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let tag = e.name();
                if SKIP.contains(&tag) {
                    continue;
                }
                if tag == "br" {
                    out.push('\n');
                    continue;
                }
                let block = BLOCK.contains(&tag) || tag == "tr";
                if block && !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                text_of(c, out);
                if block {
                    out.push('\n');
                } else if matches!(tag, "td" | "th") {
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
}

/// The rows of `table` (not of tables nested in its cells).
fn table_rows<'a>(n: NodeRef<'a, Node>, out: &mut Vec<NodeRef<'a, Node>>) {
    for c in n.children() {
        match name(c) {
            Some("tr") => out.push(c),
            Some("thead" | "tbody" | "tfoot") => table_rows(c, out),
            _ => {}
        }
    }
}

fn span(e: &scraper::node::Element, attr: &str) -> u32 {
    e.attr(attr)
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|v| *v > 0)
        .unwrap_or(1)
}

impl Walker {
    fn flush(&mut self) {
        let t = std::mem::take(&mut self.line);
        body_rows(&t, &mut self.paragraphs, &mut self.rows);
    }

    fn table(&mut self, t: NodeRef<'_, Node>) {
        self.flush();
        self.tables += 1;
        let mut trs = Vec::new();
        table_rows(t, &mut trs);
        let rows: Vec<Vec<SpanCell>> = trs
            .iter()
            .map(|tr| {
                tr.children()
                    .filter_map(|c| match c.value() {
                        Node::Element(e) if matches!(e.name(), "td" | "th") => {
                            let mut s = String::new();
                            text_of(c, &mut s);
                            Some(SpanCell {
                                text: tidy(&s),
                                cols: span(e, "colspan"),
                                rows: span(e, "rowspan"),
                            })
                        }
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let sheet = table_name(self.tables);
        self.rows.extend(lay_out(&rows, |i| Origin::Sheet {
            sheet: sheet.clone(),
            row: i as u32 + 1,
        }));
    }

    fn walk(&mut self, n: NodeRef<'_, Node>) {
        for c in n.children() {
            if self.rows.len() > MAX_ROWS {
                return;
            }
            match c.value() {
                Node::Text(t) => self.line.push_str(t),
                Node::Element(e) => {
                    let tag = e.name();
                    if SKIP.contains(&tag) {
                        continue;
                    }
                    match tag {
                        "table" => self.table(c),
                        "br" => self.line.push('\n'),
                        _ if BLOCK.contains(&tag) => {
                            self.flush();
                            self.walk(c);
                            self.flush();
                        }
                        _ => self.walk(c),
                    }
                }
                _ => {}
            }
        }
    }
}

/// Reads an HTML page into rows: its tables and the text around them, in order.
pub fn read_html(bytes: &[u8]) -> Result<Grid, MarkupError> {
    if bytes.len() > MAX_BYTES {
        return Err(MarkupError::TooLarge {
            what: format!("{} bytes of HTML (limit {MAX_BYTES})", bytes.len()),
        });
    }
    let doc = Html::parse_document(&decode(bytes));
    let mut w = Walker {
        rows: Vec::new(),
        tables: 0,
        line: String::new(),
        paragraphs: 0,
    };
    w.walk(doc.tree.root());
    w.flush();
    if w.rows.len() > MAX_ROWS {
        return Err(MarkupError::TooLarge {
            what: format!("over {MAX_ROWS} rows"),
        });
    }
    Ok(Grid { rows: w.rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_keep_text_rel_and_decode_gbk() {
        let (page, _, _) = encoding_rs::GBK.encode(
            "<html><head><meta charset=gbk></head><body><a href=\"a.pdf?x=1&amp;y=2\">附件 1</a>\
             <p><a rel=Next href='list_2.html'><span>下一页</span></a><a name=top>x</a></body></html>",
        );
        let got = anchors(&page);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].href, "a.pdf?x=1&y=2");
        assert_eq!(got[0].text, "附件 1");
        assert_eq!(
            (got[1].text.as_str(), got[1].rel.as_str()),
            ("下一页", "next")
        );
    }

    #[test]
    fn tables_and_text_around_them() {
        let page = "<html><head><title>x</title><meta charset=gbk></head><body>\
            <h2>财政项目支出绩效自评表</h2><p>（2024年度）</p>\
            <table><tr><td rowspan=2>产出指标</td><td>数量&nbsp;指标</td></tr>\
            <tr><td>质量<br>指标</td></tr></table><script>var a=1;</script></body></html>";
        let (gbk, _, _) = encoding_rs::GBK.encode(page);
        let g = read_html(&gbk).expect("read");
        let texts = crate::row_texts(&g);
        assert_eq!(
            texts,
            [
                "财政项目支出绩效自评表",
                "（2024年度）",
                "产出指标|数量 指标",
                "|质量\n指标"
            ]
        );
        assert_eq!(g.rows[2].cells[0].row_span, 2);
        assert!(matches!(&g.rows[2].origin, Origin::Sheet { sheet, row: 1 } if sheet == "表1"));
    }

    #[test]
    fn charsets() {
        assert_eq!(decode("<p>中文</p>".as_bytes()), "<p>中文</p>");
        let (gbk, _, _) = encoding_rs::GBK.encode("<p>中文</p>");
        assert_eq!(decode(&gbk), "<p>中文</p>");
    }
}
