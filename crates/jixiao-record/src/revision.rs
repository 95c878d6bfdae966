//! What changed between two versions of a published document: the forms matched across
//! the versions and, for each, the values that differ (old → new).
//!
//! Forms are matched by kind and project name, then by their place in the file; funds
//! rows by their row, indicator rows by their levels' names — so a row inserted in the
//! middle of a table is one added row, not every later row changed. Provenance (record
//! ids, pages, boxes, links) is never a change: it differs between any two files.

use crate::{strip_provenance, Record};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// One version of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Where it is kept (the file the records name).
    pub file: String,
    /// When it was downloaded (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<String>,
}

/// One value that differs between the versions of a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueChange {
    /// The field: `year`, `funds[total].executed`, `indicators[产出指标/数量指标/培训人次].actual`.
    pub field: String,
    /// Its value in the earlier version (`null`: absent).
    pub old: Json,
    /// Its value now (`null`: absent).
    pub new: Json,
}

/// How a form fared between the versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FormChange {
    /// In both versions, with values that differ.
    Changed,
    /// Only in the new version.
    Added,
    /// Only in the earlier version.
    Removed,
}

/// A form that differs between the versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordChange {
    /// Changed, added or removed.
    pub change: FormChange,
    /// `self_evaluation`, `monitoring`, `declaration`.
    pub form: String,
    /// 项目名称 (of the new version when there is one).
    pub project_name: Option<String>,
    /// The form in the earlier version.
    pub old_record_id: Option<String>,
    /// The form now.
    pub new_record_id: Option<String>,
    /// Opens the form in the earlier version.
    pub old_link: Option<String>,
    /// Opens the form now.
    pub new_link: Option<String>,
    /// The values that differ (empty for added and removed forms).
    pub changes: Vec<ValueChange>,
}

/// A document the agency revised: its versions and the forms that differ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    /// The document's URL.
    pub url: String,
    /// When the new version was found (RFC 3339, UTC).
    pub detected_at: String,
    /// The version before.
    pub old: Version,
    /// The version now.
    pub new: Version,
    /// Forms that differ; empty when the bytes changed and no value did.
    pub records: Vec<RecordChange>,
}

fn form_name(r: &Record) -> String {
    serde_json::to_value(r.form)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The forms of `old` and `new` that differ, in the order of `new` (removed forms last).
pub fn diff_records(old: &[Record], new: &[Record]) -> Vec<RecordChange> {
    let mut used = vec![false; old.len()];
    let mut pairs: Vec<(Option<usize>, usize)> = Vec::new();
    for (j, n) in new.iter().enumerate() {
        let same_name = (0..old.len())
            .find(|&i| !used[i] && old[i].form == n.form && old[i].project_name == n.project_name);
        let same_place = || (j < old.len() && !used[j] && old[j].form == n.form).then_some(j);
        let i = same_name.or_else(same_place);
        if let Some(i) = i {
            used[i] = true;
        }
        pairs.push((i, j));
    }
    let mut out = Vec::new();
    for (i, j) in pairs {
        let n = &new[j];
        let entry = |change, o: Option<&Record>, changes| RecordChange {
            change,
            form: form_name(n),
            project_name: n.project_name.clone(),
            old_record_id: o.map(|o| o.record_id.clone()),
            new_record_id: Some(n.record_id.clone()),
            old_link: o.map(|o| o.source.link.clone()),
            new_link: Some(n.source.link.clone()),
            changes,
        };
        match i {
            Some(i) => {
                let changes = diff_values(&old[i], n);
                if !changes.is_empty() {
                    out.push(entry(FormChange::Changed, Some(&old[i]), changes));
                }
            }
            None => out.push(entry(FormChange::Added, None, Vec::new())),
        }
    }
    for (o, _) in old.iter().zip(&used).filter(|(_, u)| !**u) {
        out.push(RecordChange {
            change: FormChange::Removed,
            form: form_name(o),
            project_name: o.project_name.clone(),
            old_record_id: Some(o.record_id.clone()),
            new_record_id: None,
            old_link: Some(o.source.link.clone()),
            new_link: None,
            changes: Vec::new(),
        });
    }
    out
}

/// Values of a record that are the form's own: provenance and the keys derived from
/// other files (`duplicate_of`) left out.
fn values(r: &Record) -> BTreeMap<String, Json> {
    let mut v = strip_provenance(serde_json::to_value(r).unwrap_or(Json::Null));
    if let Some(o) = v.as_object_mut() {
        o.remove("duplicate_of");
    }
    let mut out = BTreeMap::new();
    flatten("", &v, &mut out);
    out
}

/// The name a funds or indicator row goes by in a field path: its row, or its levels.
fn row_key(list: &str, row: &Json) -> String {
    let text = |k: &str| row.get(k).and_then(Json::as_str).unwrap_or("").to_string();
    match list {
        "funds" => text("row"),
        _ => ["level1", "level2", "level3"]
            .iter()
            .map(|k| text(k))
            .collect::<Vec<_>>()
            .join("/"),
    }
}

fn flatten(prefix: &str, v: &Json, out: &mut BTreeMap<String, Json>) {
    match v {
        Json::Object(o) => {
            for (k, x) in o {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&path, x, out);
            }
        }
        Json::Array(rows) if prefix == "funds" || prefix == "indicators" => {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for row in rows {
                let key = row_key(prefix, row);
                let n = seen.entry(key.clone()).or_insert(0);
                *n += 1;
                // A second row of the same name is told apart by its count.
                let name = if *n == 1 { key } else { format!("{key}#{n}") };
                flatten(&format!("{prefix}[{name}]"), row, out);
            }
        }
        Json::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), x, out);
            }
        }
        leaf => {
            out.insert(prefix.to_string(), leaf.clone());
        }
    }
}

