//! Test support: a reviewed form's text export, perturbed the way real exports are.
//!
//! A form is its rows of tab-separated cells ([`rows_of`]). Each [`Kind`] of mess is one
//! mechanism seen in published exports — labels split across columns, rows shifted
//! against their header, cells wrapped onto a continuation line, spacer columns that move,
//! OCR confusions, the title line lost, merged labels centred in their region instead of
//! top-aligned, HTML remnants, debris cells — applied with a seeded generator, so every
//! perturbed form can be rebuilt from its kind and seed. Nothing here knows a project
//! name, a line number or a column count: labels are recognised by the forms' own
//! vocabulary, regions by the header row.
//!
//! [`bombs`] rebuilds the hostile files (resource bombs) that once stopped whole runs;
//! [`rulings`] makes borderless PDFs of the forms from ruled ones.

pub mod bombs;
pub mod fields;
pub mod rulings;

/// A small deterministic generator (SplitMix64): the same seed gives the same mess on
/// every machine and every version.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64) / ((1u64 << 53) as f64) < p
    }
}

/// One mechanism of mess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Labels split over two cells (`项目 | 名称`, `产出 | 指标`).
    SplitLabels,
    /// Rows shifted right by one or two columns, or left by one.
    ShiftRows,
    /// Long text cells wrapped: the rest of the text on a continuation line, same column
    /// (numbers and measures are printed whole).
    WrapCells,
    /// An empty column inserted at a place that changes from row to row.
    Spacers,
    /// Confusions an OCR engine made in the municipal bureau's export (file 000): label
    /// characters misread or split, full-width punctuation turned half-width, spaces
    /// inside labels.
    OcrConfusions,
    /// The title line lost (its year line kept).
    DropTitle,
    /// Merged level labels centred in their region instead of on its first row.
    CentreLabels,
    /// HTML remnants around and inside cells (`<p>`, `<br>`, `&nbsp;`).
    HtmlRemnants,
    /// Debris cells (`,,,`, `·`, `|`) inserted into rows.
    Debris,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 9] = [
        Kind::SplitLabels,
        Kind::ShiftRows,
        Kind::WrapCells,
        Kind::Spacers,
        Kind::OcrConfusions,
        Kind::DropTitle,
        Kind::CentreLabels,
        Kind::HtmlRemnants,
        Kind::Debris,
    ];

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Kind::SplitLabels => "split_labels",
            Kind::ShiftRows => "shift_rows",
            Kind::WrapCells => "wrap_cells",
            Kind::Spacers => "spacers",
            Kind::OcrConfusions => "ocr_confusions",
            Kind::DropTitle => "drop_title",
            Kind::CentreLabels => "centre_labels",
            Kind::HtmlRemnants => "html_remnants",
            Kind::Debris => "debris",
        }
    }
}

/// A form's rows of cells.
pub type Rows = Vec<Vec<String>>;

