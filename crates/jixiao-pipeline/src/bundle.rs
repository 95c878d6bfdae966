//! Zip bundles of attachments: every member read as a file of its own (provenance
//! `bundle.zip!/member.pdf`, the member's own hash in its records' ids, so a member gives
//! the records it gives alone), bundles nested at most [`Limits::depth`] deep. Bounded in
//! members, bytes per member and bytes in all; a member whose name leaves the bundle
//! (`../x`, `/etc/x`, `C:\x`) makes the whole bundle refused.

use crate::{extract_nested, sha256_hex, ExtractError, Options, Sink};
use jixiao_record::Record;
use std::io::Read;
use std::path::Path;

/// Bounds on one bundle.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most members read.
    pub members: usize,
    /// Largest member, inflated (bytes).
    pub member_bytes: u64,
    /// Most bytes inflated from all members (the bomb bound).
    pub total_bytes: u64,
    /// Bundles inside bundles, at most.
    pub depth: usize,
}

/// The bounds `jixiao` reads bundles with: 10 000 members, 256 MiB a member, 1 GiB in
/// all, two levels.
pub const LIMITS: Limits = Limits {
    members: 10_000,
    member_bytes: 256 * 1024 * 1024,
    total_bytes: 1024 * 1024 * 1024,
    depth: 2,
};

/// A member's name as stored: UTF-8 when flagged or valid, else GBK (Windows zips of
/// Chinese file names).
fn member_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GBK.decode(raw).0.into_owned(),
    }
}

/// True when a member name stays inside the bundle.
fn safe(name: &str) -> bool {
    let n = name.replace('\\', "/");
    let absolute = n.starts_with('/') || (n.len() > 1 && n.as_bytes()[1] == b':');
    let up = n.split('/').any(|c| c == "..");
    !(absolute || up)
}

/// Reads every member of a bundle; `depth` is this bundle's nesting (0 for a file).
/// Members' errors go to `sink`, unless the bundle is refused as a whole.
pub(crate) fn extract(
    bytes: &[u8],
    file: &str,
    opts: &Options,
    depth: usize,
    limits: &Limits,
    sink: &mut Sink,
) -> Result<Vec<Record>, ExtractError> {
    let before = sink.errors.len();
    let r = members(bytes, file, opts, depth, limits, sink);
    if r.is_err() {
        sink.errors.truncate(before);
    }
    r
}

