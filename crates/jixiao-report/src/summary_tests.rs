//! [`summary`] against the summary as it was first written (a map of rows, each with
//! the set of its forms, and one map of amounts), on findings in every arrangement the
//! streamed one must get right.

use super::*;
use crate::fixtures::{finding, record};
use std::collections::{BTreeMap, BTreeSet};

/// The first summary: clear and memory-hungry, kept as the oracle.
fn summary_by_maps(store: &FindingStore) -> Vec<SummaryRow> {
    type Key<'s> = (u8, &'s str, &'s str, usize, &'s str);
    let mut groups: BTreeMap<Key, (usize, BTreeSet<&str>)> = BTreeMap::new();
    let mut amounts: HashMap<&str, Decimal> = HashMap::new();
    for i in 0..store.len() as u32 {
        let rule = store.rule(i);
        let rule_pos = jixiao_score::RULES
            .iter()
            .position(|r| r.id == rule)
            .unwrap_or(usize::MAX);
        let key = (
            store.rank(i),
            store.district(i),
            store.department(i).unwrap_or_default(),
            rule_pos,
            rule,
        );
        let e = groups.entry(key).or_default();
        e.0 += 1;
        e.1.insert(store.record_id(i));
        if let Some(a) = store.amount(i) {
            amounts.insert(store.record_id(i), a);
        }
    }
    groups
        .into_iter()
        .map(
            |((rank, district, department, _, rule), (n, forms))| SummaryRow {
                district: district.to_string(),
                department: department.to_string(),
                rule: rule.to_string(),
                severity: severity_of_rank(rank),
                findings: n,
                forms: forms.len(),
                amount_yuan: forms.iter().filter_map(|id| amounts.get(id)).sum(),
            },
        )
        .collect()
}

#[test]
fn the_streamed_summary_is_the_summary_of_maps() {
    // Districts and departments out of string order, forms without a department or an
    // amount, two rules of the list in reverse list order, two rules not in it, forms
    // with several findings of one rule, and a form whose id repeats (the same file at
    // two paths) with findings on both copies.
    let places = [
        (Some("乙区"), Some("教育局")),
        (Some("甲区"), None),
        (Some("乙区"), Some("财政局")),
        (None, Some("教育局")),
        (Some("甲区"), Some("")),
    ];
    let rules = ["funds.sum", "funds.rate", "zz.unknown", "aa.unknown"];
    let severities = [
        Severity::Error,
        Severity::Warning,
        Severity::Review,
        Severity::Info,
    ];
    let mut records = Vec::new();
    let mut findings = Vec::new();
    for n in 0..60usize {
        // Ids repeat every 17 records: copies of one form, so the same place and amount.
        let form = n % 17;
        let id = format!("{form:012x}-{:03}", 1 + form % 3);
        let (district, department) = places[form % places.len()];
        let yuan = (form % 4 != 0).then_some(1000 + form as i64 * 37);
        records.push(record(&id, district, department, yuan));
        for k in 0..(n % 5) {
            // Findings two by two of one rule and severity.
            let (rule, severity) = (
                rules[(n + k / 2) % rules.len()],
                severities[(n * 3 + k / 2) % 4],
            );
            findings.push(finding(&id, rule, severity));
        }
    }
    let store = FindingStore::of(&records, &findings).unwrap_or_else(|e| panic!("{e}"));
    assert!(store.len() > 100);
    let want = summary_by_maps(&store);
    let got = summary(&store);
    assert!(want.len() > 20, "{} rows", want.len());
    assert!(
        want.iter().any(|r| r.forms < r.findings),
        "a form with several findings of a rule"
    );
    assert_eq!(got, want);
}
