//! Word `.docx`: the body of `word/document.xml` in order — paragraphs as one-cell rows,
//! tables as rows of cells (`gridSpan` for merged columns, `vMerge` restart/continue for
//! merged rows, `gridBefore` for leading empty grid columns). Tables nested in a cell give
//! their text to that cell.

use crate::table::{lay_out, SpanCell};
use crate::{body_rows, table_name, tidy, MarkupError, MAX_BYTES, MAX_ROWS};
use jixiao_grid::{Grid, Origin, Row};
use quick_xml::events::{BytesStart, Event};
use std::io::Read;

/// A cell of a Word table as written: text, grid columns, vertical-merge role.
struct WordCell {
    text: String,
    cols: u32,
    /// `Some(true)`: starts a vertical merge; `Some(false)`: continues the one above.
    vmerge: Option<bool>,
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value.to_string())
}

/// Vertical merges → row spans: a restarting cell spans the continuing cells below it
/// that begin at its grid column; those are dropped.
fn merge_rows(rows: Vec<Vec<WordCell>>) -> Vec<Vec<SpanCell>> {
    let starts: Vec<Vec<u32>> = rows
        .iter()
        .map(|r| {
            let mut c = 0;
            r.iter()
                .map(|x| {
                    let s = c;
                    c += x.cols;
                    s
                })
                .collect()
        })
        .collect();
    let continues = |r: usize, col: u32| -> bool {
        rows.get(r).is_some_and(|row| {
            row.iter()
                .zip(&starts[r])
                .any(|(x, s)| *s == col && x.vmerge == Some(false))
        })
    };
    rows.iter()
        .enumerate()
        .map(|(r, row)| {
            row.iter()
                .zip(&starts[r])
                .filter(|(x, _)| x.vmerge != Some(false))
                .map(|(x, s)| {
                    let mut span = 1;
                    if x.vmerge == Some(true) {
                        while continues(r + span as usize, *s) {
                            span += 1;
                        }
                    }
                    SpanCell {
                        text: tidy(&x.text),
                        cols: x.cols,
                        rows: span,
                    }
                })
                .collect()
        })
        .collect()
}

/// Reads the body of a `.docx` into rows.
pub fn read_docx(bytes: &[u8]) -> Result<Grid, MarkupError> {
    let package = |e: &dyn std::fmt::Display| MarkupError::Package {
        reason: e.to_string(),
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| package(&e))?;
    let mut member = zip.by_name("word/document.xml").map_err(|e| package(&e))?;
    let mut xml = Vec::new();
    (&mut member)
        .take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut xml)
        .map_err(|e| package(&e))?;
    if xml.len() > MAX_BYTES {
        return Err(MarkupError::TooLarge {
            what: format!("word/document.xml over {MAX_BYTES} bytes"),
        });
    }
    parse(&xml)
}