/// Rows of a text export (tab-separated).
pub fn rows_of(text: &str) -> Rows {
    text.lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// Rows back to a text export.
pub fn to_text(rows: &Rows) -> String {
    let mut s = String::new();
    for r in rows {
        s.push_str(&r.join("\t"));
        s.push('\n');
    }
    s
}

/// Labels the forms print (headers, level names): the cells split and confused.
const LABELS: [&str; 41] = [
    "项目名称",
    "主管部门",
    "实施单位",
    "项目资金",
    "年初预算数",
    "全年预算数",
    "全年执行数",
    "执行率",
    "年度资金总额",
    "当年财政拨款",
    "上年结转资金",
    "其他资金",
    "年度总体目标",
    "预期目标",
    "实际完成情况",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "偏差原因分析及改进措施",
    "产出指标",
    "效益指标",
    "满意度指标",
    "成本指标",
    "数量指标",
    "质量指标",
    "时效指标",
    "社会效益指标",
    "经济效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "经济成本指标",
    "总分",
    "评分等级",
    "项目性质",
    "项目类别",
    "计划开始日期",
    "计划完成日期",
    "跟踪时段",
];

/// Level-name labels, whose merged cells span regions of the indicator table.
fn is_level_label(t: &str) -> bool {
    t.trim().ends_with("指标") && LABELS.contains(&t.trim())
}

fn is_label(t: &str) -> bool {
    let t = t.trim();
    LABELS
        .iter()
        .any(|l| t == *l || (t.starts_with(l) && t.chars().count() <= 12))
}

/// OCR confusions of file 000 (its text against the reviewed records): whole-label
/// misreadings and the character-level ones.
const OCR_LABELS: [(&str, &str); 10] = [
    ("三级指标", "三级扫旨标"),
    ("项目名称", "项目夕称"),
    ("实施单位", "实施单立"),
    ("预期目标", "预i期目标"),
    ("全年执行数", "全年执行一数"),
    ("年度总体目标", "年度总标目标"),
    ("实际完成情况", "实际完成情·行况"),
    ("偏差原因分析及改进措施", "偏差原因及改进抗"),
    ("服务对象满意度指标", "指服 对 满 度 标"),
    ("满意度指标", "满意 度指 标"),
];

/// Character confusions that keep a value's meaning and its printed text once cleaned
/// (the cleaning folds width). `≥` read as `>=` is not among them: the record keeps the
/// text as printed, so it would differ rightly.
const OCR_CHARS: [(&str, &str); 4] = [("：", ":"), ("（", "("), ("）", ")"), ("，", ",")];

/// Debris OCR leaves in cells of its own.
const DEBRIS: [&str; 6] = [",,,", "·", "|", "_", ".", "、"];

/// The perturbed copy of `rows` for `kind` and `seed`.
pub fn perturb(rows: &Rows, kind: Kind, seed: u64) -> Rows {
    let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(kind as u64));
    match kind {
        Kind::SplitLabels => split_labels(rows, &mut rng),
        Kind::ShiftRows => shift_rows(rows, &mut rng),
        Kind::WrapCells => wrap_cells(rows, &mut rng),
        Kind::Spacers => spacers(rows, &mut rng),
        Kind::OcrConfusions => ocr(rows, &mut rng),
        Kind::DropTitle => drop_title(rows),
        Kind::CentreLabels => centre_labels(rows),
        Kind::HtmlRemnants => html(rows, &mut rng),
        Kind::Debris => debris(rows, &mut rng),
    }
}

/// `kinds` applied one after another, each with its own seed drawn from `seed`.
pub fn perturb_all(rows: &Rows, kinds: &[Kind], seed: u64) -> Rows {
    let mut rng = Rng::new(seed);
    let mut out = rows.clone();
    for &k in kinds {
        out = perturb(&out, k, rng.next_u64());
    }
    out
}

/// Share of label cells split.
const SPLIT_SHARE: f64 = 0.5;

fn split_labels(rows: &Rows, rng: &mut Rng) -> Rows {
    rows.iter()
        .map(|r| {
            let mut out: Vec<String> = Vec::with_capacity(r.len() + 2);
            let mut i = 0;
            while i < r.len() {
                let c = &r[i];
                let chars: Vec<char> = c.trim().chars().collect();
                if is_label(c) && chars.len() >= 3 && rng.chance(SPLIT_SHARE) {
                    let k = 1 + rng.below(chars.len() - 1);
                    out.push(chars[..k].iter().collect());
                    let rest: String = chars[k..].iter().collect();
                    // Into the empty cell beside it when there is one, else a new column.
                    if r.get(i + 1).is_some_and(|n| n.trim().is_empty()) {
                        out.push(rest);
                        i += 2;
                        continue;
                    }
                    out.push(rest);
                } else {
                    out.push(c.clone());
                }
                i += 1;
            }
            out
        })
        .collect()
}

/// Share of rows shifted.
const SHIFT_SHARE: f64 = 0.25;

