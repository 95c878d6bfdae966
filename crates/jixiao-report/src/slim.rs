//! Slim copies of records: what the auditors' files need of a record with findings.
//! An incremental run makes one for every reused record with findings, from its line of
//! the previous `records.jsonl` ([`slim_of_line`]), so that is done in one pass over the
//! line: the dropped fields are skipped as text, never built.

use jixiao_record::Record;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;

/// What the auditors' files need of a record with findings: its header, funds and
/// provenance, without indicator rows and long texts (a fraction of its size), so a run
/// keeps these instead of its records.
pub fn slim(r: &Record) -> Record {
    Record {
        indicators: Vec::new(),
        goal_planned: None,
        goal_actual: None,
        goal_project: None,
        corrective_actions: None,
        outlook_budget: None,
        outlook_goals: None,
        ..r.clone()
    }
}

/// The fields [`slim`] drops.
const SLIM_DROPS: [&str; 7] = [
    "indicators",
    "goal_planned",
    "goal_actual",
    "goal_project",
    "corrective_actions",
    "outlook_budget",
    "outlook_goals",
];

/// The list field [`slim`] empties (the others it drops are options, absent = none).
const EMPTIED: &str = "indicators";

/// [`slim`] of the record whose JSON is `line` (a line of `records.jsonl`): the record
/// is read with the dropped fields' values skipped unbuilt, `indicators` read as empty.
pub fn slim_of_line(line: &[u8]) -> Result<Record, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(line);
    let r = Record::deserialize(SlimFields(&mut de))?;
    de.end()?;
    Ok(r)
}

/// A deserializer of a JSON object that hides the fields [`slim`] drops from the
/// visitor of the type read (their values skipped), `indicators` given as `[]`.
struct SlimFields<D>(D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for SlimFields<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Objects(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Objects(visitor))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}

/// Hands the visitor the object's entries through [`Entries`].
struct Objects<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for Objects<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        self.0.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Entries {
            map,
            emptied: false,
        })
    }
}

/// An object's entries less the dropped fields.
struct Entries<A> {
    map: A,
    /// The key just given is [`EMPTIED`]: its value is an empty list.
    emptied: bool,
}

/// An object key, borrowed from the line where it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_string())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Entries<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(Key(key)) = self.map.next_key::<Key<'de>>()? {
            if !SLIM_DROPS.contains(&key.as_ref()) {
                return seed
                    .deserialize(de::value::StrDeserializer::<A::Error>::new(&key))
                    .map(Some);
            }
            self.map.next_value::<IgnoredAny>()?;
            if key == EMPTIED {
                self.emptied = true;
                return seed
                    .deserialize(de::value::StrDeserializer::<A::Error>::new(EMPTIED))
                    .map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if std::mem::take(&mut self.emptied) {
            let none = std::iter::empty::<()>();
            return seed.deserialize(de::value::SeqDeserializer::<_, A::Error>::new(none));
        }
        self.map.next_value_seed(seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slim_of_a_line_is_slim_of_its_record() {
        let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../golden/text");
        let mut n = 0;
        for e in std::fs::read_dir(golden).unwrap_or_else(|e| panic!("{e}")) {
            let p = e.unwrap_or_else(|e| panic!("{e}")).path();
            if p.extension().is_none_or(|x| x != "jsonl") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{e}"));
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let r: Record = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
                // As records.jsonl has it, with every dropped field filled.
                let written = serde_json::to_vec(&r).unwrap_or_else(|e| panic!("{e}"));
                let slimmed = slim_of_line(&written).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(slimmed, slim(&r), "{}", r.record_id);
                assert!(slimmed.indicators.is_empty() && slimmed.goal_planned.is_none());
                n += 1;
            }
        }
        assert!(n >= 100, "{n} golden records");
        assert!(slim_of_line(b"{\"record_id\": 1}").is_err());
    }

    #[test]
    fn dropped_fields_are_skipped_whatever_they_hold_and_where() {
        let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../golden/text/001_7f02990d5c4f7ac6.jsonl");
        let text = std::fs::read_to_string(golden).unwrap_or_else(|e| panic!("{e}"));
        let line = text.lines().next().unwrap_or_default();
        let r: Record = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
        assert!(!r.indicators.is_empty());
        let want = slim(&r);
        // Fields in another order (dropped ones first and last), a key with an escape,
        // dropped values of any JSON shape: the same slim record.
        let mut v: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
        let indicators = v.remove("indicators").unwrap_or_default();
        v.remove("goal_actual");
        v.remove("outlook_goals");
        let rest = serde_json::to_string(&v).unwrap_or_else(|e| panic!("{e}"));
        let inner = &rest[1..rest.len() - 1];
        let text = format!(
            "{{\"indicators\":{indicators},\"outlook_goals\":\"x\\\"}}\",{inner},\"goal_actual\":{{\"a\":[1,\"}}\"]}}}}"
        );
        assert!(text.starts_with("{\"indicators\":[{") && text.ends_with("[1,\"}\"]}}"));
        let mut bytes = text.clone().into_bytes();
        let escaped = text.replacen("\"record_id\"", "\"record\\u005fid\"", 1);
        assert!(escaped.contains("record\\u005fid"));
        assert_eq!(slim_of_line(&bytes).ok().as_ref(), Some(&want));
        assert_eq!(slim_of_line(escaped.as_bytes()).ok().as_ref(), Some(&want));
        // Not JSON, or more after the object: errors.
        bytes.extend_from_slice(b" {}");
        assert!(slim_of_line(&bytes).is_err());
        assert!(slim_of_line(b"{\"record_id\":").is_err());
        assert!(slim_of_line(b"[]").is_err());
    }
}
