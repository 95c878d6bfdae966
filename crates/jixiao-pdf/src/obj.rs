//! lopdf object helpers shared by the content interpreter and the fonts: one notion of a
//! number (finite only), of a name, and of following references.

use lopdf::{Dictionary, Document, Object, Stream};

/// Follows a reference (and chains of them); anything else is returned as it is.
pub(crate) fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map_or(o, |(_, o)| o)
}

/// The entry `key` of `d`, references followed.
pub(crate) fn get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().map(|o| resolve(doc, o))
}

/// A finite number; integers widened. NaN and infinities are not numbers here.
pub(crate) fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

/// The name entry `key` of `d`.
pub(crate) fn name<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(doc, d, key)? {
        Object::Name(n) => Some(n.as_slice()),
        _ => None,
    }
}

/// The stream entry `key` of `d`.
pub(crate) fn stream<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Stream> {
    match get(doc, d, key)? {
        Object::Stream(s) => Some(s),
        _ => None,
    }
}

/// A stream's decoded data, at most `limit` bytes; `None` when a filter fails or the data
/// would exceed the limit (see [`decoded`] for the reason).
pub(crate) fn stream_data(doc: &Document, s: &Stream, limit: usize) -> Option<Vec<u8>> {
    decoded(doc, s, limit).ok()
}

/// A stream's decoded data, at most `limit` bytes, through every standard filter
/// (Flate and LZW with predictors, ASCII85, ASCIIHex, RunLength), `/Filter` and
/// `/DecodeParms` followed when they are references (or arrays holding them).
pub(crate) fn decoded(doc: &Document, s: &Stream, limit: usize) -> Result<Vec<u8>, String> {
    let indirect = |k: &[u8]| match s.dict.get(k) {
        Ok(Object::Reference(_)) => true,
        Ok(Object::Array(a)) => a.iter().any(|o| matches!(o, Object::Reference(_))),
        _ => false,
    };
    if s.dict.get(b"Filter").is_err() {
        return if s.content.len() <= limit {
            Ok(s.content.clone())
        } else {
            Err(format!("stream over {limit} bytes"))
        };
    }
    if !indirect(b"Filter") && !indirect(b"DecodeParms") {
        return s
            .decompressed_content_with_limit(limit)
            .map_err(|e| e.to_string());
    }
    let mut direct = s.clone();
    for k in [&b"Filter"[..], b"DecodeParms"] {
        if let Ok(o) = s.dict.get(k) {
            let v = match resolve(doc, o) {
                Object::Array(a) => {
                    Object::Array(a.iter().map(|x| resolve(doc, x).clone()).collect())
                }
                other => other.clone(),
            };
            direct.dict.set(k.to_vec(), v);
        }
    }
    direct
        .decompressed_content_with_limit(limit)
        .map_err(|e| e.to_string())
}
