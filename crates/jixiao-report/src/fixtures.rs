//! Records and findings for the crate's tests.

use jixiao_record::Record;
use jixiao_score::{Finding, Severity};

/// A record of `id` in `district` and `department`, with a 年度资金总额 of `yuan` 元 when given.
pub(crate) fn record(
    id: &str,
    district: Option<&str>,
    department: Option<&str>,
    yuan: Option<i64>,
) -> Record {
    let funds = match yuan {
        Some(y) => serde_json::json!([{"row": "total", "budget_yuan": y.to_string()}]),
        None => serde_json::json!([]),
    };
    let mut r: Record = serde_json::from_value(serde_json::json!({
        "record_id": id, "form": "self_evaluation",
        "source": {"file": format!("{id}.txt"), "sha256": "", "format": "text", "pages": [],
                   "link": format!("{id}.txt")},
        "funds": funds, "indicators": [], "findings": []
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    r.district = district.map(str::to_string);
    r.department = department.map(str::to_string);
    r
}

/// A finding of `rule` at `severity` on record `id`.
pub(crate) fn finding(id: &str, rule: &str, severity: Severity) -> Finding {
    serde_json::from_value(serde_json::json!({
        "record_id": id, "rule": rule, "severity": severity, "message": rule, "link": id
    }))
    .unwrap_or_else(|e| panic!("{e}"))
}
