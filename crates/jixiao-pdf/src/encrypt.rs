//! Encrypted PDFs that lopdf's security handler does not open as written: an encryption
//! dictionary written directly in the trailer (lopdf looks for a reference), or a trailer
//! without `/ID` (poppler takes an empty one). Both are mended by an incremental update
//! appended in memory — the dictionary as an object of its own, and `/ID [<> <>]` when
//! missing — after which lopdf authenticates and decrypts as usual.

use lopdf::{Dictionary, Object};

/// Writes an object in PDF syntax (strings as hex, names escaped).
fn write(o: &Object, out: &mut Vec<u8>) {
    match o {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(format!("{r}").as_bytes()),
        Object::Name(n) => {
            out.push(b'/');
            for &b in n {
                if b.is_ascii_alphanumeric() || b"-_.+".contains(&b) {
                    out.push(b);
                } else {
                    out.extend_from_slice(format!("#{b:02X}").as_bytes());
                }
            }
        }
        Object::String(s, _) => {
            out.push(b'<');
            for b in s {
                out.extend_from_slice(format!("{b:02X}").as_bytes());
            }
            out.push(b'>');
        }
        Object::Array(a) => {
            out.push(b'[');
            for x in a {
                write(x, out);
                out.push(b' ');
            }
            out.push(b']');
        }
        Object::Dictionary(d) => write_dict(d, out),
        Object::Reference((n, g)) => out.extend_from_slice(format!("{n} {g} R").as_bytes()),
        Object::Stream(s) => write_dict(&s.dict, out),
    }
}

fn write_dict(d: &Dictionary, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<<");
    for (k, v) in d.iter() {
        write(&Object::Name(k.clone()), out);
        out.push(b' ');
        write(v, out);
        out.push(b' ');
    }
    out.extend_from_slice(b">>");
}

/// The offset the last `startxref` points at.
fn last_startxref(bytes: &[u8]) -> Option<usize> {
    let at = bytes.windows(9).rposition(|w| w == b"startxref")?;
    let rest = &bytes[at + 9..];
    let digits: String = rest
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|b| *b as char)
        .collect();
    digits.parse().ok()
}

/// The file with an update appended that puts a direct `/Encrypt` dictionary in an object
/// of its own and gives a trailer without `/ID` an empty one; `None` when neither applies.
pub(crate) fn mend(bytes: &[u8], trailer: &Dictionary) -> Option<Vec<u8>> {
    let encrypt = trailer.get(b"Encrypt").ok()?;
    let direct = matches!(encrypt, Object::Dictionary(_));
    let has_id = matches!(trailer.get(b"ID"), Ok(Object::Array(a)) if a.len() == 2);
    if !direct && has_id {
        return None;
    }
    let prev = last_startxref(bytes)?;
    let size = trailer.get(b"Size").ok()?.as_i64().ok()?.max(1);
    let mut out = bytes.to_vec();
    out.push(b'\n');
    let mut new = trailer.clone();
    let mut xref = String::new();
    if direct {
        let offset = out.len();
        out.extend_from_slice(format!("{size} 0 obj\n").as_bytes());
        write(encrypt, &mut out);
        out.extend_from_slice(b"\nendobj\n");
        xref = format!("{size} 1\n{offset:010} 00000 n \n");
        new.set("Encrypt", Object::Reference((u32::try_from(size).ok()?, 0)));
        new.set("Size", size + 1);
    }
    if !has_id {
        let empty = Object::String(Vec::new(), lopdf::StringFormat::Hexadecimal);
        new.set("ID", vec![empty.clone(), empty]);
    }
    new.set("Prev", prev as i64);
    new.remove(b"XRefStm");
    new.remove(b"Type");
    new.remove(b"W");
    new.remove(b"Index");
    new.remove(b"Filter");
    new.remove(b"DecodeParms");
    new.remove(b"Length");
    let at = out.len();
    out.extend_from_slice(format!("xref\n{xref}trailer\n").as_bytes());
    write_dict(&new, &mut out);
    out.extend_from_slice(format!("\nstartxref\n{at}\n%%EOF\n").as_bytes());
    Some(out)
}
