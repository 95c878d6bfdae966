//! Dates, years, periods and districts.

use crate::segment::year_line;
use jixiao_grid::{Grid, Row};
use regex::Regex;
use std::sync::LazyLock;

pub(crate) static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(?:至|-|—|~|到)\s*(20\d{2})\s*年\s*(\d{1,2})\s*月",
    )
    .expect("static regex")
});
pub(crate) static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(20\d{2})\s*年度").expect("static regex"));
pub(crate) static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})").expect("static regex")
});

pub(crate) const DISTRICTS: [&str; 16] = [
    "黄浦区",
    "徐汇区",
    "长宁区",
    "静安区",
    "普陀区",
    "虹口区",
    "杨浦区",
    "闵行区",
    "宝山区",
    "嘉定区",
    "浦东新区",
    "金山区",
    "松江区",
    "青浦区",
    "奉贤区",
    "崇明区",
];
pub(crate) static DISTRICT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"市(\p{Han}{1,3}?(?:新区|区|县))").expect("static regex"));

pub(crate) fn district_of(texts: &[&Option<String>]) -> Option<String> {
    for t in texts.iter().filter_map(|t| t.as_deref()) {
        if let Some(d) = DISTRICTS.iter().find(|d| t.contains(*d)) {
            return Some((*d).to_string());
        }
    }
    for t in texts.iter().filter_map(|t| t.as_deref()) {
        if let Some(c) = DISTRICT.captures(t) {
            return c.get(1).map(|m| m.as_str().to_string());
        }
    }
    None
}

pub(crate) fn iso_date(s: &str) -> Option<String> {
    let c = DATE.captures(s)?;
    let y: u32 = c.get(1)?.as_str().parse().ok()?;
    let m: u32 = c.get(2)?.as_str().parse().ok()?;
    let d: u32 = c.get(3)?.as_str().parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

pub(crate) static PROSE_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(20\d{2})\s*年").expect("static regex"));

/// Last resort for forms whose title carries no year: the year the form's own text
/// mentions most often (`在2023年计划开展…`).
pub(crate) fn year_in_prose(rows: &[Row]) -> Option<i32> {
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for r in rows {
        for c in PROSE_YEAR.captures_iter(&r.joined()) {
            if let Some(y) = c.get(1).and_then(|m| m.as_str().parse::<i32>().ok()) {
                match counts.iter_mut().find(|(v, _)| *v == y) {
                    Some(e) => e.1 += 1,
                    None => counts.push((y, 1)),
                }
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts.first().map(|(y, _)| *y)
}

/// The year a whole file speaks of: its first stand-alone year line, if any.
pub(crate) fn file_year(grid: &Grid) -> Option<i32> {
    grid.rows.iter().find_map(year_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_districts_and_years() {
        assert_eq!(iso_date("2024年3月5日").as_deref(), Some("2024-03-05"));
        assert_eq!(iso_date("2024-13-05"), None);
        let dept = Some("上海市闵行区人力资源和社会保障局".to_string());
        assert_eq!(district_of(&[&None, &dept]).as_deref(), Some("闵行区"));
        let rows = jixiao_text::parse("在2023年计划开展\t2023年完成\t对比2022年\n").rows;
        assert_eq!(year_in_prose(&rows), Some(2023));
    }
}