fn shift_rows(rows: &Rows, rng: &mut Rng) -> Rows {
    rows.iter()
        .map(|r| {
            let mut r = r.clone();
            if !rng.chance(SHIFT_SHARE) {
                return r;
            }
            if rng.chance(0.7) {
                for _ in 0..1 + rng.below(2) {
                    r.insert(0, String::new());
                }
            } else if r.first().is_some_and(|c| c.trim().is_empty()) {
                r.remove(0);
            }
            r
        })
        .collect()
}

/// Shortest cell wrapped, in characters.
const WRAP_MIN_CHARS: usize = 8;
/// Share of such cells wrapped.
const WRAP_SHARE: f64 = 0.3;

fn wrap_cells(rows: &Rows, rng: &mut Rng) -> Rows {
    let mut out = Vec::with_capacity(rows.len() * 2);
    for r in rows {
        let mut head = r.clone();
        let mut cont: Vec<String> = vec![String::new(); r.len()];
        let mut wrapped = false;
        for (i, c) in r.iter().enumerate() {
            let chars: Vec<char> = c.trim().chars().collect();
            // Text wraps in a narrow column; numbers and measures are printed whole.
            let cjk = chars
                .iter()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(*c))
                .count();
            if chars.len() >= WRAP_MIN_CHARS && cjk * 2 >= chars.len() && rng.chance(WRAP_SHARE) {
                let k = chars.len() / 3 + rng.below(chars.len() / 3 + 1);
                head[i] = chars[..k].iter().collect();
                cont[i] = chars[k..].iter().collect();
                wrapped = true;
            }
        }
        out.push(head);
        if wrapped {
            out.push(cont);
        }
    }
    out
}

/// Share of rows that get a spacer column.
const SPACER_SHARE: f64 = 0.3;

fn spacers(rows: &Rows, rng: &mut Rng) -> Rows {
    rows.iter()
        .map(|r| {
            let mut r = r.clone();
            if rng.chance(SPACER_SHARE) {
                let at = rng.below(r.len() + 1);
                r.insert(at, String::new());
            }
            r
        })
        .collect()
}

/// Share of cells an OCR confusion hits.
const OCR_SHARE: f64 = 0.3;

fn ocr(rows: &Rows, rng: &mut Rng) -> Rows {
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    if !rng.chance(OCR_SHARE) {
                        return c.clone();
                    }
                    let t = c.trim();
                    if let Some((_, bad)) = OCR_LABELS.iter().find(|(good, _)| t == *good) {
                        return bad.to_string();
                    }
                    let mut s = c.clone();
                    for (good, bad) in OCR_CHARS {
                        s = s.replace(good, bad);
                    }
                    s
                })
                .collect()
        })
        .collect()
}

fn drop_title(rows: &Rows) -> Rows {
    rows.iter()
        .filter_map(|r| {
            let joined: String = r.concat();
            let filled = r.iter().filter(|c| !c.trim().is_empty()).count();
            let title = filled <= 2
                && ["绩效自评表", "绩效跟踪表", "目标申报表", "自我评价表"]
                    .iter()
                    .any(|t| joined.contains(t));
            if !title {
                return Some(r.clone());
            }
            // Keep a year printed on the title line: `(2024年度)`.
            let year = joined
                .find('(')
                .or_else(|| joined.find('（'))
                .map(|i| joined[i..].trim().to_string())
                .filter(|y| y.contains("年度"));
            year.map(|y| vec![y])
        })
        .collect()
}

/// True for a row that closes the indicator table.
fn closes_table(r: &[String]) -> bool {
    let first = r.iter().find(|c| !c.trim().is_empty()).map(|c| c.trim());
    first.is_some_and(|f| f.starts_with("总分") || f.starts_with("评分等级"))
}