fn parse(xml: &[u8]) -> Result<Grid, MarkupError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out: Vec<Row> = Vec::new();
    let (mut tables, mut paragraphs) = (0usize, 0u32);
    let mut depth = 0usize; // table nesting
    let mut rows: Vec<Vec<WordCell>> = Vec::new();
    let mut cell: Option<WordCell> = None;
    let mut para = String::new();
    let mut in_text = false;
    let mut buf = Vec::new();
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| MarkupError::Markup {
                reason: format!(
                    "word/document.xml at byte {}: {e}",
                    reader.buffer_position()
                ),
            })?;
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    "tbl" => {
                        depth += 1;
                        if depth == 1 {
                            rows.clear();
                        }
                    }
                    "tr" if depth == 1 => rows.push(Vec::new()),
                    "gridBefore" if depth == 1 => {
                        let n = attr(&e, "w:val")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0u32);
                        if n > 0 {
                            if let Some(r) = rows.last_mut() {
                                r.push(WordCell {
                                    text: String::new(),
                                    cols: n,
                                    vmerge: None,
                                });
                            }
                        }
                    }
                    "tc" if depth == 1 => {
                        cell = Some(WordCell {
                            text: String::new(),
                            cols: 1,
                            vmerge: None,
                        })
                    }
                    "gridSpan" if depth == 1 => {
                        if let Some(c) = cell.as_mut() {
                            c.cols = attr(&e, "w:val")
                                .and_then(|v| v.parse().ok())
                                .filter(|v: &u32| *v > 0)
                                .unwrap_or(1);
                        }
                    }
                    "vMerge" if depth == 1 => {
                        if let Some(c) = cell.as_mut() {
                            c.vmerge = Some(attr(&e, "w:val").as_deref() == Some("restart"));
                        }
                    }
                    "t" => in_text = true,
                    "tab" => match cell.as_mut() {
                        Some(c) => c.text.push(' '),
                        None => para.push(' '),
                    },
                    "br" | "cr" => match cell.as_mut() {
                        Some(c) => c.text.push('\n'),
                        None => para.push('\n'),
                    },
                    _ => {}
                }
            }
            Event::Text(t) if in_text => {
                let raw: &str = &t;
                let s = quick_xml::escape::unescape(raw)
                    .map(|c| c.into_owned())
                    .unwrap_or_else(|_| raw.to_string());
                match cell.as_mut() {
                    Some(c) => c.text.push_str(&s),
                    None => para.push_str(&s),
                }
            }
            Event::GeneralRef(r) if in_text => {
                let name: String = r.to_string();
                let ch = match name.as_str() {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    n => n
                        .strip_prefix("#x")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| n.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32),
                };
                if let Some(ch) = ch {
                    match cell.as_mut() {
                        Some(c) => c.text.push(ch),
                        None => para.push(ch),
                    }
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => match cell.as_mut() {
                    Some(c) => c.text.push('\n'),
                    None if depth == 0 => {
                        body_rows(&std::mem::take(&mut para), &mut paragraphs, &mut out);
                    }
                    None => para.push('\n'),
                },
                "tc" if depth == 1 => {
                    if let (Some(c), Some(r)) = (cell.take(), rows.last_mut()) {
                        r.push(c);
                    }
                }
                "tbl" => {
                    if depth == 1 {
                        tables += 1;
                        let sheet = table_name(tables);
                        let spans = merge_rows(std::mem::take(&mut rows));
                        out.extend(lay_out(&spans, |i| Origin::Sheet {
                            sheet: sheet.clone(),
                            row: i as u32 + 1,
                        }));
                        if out.len() > MAX_ROWS {
                            return Err(MarkupError::TooLarge {
                                what: format!("over {MAX_ROWS} rows"),
                            });
                        }
                    }
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(Grid { rows: out })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_tables_with_merges() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
            <w:p><w:r><w:t>财政项目支出绩效自评表</w:t></w:r></w:p>
            <w:tbl>
              <w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>产出指标</w:t></w:r></w:p></w:tc>
                    <w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t xml:space="preserve">数量 &amp; 指标</w:t></w:r></w:p></w:tc></w:tr>
              <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>
                    <w:tc><w:p><w:r><w:t>质量</w:t></w:r><w:r><w:br/><w:t>指标</w:t></w:r></w:p></w:tc>
                    <w:tc><w:p><w:r><w:t>9</w:t></w:r></w:p></w:tc></w:tr>
            </w:tbl></w:body></w:document>"#;
        let g = parse(xml.as_bytes()).expect("parse");
        let texts = crate::row_texts(&g);
        assert_eq!(
            texts,
            [
                "财政项目支出绩效自评表",
                "产出指标|数量 & 指标|",
                "|质量\n指标|9"
            ]
        );
        assert_eq!(g.rows[1].cells[0].row_span, 2);
        assert_eq!(g.rows[1].cells[1].col_span, 2);
        assert!(read_docx(b"not a zip").is_err());
    }

    fn package(document: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut out = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("word/document.xml", opts).expect("start");
        z.write_all(document).expect("write");
        z.finish().expect("finish");
        out.into_inner()
    }

    #[test]
    fn inflating_past_the_limit_is_refused() {
        let mut doc = b"<w:document><w:body><w:p><w:r><w:t>".to_vec();
        doc.resize(MAX_BYTES + 10, b' ');
        let bytes = package(&doc);
        assert!(bytes.len() < MAX_BYTES / 100, "compressed {}", bytes.len());
        assert!(matches!(
            read_docx(&bytes),
            Err(MarkupError::TooLarge { .. })
        ));
        // An empty body gives no rows (the pipeline then reports no form).
        let e = read_docx(&package(b"")).map(|g| g.rows.len());
        assert_eq!(e.ok(), Some(0));
    }
}
