//! Reader for text exports: one table row per line, cells separated by tabs.
//!
//! Owns decoding (UTF-8 with or without BOM, else GB18030 as Chinese government sites
//! often serve), rejecting binary input, and turning lines into [`Grid`] rows with their
//! line numbers. It knows nothing about budget forms: split labels, shifted columns and
//! OCR confusions are left for the form parser.

use jixiao_grid::{Cell, Grid, Origin, Row};

/// Why a text export could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TextError {
    /// The file has no bytes at all.
    #[error("empty file")]
    Empty,
    /// The file looks binary (NUL or many control bytes), not a text export.
    #[error("not a text export: binary content at byte {offset} (0x{byte:02x})")]
    Binary {
        /// Offset of the first offending byte.
        offset: usize,
        /// The byte itself.
        byte: u8,
    },
    /// Neither UTF-8 nor GB18030 decodes the file cleanly.
    #[error("not a text export: invalid UTF-8 at line {line} and not GB18030 either")]
    Encoding {
        /// 1-based line of the first invalid UTF-8 sequence.
        line: usize,
    },
}

/// Decodes bytes as UTF-8 (BOM stripped) or, failing that, GB18030.
pub fn decode(bytes: &[u8]) -> Result<String, TextError> {
    if bytes.is_empty() {
        return Err(TextError::Empty);
    }
    let mut controls = 0usize;
    for (offset, &byte) in bytes.iter().enumerate() {
        if byte == 0 {
            return Err(TextError::Binary { offset, byte });
        }
        if byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r' | 0x0c) {
            controls += 1;
            if controls > 8 && controls * 100 > bytes.len().min(offset + 1) {
                return Err(TextError::Binary { offset, byte });
            }
        }
    }
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let (text, _, had_errors) = encoding_rs::GB18030.decode(body);
            if had_errors {
                let line = body[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                Err(TextError::Encoding { line })
            } else {
                Ok(text.into_owned())
            }
        }
    }
}

/// Reads a text export into a grid: one row per line (blank lines kept, so line numbers
/// stay true), one cell per tab-separated field.
pub fn read(bytes: &[u8]) -> Result<Grid, TextError> {
    let text = decode(bytes)?;
    Ok(parse(&text))
}

/// Splits already-decoded text into a grid: tab-separated, or comma-separated (with
/// quoted fields) when the text has no tab at all and its lines carry commas.
pub fn parse(text: &str) -> Grid {
    if !text.contains('\t')
        && text.lines().filter(|l| l.contains(',')).count() * 2 > text.lines().count()
    {
        return parse_csv(text);
    }
    parse_tsv(text)
}

fn parse_csv(text: &str) -> Grid {
    let mut rows = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut cells = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = !quoted,
                ',' if !quoted => {
                    cells.push(Cell::new(std::mem::take(&mut field), cells.len() as f32));
                }
                c => field.push(c),
            }
        }
        cells.push(Cell::new(field, cells.len() as f32));
        rows.push(Row {
            cells,
            origin: Origin::Line {
                line: u32::try_from(i + 1).unwrap_or(u32::MAX),
            },
        });
    }
    Grid { rows }
}

fn parse_tsv(text: &str) -> Grid {
    let rows = text
        .split('\n')
        .enumerate()
        .map(|(i, line)| {
            let line = line.strip_suffix('\r').unwrap_or(line);
            let cells = line
                .split('\t')
                .enumerate()
                .map(|(col, t)| Cell::new(t, col as f32))
                .collect();
            Row {
                cells,
                origin: Origin::Line {
                    line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                },
            }
        })
        .collect();
    Grid { rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tabs_and_lines() {
        let g = read("项目名称\t\t老干部工作经费\r\n\n总分\t100".as_bytes()).expect("text");
        assert_eq!(g.rows.len(), 3);
        assert_eq!(g.rows[0].cells.len(), 3);
        assert_eq!(g.rows[0].cells[2].text, "老干部工作经费");
        assert_eq!(g.rows[2].origin, Origin::Line { line: 3 });
    }

    #[test]
    fn rejects_empty_and_binary() {
        assert_eq!(read(b""), Err(TextError::Empty));
        assert!(matches!(read(b"%PDF\0\x01"), Err(TextError::Binary { .. })));
    }

    #[test]
    fn reads_comma_separated_exports() {
        let g =
            read("项目名称,\"老干部,工作经费\"\n年度资金总额,159.50\n".as_bytes()).expect("csv");
        assert_eq!(g.rows[0].cells[1].text, "老干部,工作经费");
        assert_eq!(g.rows[1].cells[1].text, "159.50");
    }

    #[test]
    fn decodes_gb18030() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("项目名称\t测试");
        let g = read(&bytes).expect("gb18030");
        assert_eq!(g.rows[0].cells[1].text, "测试");
    }
}