fn centre_labels(rows: &Rows) -> Rows {
    let mut out = rows.clone();
    let Some(h) = rows
        .iter()
        .position(|r| r.iter().any(|c| c.trim() == "一级指标"))
    else {
        return out;
    };
    let end = (h + 1..rows.len())
        .find(|&i| closes_table(&rows[i]) || rows[i].iter().all(|c| c.trim().is_empty()))
        .unwrap_or(rows.len());
    for label in ["一级指标", "二级指标"] {
        let Some(col) = rows[h].iter().position(|c| c.trim() == label) else {
            continue;
        };
        let starts: Vec<usize> = (h + 1..end)
            .filter(|&i| rows[i].get(col).is_some_and(|c| is_level_label(c)))
            .collect();
        for (k, &s) in starts.iter().enumerate() {
            // A region ends where the next label of this column, or of the column to its
            // left, begins.
            let next = starts.get(k + 1).copied().unwrap_or(end);
            let left_next = (s + 1..next)
                .find(|&i| {
                    col > 0
                        && rows[i]
                            .get(col - 1)
                            .is_some_and(|c| is_level_label(c) && label == "二级指标")
                })
                .unwrap_or(next);
            let region = left_next - s;
            let mid = s + (region - 1) / 2;
            if mid != s && out[mid].len() > col && out[mid][col].trim().is_empty() {
                out[mid][col] = std::mem::take(&mut out[s][col]);
            }
        }
    }
    out
}

/// Share of cells with HTML remnants.
const HTML_SHARE: f64 = 0.15;

fn html(rows: &Rows, rng: &mut Rng) -> Rows {
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    if c.trim().is_empty() || !rng.chance(HTML_SHARE) {
                        return c.clone();
                    }
                    let chars: Vec<char> = c.chars().collect();
                    match rng.below(3) {
                        0 => format!("<p>{c}</p>"),
                        1 if chars.len() >= 12 => {
                            let k = chars.len() / 2;
                            format!(
                                "{}<br>{}",
                                chars[..k].iter().collect::<String>(),
                                chars[k..].iter().collect::<String>()
                            )
                        }
                        _ => format!("{c}&nbsp;"),
                    }
                })
                .collect()
        })
        .collect()
}

/// Share of rows that get a debris cell.
const DEBRIS_SHARE: f64 = 0.15;

fn debris(rows: &Rows, rng: &mut Rng) -> Rows {
    rows.iter()
        .map(|r| {
            let mut r = r.clone();
            if !r.iter().all(|c| c.trim().is_empty()) && rng.chance(DEBRIS_SHARE) {
                let at = rng.below(r.len() + 1);
                r.insert(at, DEBRIS[rng.below(DEBRIS.len())].to_string());
            }
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Rows {
        rows_of(
            "财政项目支出绩效自评表 (2024年度)\n\
             项目名称\t\t某项目\n\
             一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n\
             产出指标\t数量指标\t培训人次数\t≥90(人次)\t95(人次)\t10\t10\n\
             \t\t培训合格率\t≥90(%)\t95(%)\t10\t10\n\
             \t质量指标\t培训满意度\t≥90(%)\t95(%)\t10\t10\n\
             总分\t\t\t\t\t100\t100\n",
        )
    }

    #[test]
    fn the_same_seed_gives_the_same_mess_and_another_seed_another() {
        for k in Kind::ALL {
            assert_eq!(perturb(&form(), k, 7), perturb(&form(), k, 7), "{k:?}");
        }
        let differ = (0..20).any(|s| perturb(&form(), Kind::ShiftRows, s) != form());
        assert!(differ);
    }

    #[test]
    fn each_kind_does_what_it_says() {
        let f = form();
        assert!(drop_title(&f)
            .iter()
            .all(|r| !r.concat().contains("自评表")));
        assert!(drop_title(&f).iter().any(|r| r.concat() == "(2024年度)"));
        // Centred: 产出指标 spans three rows, so it moves to the middle one.
        let c = centre_labels(&f);
        assert_eq!(c[3][0], "");
        assert_eq!(c[4][0], "产出指标");
        // Splits keep every character, in order.
        let s = perturb(&f, Kind::SplitLabels, 3);
        assert_eq!(to_text(&s).replace('\t', ""), to_text(&f).replace('\t', ""));
        let w = perturb(&f, Kind::WrapCells, 1);
        assert!(w.len() >= f.len());
    }
}