fn members(
    bytes: &[u8],
    file: &str,
    opts: &Options,
    depth: usize,
    limits: &Limits,
    sink: &mut Sink,
) -> Result<Vec<Record>, ExtractError> {
    let refuse = |reason: String| ExtractError::Bundle {
        file: file.to_string(),
        reason,
    };
    if depth >= limits.depth {
        return Err(refuse(format!(
            "a bundle nested {} deep (limit {})",
            depth + 1,
            limits.depth
        )));
    }
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| refuse(e.to_string()))?;
    if zip.len() > limits.members {
        return Err(refuse(format!(
            "{} members (limit {})",
            zip.len(),
            limits.members
        )));
    }
    // Names first: one escaping name refuses the bundle before anything is inflated.
    let mut members: Vec<(usize, String)> = Vec::new();
    for i in 0..zip.len() {
        let m = zip.by_index_raw(i).map_err(|e| refuse(e.to_string()))?;
        if m.is_dir() {
            continue;
        }
        let name = member_name(m.name_raw());
        if !safe(&name) {
            return Err(refuse(format!("member {name} would leave the bundle")));
        }
        members.push((i, name));
    }
    members.sort_by(|a, b| a.1.cmp(&b.1));
    let mut total = 0u64;
    let mut records = Vec::new();
    let failed_before = sink.errors.len();
    for (i, name) in members {
        let mut m = zip.by_index(i).map_err(|e| refuse(e.to_string()))?;
        let mut data = Vec::new();
        (&mut m)
            .take(limits.member_bytes + 1)
            .read_to_end(&mut data)
            .map_err(|e| refuse(format!("member {name}: {e}")))?;
        if data.len() as u64 > limits.member_bytes {
            return Err(refuse(format!(
                "member {name} inflates past {} bytes",
                limits.member_bytes
            )));
        }
        total += data.len() as u64;
        if total > limits.total_bytes {
            return Err(refuse(format!(
                "members inflate past {} bytes in all",
                limits.total_bytes
            )));
        }
        let label = format!("{file}!/{name}");
        match extract_nested(
            &data,
            &sha256_hex(&data),
            Path::new(&name),
            &label,
            opts,
            depth + 1,
            sink,
        ) {
            Ok(r) => records.extend(r),
            // A member without forms (a cover letter) is no error of the bundle's.
            Err(ExtractError::NoForms { .. }) => {}
            Err(e) => sink.errors.push(e),
        }
    }
    if records.is_empty() && sink.errors.len() == failed_before {
        return Err(ExtractError::NoForms {
            file: file.to_string(),
            detail: " in any of its members".into(),
        });
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn bundle(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (n, d) in members {
            z.start_file(*n, opts).expect("start");
            z.write_all(d).expect("write");
        }
        z.finish().expect("finish");
        out.into_inner()
    }

    #[test]
    fn names_that_leave_the_bundle_refuse_it() {
        for bad in [
            "../evil.txt",
            "a/../../x",
            "/etc/passwd",
            "C:\\x.pdf",
            "..\\x",
        ] {
            assert!(!safe(bad), "{bad}");
        }
        assert!(safe("绩效/自评表.pdf"));
        let b = bundle(&[("ok.txt", b"x"), ("../evil.txt", b"y")]);
        let r = top(&b, &LIMITS);
        assert!(
            matches!(&r, Err(ExtractError::Bundle { reason, .. }) if reason.contains("../evil.txt")),
            "{r:?}"
        );
        assert_eq!(
            member_name(&encoding_rs::GBK.encode("自评表.pdf").0),
            "自评表.pdf"
        );
    }

    /// Reads a bundle given as a file (depth 0) under `limits`.
    fn top(b: &[u8], limits: &Limits) -> Result<Vec<Record>, ExtractError> {
        extract(
            b,
            "b.zip",
            &Options::default(),
            0,
            limits,
            &mut Sink::default(),
        )
    }

    #[test]
    fn bombs_are_refused_by_the_bounds() {
        let zeros = vec![0u8; 4 << 20];
        let b = bundle(&[("a.bin", &zeros), ("b.bin", &zeros)]);
        assert!(b.len() < 64 << 10, "{}", b.len());
        let small = Limits {
            member_bytes: 1 << 20,
            ..LIMITS
        };
        let r = top(&b, &small);
        assert!(
            matches!(&r, Err(ExtractError::Bundle { reason, .. }) if reason.contains("inflates")),
            "{r:?}"
        );
        let total = Limits {
            total_bytes: 6 << 20,
            ..LIMITS
        };
        let r = top(&b, &total);
        assert!(
            matches!(&r, Err(ExtractError::Bundle { reason, .. }) if reason.contains("in all")),
            "{r:?}"
        );
        // Nesting past the limit.
        let inner = bundle(&[("x.txt", b"x")]);
        let outer = bundle(&[("in.zip", &inner)]);
        // Nesting past the limit: the inner bundle is refused, an error of the outer's.
        let mut sink = Sink::default();
        let r = extract(&outer, "o.zip", &Options::default(), 1, &LIMITS, &mut sink);
        assert!(matches!(&r, Ok(v) if v.is_empty()), "{r:?}");
        assert!(
            matches!(&sink.errors[..], [ExtractError::Bundle { file, reason }]
                if reason.contains("nested") && file == "o.zip!/in.zip"),
            "{:?}",
            sink.errors
        );
    }
}

/// The bytes of a member named as records name it inside `bytes` (a bundle): `path` is
/// the part after the bundle's own name — `member.pdf`, or `inner.zip!/member.pdf` for
/// nested bundles. Bounded by `limits` like reading (depth, one member's size).
pub fn member(bytes: &[u8], path: &str, limits: &Limits) -> Result<Vec<u8>, String> {
    let mut data = bytes.to_vec();
    for (depth, name) in path.split("!/").enumerate() {
        if depth >= limits.depth {
            return Err(format!(
                "nested {} deep (limit {})",
                depth + 1,
                limits.depth
            ));
        }
        let mut zip =
            zip::ZipArchive::new(std::io::Cursor::new(&data)).map_err(|e| e.to_string())?;
        let index = (0..zip.len())
            .find(|&i| {
                zip.by_index_raw(i)
                    .is_ok_and(|m| !m.is_dir() && member_name(m.name_raw()) == name)
            })
            .ok_or_else(|| format!("no member {name}"))?;
        let mut m = zip.by_index(index).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        (&mut m)
            .take(limits.member_bytes + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("member {name}: {e}"))?;
        if out.len() as u64 > limits.member_bytes {
            return Err(format!(
                "member {name} inflates past {} bytes",
                limits.member_bytes
            ));
        }
        drop(m);
        data = out;
    }
    Ok(data)
}

#[cfg(test)]
mod member_tests {
    use super::*;

    #[test]
    fn members_are_found_by_the_names_records_give_them() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let zip = std::fs::read(root.join("samples/zip/attachments.zip")).expect("bundle");
        let text = std::fs::read(root.join("samples/text/001_7f02990d5c4f7ac6.txt")).expect("txt");
        // Nested: the text export inside the bundle inside the bundle.
        let got = member(&zip, "更多/text.zip!/001_7f02990d5c4f7ac6.txt", &LIMITS).expect("member");
        assert_eq!(got, text);
        assert!(member(&zip, "更多/none.txt", &LIMITS).is_err());
        let shallow = Limits { depth: 1, ..LIMITS };
        assert!(member(&zip, "更多/text.zip!/001_7f02990d5c4f7ac6.txt", &shallow).is_err());
    }
}
