//! The closed vocabularies of the forms and how labels are recognised in noisy text.
//!
//! Labels are matched on [`key`]s (width-folded, no whitespace or punctuation), never on
//! column positions. Indicator levels come from the national framework: every 二级指标
//! belongs to exactly one 一级指标, so a recognised level 2 also tells level 1.

use jixiao_grid::text::key;

/// 一级指标 names.
pub const LEVEL1: [&str; 4] = ["成本指标", "产出指标", "效益指标", "满意度指标"];

/// 二级指标 names and the 一级指标 each belongs to.
pub const LEVEL2: [(&str, &str); 11] = [
    ("经济成本指标", "成本指标"),
    ("社会成本指标", "成本指标"),
    ("生态环境成本指标", "成本指标"),
    ("数量指标", "产出指标"),
    ("质量指标", "产出指标"),
    ("时效指标", "产出指标"),
    ("经济效益指标", "效益指标"),
    ("社会效益指标", "效益指标"),
    ("生态效益指标", "效益指标"),
    ("可持续影响指标", "效益指标"),
    ("服务对象满意度指标", "满意度指标"),
];

/// A recognised indicator level label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// A 一级指标 (canonical name).
    One(&'static str),
    /// A 二级指标 (canonical name).
    Two(&'static str),
}

impl Level {
    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Level::One(n) | Level::Two(n) => n,
        }
    }
}

/// The 一级指标 a 二级指标 belongs to.
pub fn parent_of(level2: &str) -> Option<&'static str> {
    LEVEL2.iter().find(|(n, _)| *n == level2).map(|(_, p)| *p)
}

fn all_levels() -> impl Iterator<Item = Level> {
    LEVEL1
        .iter()
        .map(|n| Level::One(n))
        .chain(LEVEL2.iter().map(|(n, _)| Level::Two(n)))
}

/// Characters of `a` that also occur in `b`, counted as a multiset.
fn overlap(a: &str, b: &str) -> usize {
    let mut pool: Vec<char> = b.chars().collect();
    let mut n = 0;
    for c in a.chars() {
        if let Some(i) = pool.iter().position(|&p| p == c) {
            pool.swap_remove(i);
            n += 1;
        }
    }
    n
}

/// The level whose name `text` is, exactly (no cut or misread names).
pub fn level_exact(text: &str) -> Option<Level> {
    let k = key(text);
    all_levels().find(|l| l.name() == k)
}

/// Recognises a level label in possibly OCR-damaged text: exact names, unique prefixes
/// (`社会效益`, `满意度`, `时效`), and garbled labels that still read as a level
/// (`指服 对 满 度 标`, `数里 指标`). Text that is neither gives `None`.
pub fn level(text: &str) -> Option<Level> {
    let k = key(text);
    let n = k.chars().count();
    if !(2..=14).contains(&n) || k.contains("达成") || k.contains("完成") {
        return None;
    }
    if let Some(l) = all_levels().find(|l| l.name() == k) {
        return Some(l);
    }
    // A unique prefix of a name (the label was cut by a line or cell break). Only short
    // ones: a long prefix such as 服务对象满意度 is an ordinary level-3 name.
    let prefixed: Vec<Level> = all_levels().filter(|l| l.name().starts_with(&k)).collect();
    if prefixed.len() == 1 && n == 4 {
        return Some(prefixed[0]);
    }
    // A unique suffix (`对象满意度指标`): the start of the label was cut off.
    let suffixed: Vec<Level> = all_levels().filter(|l| l.name().ends_with(&k)).collect();
    if n >= 5 && suffixed.len() == 1 {
        return Some(suffixed[0]);
    }
    if prefixed.len() > 1 {
        // `满意度` is a prefix of both 满意度指标 and nothing else at level 2; prefer the
        // shortest completion when one is level 1.
        if let Some(l) = prefixed.iter().find(|l| l.name().chars().count() == n + 2) {
            if matches!(l, Level::One(_)) {
                return Some(*l);
            }
        }
        return None;
    }
    // A short label with one character misread (`社会対益`): it keeps the first two
    // characters of exactly one name and most of the rest, and does not end like a
    // level-3 name (…度, …率, …性).
    if (4..=5).contains(&n) && !k.ends_with(['度', '率', '性', '数', '况', '次', '意']) {
        let head: String = k.chars().take(2).collect();
        let close: Vec<Level> = all_levels()
            .filter(|l| l.name().starts_with(&head) && overlap(l.name(), &k) >= 3)
            .collect();
        if close.len() == 1 {
            return Some(close[0]);
        }
    }
    // Garbled: must still end like a label (…标, or …指 when cut) and share most
    // characters with a name.
    if !(k.ends_with('标') || k.ends_with('指')) {
        return None;
    }
    let mut best: Option<(f32, Level)> = None;
    let mut second = 0f32;
    for l in all_levels() {
        let name = l.name();
        let common = overlap(name, &k) as f32;
        let mut score = common / name.chars().count().max(n) as f32 + 0.05 * common / n as f32;
        if name.chars().next() == k.chars().next() {
            score += 0.1;
        }
        match best {
            Some((b, _)) if score <= b => second = second.max(score),
            _ => {
                if let Some((b, _)) = best {
                    second = second.max(b);
                }
                best = Some((score, l));
            }
        }
    }
    match best {
        Some((b, l)) if b >= 0.6 && b - second >= 0.01 => Some(l),
        _ => None,
    }
}

