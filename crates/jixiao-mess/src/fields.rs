//! Records as fields, for comparing an extraction with a reviewed record field by field
//! (the golden, parity and perturbation tests count the same way).

use serde_json::Value;

/// The record without its provenance (they name the file, not the form): see
/// [`jixiao_record::strip_provenance`].
pub fn without_provenance(v: Value) -> Value {
    jixiao_record::strip_provenance(v)
}

/// A reviewed record with its derived fields — `project_key`, `form_key`, the funds
/// rows' `*_yuan` — computed again from its own reviewed fields, as the pipeline derives
/// them from what it read (golden files are reviewed for what was printed; what follows
/// from it is the derivation's, tested in `jixiao-record`). `duplicate_of` is a property
/// of a run, not of a form: null. The value is returned unchanged when it is not a record.
pub fn rederive(v: Value) -> Value {
    let Ok(mut r) = serde_json::from_value::<jixiao_record::Record>(v.clone()) else {
        return v;
    };
    r.project_key = r.derive_project_key();
    r.form_key = r.derive_form_key();
    r.duplicate_of = None;
    r.fill_yuan();
    serde_json::to_value(&r).unwrap_or(v)
}

/// A JSON value flattened into (path, leaf) pairs: `.funds[0].budget`; an empty array
/// is a leaf of its own.
pub fn leaves(v: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    walk(v, String::new(), &mut out);
    out
}

fn walk(v: &Value, path: String, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| walk(x, format!("{path}.{k}"), out)),
        Value::Array(a) if !a.is_empty() => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| walk(x, format!("{path}[{i}]"), out)),
        other => out.push((path, other.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_name_every_field_and_provenance_goes() {
        let v: Value = serde_json::from_str(
            r#"{"record_id":"x","source":{"file":"a"},"funds":[{"budget":"1"}],"indicators":[{"level3":"n","source":{"line":3}}],"goal":null,"tags":[]}"#,
        )
        .expect("json");
        let l = leaves(&without_provenance(v));
        let paths: Vec<&str> = l.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                ".funds[0].budget",
                ".goal",
                ".indicators[0].level3",
                ".tags"
            ]
        );
    }
}