/// The values of two readings of a form that differ, by field path.
pub fn diff_values(old: &Record, new: &Record) -> Vec<ValueChange> {
    let (a, b) = (values(old), values(new));
    let mut fields: Vec<&String> = a.keys().chain(b.keys()).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter_map(|f| {
            let (x, y) = (
                a.get(f).cloned().unwrap_or(Json::Null),
                b.get(f).cloned().unwrap_or(Json::Null),
            );
            (x != y).then(|| ValueChange {
                field: f.clone(),
                old: x,
                new: y,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> Record {
        serde_json::from_str(json).expect("record")
    }

    const BASE: &str = r#"{"record_id":"aaaaaaaaaaaa-001","form":"self_evaluation","year":2024,
        "project_name":"甲项目","funds_unit":"万元",
        "funds":[{"row":"total","budget":"10","executed":"9","source":null}],
        "indicators":[
          {"level1":"产出指标","level2":"数量指标","level3":"培训人次","target":{"text":"≥100人"},"actual":{"text":"120人"},"source":{"line":3}},
          {"level1":"效益指标","level2":"社会效益指标","level3":"满意度","target":{"text":"≥90%"},"actual":{"text":"95%"},"source":{"line":4}}],
        "findings":[],
        "source":{"file":"old.txt","sha256":"aa","format":"text","pages":[],"link":"old.txt#L1"}}"#;

    #[test]
    fn lists_exactly_the_values_that_differ_by_name_not_place() {
        let old = record(BASE);
        let text = BASE
            .replace("aaaaaaaaaaaa-001", "bbbbbbbbbbbb-001")
            .replace("old.txt", "new.txt")
            .replace(r#""executed":"9""#, r#""executed":"9.5""#)
            .replace(
                r#""indicators":["#,
                r#""indicators":[{"level1":"产出指标","level2":"质量指标","level3":"合格率","actual":{"text":"100%"},"source":{"line":2}},"#,
            )
            .replace(r#""95%""#, r#""97%""#);
        let new = record(&text);
        let diff = diff_records(&[old], &[new]);
        assert_eq!(diff.len(), 1);
        let d = &diff[0];
        assert_eq!(d.change, FormChange::Changed);
        assert_eq!(d.old_link.as_deref(), Some("old.txt#L1"));
        assert_eq!(d.new_link.as_deref(), Some("new.txt#L1"));
        let fields: Vec<(&str, String, String)> = d
            .changes
            .iter()
            .map(|c| (c.field.as_str(), c.old.to_string(), c.new.to_string()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("funds[total].executed", "\"9\"".into(), "\"9.5\"".into()),
                (
                    "indicators[产出指标/质量指标/合格率].actual.text",
                    "null".into(),
                    "\"100%\"".into()
                ),
                (
                    "indicators[产出指标/质量指标/合格率].level1",
                    "null".into(),
                    "\"产出指标\"".into()
                ),
                (
                    "indicators[产出指标/质量指标/合格率].level2",
                    "null".into(),
                    "\"质量指标\"".into()
                ),
                (
                    "indicators[产出指标/质量指标/合格率].level3",
                    "null".into(),
                    "\"合格率\"".into()
                ),
                (
                    "indicators[效益指标/社会效益指标/满意度].actual.text",
                    "\"95%\"".into(),
                    "\"97%\"".into()
                ),
            ]
        );
    }

    #[test]
    fn same_content_elsewhere_is_no_change_and_forms_come_and_go() {
        let old = record(BASE);
        let moved = record(&BASE.replace("old.txt", "moved.txt"));
        assert!(diff_records(std::slice::from_ref(&old), &[moved]).is_empty());
        let other = record(&BASE.replace("甲项目", "乙项目").replace("-001", "-002"));
        let diff = diff_records(std::slice::from_ref(&old), &[old.clone(), other]);
        assert_eq!(diff.len(), 1);
        assert_eq!(diff[0].change, FormChange::Added);
        assert_eq!(diff[0].project_name.as_deref(), Some("乙项目"));
        let gone = diff_records(std::slice::from_ref(&old), &[]);
        assert_eq!(gone[0].change, FormChange::Removed);
        assert_eq!(gone[0].old_record_id.as_deref(), Some("aaaaaaaaaaaa-001"));
    }
}