/// Like [`level`], and also a unique two-character prefix (`数量`, `时效`): for a label
/// fragment that stands alone in a level column.
pub fn level_loose(text: &str) -> Option<Level> {
    level(text).or_else(|| {
        let k = key(text);
        let prefixed: Vec<Level> = all_levels().filter(|l| l.name().starts_with(&k)).collect();
        (k.chars().count() == 2 && prefixed.len() == 1).then(|| prefixed[0])
    })
}

/// True when `text` is the 绩效指标 section label that stands left of indicator tables.
pub fn is_section_label(text: &str) -> bool {
    let k = key(text);
    k == "绩效指标" || k == "绩效"
}

/// Characters level labels are made of: a short cell of only these is a piece of a
/// level label cut by a line break (`指标`, `数量`, `度指`).
pub fn is_level_fragment(text: &str) -> bool {
    let k = key(text);
    let n = k.chars().count();
    (1..=2).contains(&n)
        && k.chars()
            .all(|c| "指标数量质时效产出益社会满意度对象服务成本经济生态环境可持续影响".contains(c))
}

/// The 二级指标 a level-3 name plainly belongs to, from the words the national framework
/// uses for each (及时 → 时效指标, 满意 → 服务对象满意度指标 …), if any.
pub fn level2_hint(level3: &str) -> Option<&'static str> {
    let k = key(level3);
    if k.contains("满意") {
        Some("服务对象满意度指标")
    } else if k.contains("及时") || k.contains("时效") || k.contains("按时") {
        Some("时效指标")
    } else if k.contains("成本") || k.contains("费用") || k.contains("单价") {
        Some("经济成本指标")
    } else if ["合格", "达标", "准确", "质量", "完整", "合规"]
        .iter()
        .any(|w| k.contains(w))
    {
        Some("质量指标")
    } else {
        None
    }
}

/// Indicator grades.
pub const GRADES: [&str; 4] = ["优", "良", "中", "差"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_prefix_and_garbled_levels() {
        assert_eq!(level("产出指标"), Some(Level::One("产出指标")));
        assert_eq!(
            level("服务对象满意度 指标"),
            Some(Level::Two("服务对象满意度指标"))
        );
        assert_eq!(level("经成指标"), Some(Level::Two("经济成本指标")));
        assert_eq!(level_loose("时效"), Some(Level::Two("时效指标")));
        assert_eq!(
            level("对象 满意 度指 标"),
            Some(Level::Two("服务对象满意度指标"))
        );
        assert_eq!(level("社会 対益"), Some(Level::Two("社会效益指标")));
        assert_eq!(level("社会效益"), Some(Level::Two("社会效益指标")));
        assert_eq!(level("时效 指标"), Some(Level::Two("时效指标")));
        assert_eq!(level("数里   指标"), Some(Level::Two("数量指标")));
        assert_eq!(
            level("指服 对 满 度 标"),
            Some(Level::Two("服务对象满意度指标"))
        );
        assert_eq!(
            level("可持 续影 响指 标"),
            Some(Level::Two("可持续影响指标"))
        );
        assert_eq!(level("满意 度指 标"), Some(Level::One("满意度指标")));
    }

    #[test]
    fn ordinary_text_is_not_a_level() {
        for t in [
            "社会",
            "指标",
            "服务满意度",
            "受益人员满意度",
            "成本节约情况",
            "及时",
            "经济",
            "达成指标",
            "未达成指标且效果较差",
            "满意",
            "服务对象满意度",
            "满意度",
            "映指标数",
            "服务满意度",
            "服务满意",
        ] {
            assert_eq!(level(t), None, "{t}");
        }
        assert_eq!(parent_of("时效指标"), Some("产出指标"));
    }
}
