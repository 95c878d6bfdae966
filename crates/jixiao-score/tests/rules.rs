//! Every rule has a form that triggers it and one that does not.

use jixiao_grid::Origin;
use jixiao_record::{
    FormKind, FundsRow, FundsRowKind, Indicator, Op, Period, Record, RecordSource, Value,
};
use jixiao_score::{rescore, RULES};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn value(text: &str) -> Value {
    // A tiny reader for the tests' own notation: `>=90(%)`, `86.00(%)`, `及时`.
    let (op, rest) = [
        (">=", Op::Ge),
        ("<=", Op::Le),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("=", Op::Eq),
    ]
    .iter()
    .find_map(|(p, o)| text.strip_prefix(p).map(|r| (Some(*o), r)))
    .unwrap_or((None, text));
    let (num, unit) = match rest.find('(') {
        Some(i) => (&rest[..i], Some(rest[i + 1..rest.len() - 1].to_string())),
        None => (rest, None),
    };
    match Decimal::from_str(num) {
        Ok(v) => Value {
            text: text.into(),
            op,
            value: Some(v),
            unit,
        },
        Err(_) => Value {
            text: text.into(),
            op: None,
            value: None,
            unit: None,
        },
    }
}

fn ind(
    level1: &str,
    target: &str,
    actual: &str,
    w: &str,
    s: &str,
    note: Option<&str>,
) -> Indicator {
    Indicator {
        level1: Some(level1.into()),
        level2: None,
        level3: Some("指标".into()),
        target: Some(value(target)),
        planned_to_date: None,
        actual: Some(value(actual)),
        weight: Some(d(w)),
        score: Some(d(s)),
        deviation_note: note.map(str::to_string),
        source: Origin::Line { line: 10 },
    }
}

fn funds(
    row: FundsRowKind,
    budget: &str,
    executed: &str,
    rate: &str,
    w: Option<&str>,
    s: Option<&str>,
) -> FundsRow {
    FundsRow {
        row,
        initial_budget: Some(d(budget)),
        budget: Some(d(budget)),
        executed: Some(d(executed)),
        rate_pct: Some(d(rate)),
        weight: w.map(d),
        score: s.map(d),
        initial_budget_yuan: None,
        budget_yuan: None,
        executed_yuan: None,
        source: None,
    }
}

/// A self-evaluation that breaks no rule: budget 100/90 (9.00 of 10), 产出 50, 效益 30,
/// 满意度 10, every target met with full marks, total 99.00, grade 优.
fn clean_self() -> Record {
    Record {
        record_id: "abc-001".into(),
        form: FormKind::SelfEvaluation,
        year: Some(2024),
        period: None,
        project_name: Some("测试项目".into()),
        department: None,
        implementer: None,
        district: None,
        project_nature: None,
        project_category: None,
        planned_start: None,
        planned_end: None,
        funds_unit: Some("万元".into()),
        funds: vec![
            funds(
                FundsRowKind::Total,
                "100.00",
                "90.00",
                "90.00",
                Some("10.00"),
                Some("9.00"),
            ),
            funds(
                FundsRowKind::CurrentAppropriation,
                "100.00",
                "90.00",
                "90.00",
                None,
                None,
            ),
            funds(FundsRowKind::Carryover, "0.00", "0.00", "0.00", None, None),
            funds(FundsRowKind::Other, "0.00", "0.00", "0.00", None, None),
        ],
        goal_planned: None,
        goal_actual: None,
        indicators: vec![
            ind("产出指标", ">=10(个)", "12(个)", "30.00", "30.00", None),
            ind("产出指标", "<=5(%)", "3(%)", "20.00", "20.00", None),
            ind("效益指标", "提升", "达成指标", "30.00", "30.00", None),
            ind("满意度指标", ">=90(%)", "95(%)", "10.00", "10.00", None),
        ],
        total_score: Some(d("99.00")),
        grade: Some("优".into()),
        total_source: None,
        outlook_budget: None,
        outlook_goals: None,
        corrective_actions: None,
        goal_project: None,
        project_key: None,
        form_key: None,
        duplicate_of: None,
        source: RecordSource {
            file: "t.txt".into(),
            sha256: String::new(),
            format: "text".into(),
            pages: vec![],
            link: "t.txt#L1".into(),
            lines: None,
            text_recovery: None,
            web: Default::default(),
        },
    }
}

fn rules_of(r: &Record) -> Vec<String> {
    rescore(r).into_iter().map(|f| f.rule).collect()
}

fn fires(r: &Record, rule: &str) -> bool {
    rules_of(r).iter().any(|x| x == rule)
}

#[test]
fn the_clean_forms_raise_nothing() {
    assert_eq!(rules_of(&clean_self()), Vec::<String>::new());
    assert_eq!(rules_of(&clean_monitoring()), Vec::<String>::new());
    assert_eq!(rules_of(&clean_declaration()), Vec::<String>::new());
}

#[test]
fn funds_rate() {
    let mut r = clean_self();
    r.funds[0].rate_pct = Some(d("95.00"));
    assert!(fires(&r, "funds.rate"));
    assert!(!fires(&clean_self(), "funds.rate"));
}

#[test]
fn funds_score() {
    let mut r = clean_self();
    r.funds[0].score = Some(d("10.00"));
    r.total_score = Some(d("100.00"));
    assert!(fires(&r, "funds.score"));
    assert!(!fires(&clean_self(), "funds.score"));
}

#[test]
fn funds_over_budget_and_unit_slip() {
    let mut r = clean_self();
    r.funds[0] = funds(
        FundsRowKind::Total,
        "100.00",
        "120.00",
        "120.00",
        Some("10.00"),
        Some("10.00"),
    );
    assert!(fires(&r, "funds.over_budget"));
    assert!(!fires(&r, "funds.unit_slip"));
    let mut slip = clean_self();
    slip.funds[0] = funds(
        FundsRowKind::Total,
        "23.92",
        "143375.00",
        "599393.81",
        Some("10.00"),
        Some("10.00"),
    );
    assert!(fires(&slip, "funds.unit_slip"));
    assert!(
        !fires(&slip, "funds.over_budget"),
        "unit slip replaces over budget"
    );
    assert!(!fires(&clean_self(), "funds.over_budget"));
    assert!(!fires(&clean_self(), "funds.unit_slip"));
}

#[test]
fn funds_sum() {
    let mut r = clean_self();
    r.funds[3].budget = Some(d("5.00"));
    assert!(fires(&r, "funds.sum"));
    assert!(!fires(&clean_self(), "funds.sum"));
}

#[test]
fn score_over_weight() {
    let mut r = clean_self();
    r.indicators[0].score = Some(d("31.00"));
    assert!(fires(&r, "ind.score_over_weight"));
    assert!(!fires(&clean_self(), "ind.score_over_weight"));
}

#[test]
fn full_score_on_an_unmet_target() {
    let mut r = clean_self();
    r.indicators[0].actual = Some(value("8(个)"));
    assert!(fires(&r, "ind.full_score_unmet"));
    assert!(!fires(&clean_self(), "ind.full_score_unmet"));
}

#[test]
fn proportional_scores() {
    // 1 of 4 meetings held, 4.90 of 5 (000's 职业培训管理工作经费).
    let mut r = clean_self();
    r.indicators[0] = ind(
        "产出指标",
        ">=4.00(次)",
        "1.00(次)",
        "30.00",
        "29.40",
        Some("未召开"),
    );
    let f = rescore(&r);
    let p = f
        .iter()
        .find(|f| f.rule == "ind.proportional")
        .expect("proportional finding");
    assert_eq!(p.expected.as_deref(), Some("7.50"));
    // The proportional score is accepted; an at-most target uses target / actual.
    let mut ok = clean_self();
    ok.indicators[0] = ind(
        "产出指标",
        ">=4.00(次)",
        "1.00(次)",
        "30.00",
        "7.50",
        Some("未召开"),
    );
    ok.indicators[1] = ind(
        "产出指标",
        "<=5(%)",
        "10(%)",
        "20.00",
        "10.00",
        Some("超标"),
    );
    assert!(!fires(&ok, "ind.proportional"), "{:?}", rescore(&ok));
}

#[test]
fn met_target_not_full() {
    // A met target scored 0 with no reason (003's 重大安全事件发生数 =0, 0.00).
    let mut r = clean_self();
    r.indicators[1] = ind("产出指标", "=0(起)", "0.00(起)", "20.00", "0.00", None);
    assert!(fires(&r, "ind.met_not_full"));
    assert!(!fires(&r, "ind.no_reason"), "one finding per problem");
    // With a reason (target set too low) the deduction is allowed.
    let mut ok = clean_self();
    ok.indicators[0] = ind(
        "产出指标",
        "=120(人)",
        "736(人)",
        "30.00",
        "24.00",
        Some("年度指标值设置欠合理"),
    );
    assert!(!fires(&ok, "ind.met_not_full"));
}

#[test]
fn qualitative_bands() {
    let mut r = clean_self();
    r.indicators[2] = ind(
        "效益指标",
        "健全",
        "部分达成指标并具有一定效果",
        "30.00",
        "30.00",
        None,
    );
    assert!(fires(&r, "ind.band"));
    let mut ok = clean_self();
    ok.indicators[2] = ind(
        "效益指标",
        "健全",
        "部分达成指标并具有一定效果",
        "30.00",
        "20.00",
        Some("需完善"),
    );
    assert!(!fires(&ok, "ind.band"));
}

#[test]
fn deduction_without_reason() {
    let mut r = clean_self();
    r.indicators[2] = ind("效益指标", "提升", "达成指标", "30.00", "27.00", None);
    assert!(fires(&r, "ind.no_reason"));
    r.indicators[2].deviation_note = Some("原因".into());
    assert!(!fires(&r, "ind.no_reason"));
}

#[test]
fn weights() {
    let mut r = clean_self();
    r.indicators[0].weight = Some(d("20.00"));
    r.indicators[0].score = Some(d("20.00"));
    let rules = rules_of(&r);
    assert!(rules.contains(&"weights.sum".to_string()), "{rules:?}");
    assert!(rules.contains(&"weights.level1".to_string()), "{rules:?}");
    assert!(!fires(&clean_self(), "weights.sum"));
    assert!(!fires(&clean_self(), "weights.level1"));
}

#[test]
fn total_and_grade() {
    let mut r = clean_self();
    r.total_score = Some(d("89.00"));
    let rules = rules_of(&r);
    assert!(rules.contains(&"total.sum".to_string()), "{rules:?}");
    assert!(rules.contains(&"grade.band".to_string()), "{rules:?}");
    assert!(!fires(&clean_self(), "total.sum"));
    assert!(!fires(&clean_self(), "grade.band"));
}

fn clean_monitoring() -> Record {
    let mut r = clean_self();
    r.form = FormKind::Monitoring;
    r.period = Some(Period {
        start: "2024-01".into(),
        end: "2024-08".into(),
    });
    r.funds = vec![
        funds(FundsRowKind::Total, "100.00", "60.00", "60.00", None, None),
        funds(
            FundsRowKind::CurrentAppropriation,
            "100.00",
            "60.00",
            "60.00",
            None,
            None,
        ),
        funds(FundsRowKind::Carryover, "0.00", "0.00", "0.00", None, None),
        funds(FundsRowKind::Other, "0.00", "0.00", "0.00", None, None),
    ];
    r.indicators.clear();
    r.total_score = None;
    r.grade = None;
    r.outlook_budget = Some("确定能完成".into());
    r
}

#[test]
fn monitoring_outlook() {
    let mut r = clean_monitoring();
    for f in &mut r.funds[..2] {
        f.executed = Some(d("0.00"));
        f.rate_pct = Some(d("0.00"));
    }
    assert!(fires(&r, "mon.outlook"));
    r.outlook_budget = Some("有一定难度".into());
    assert!(!fires(&r, "mon.outlook"));
    assert!(!fires(&clean_monitoring(), "mon.outlook"));
}

fn clean_declaration() -> Record {
    let mut r = clean_self();
    r.form = FormKind::TargetDeclaration;
    r.funds_unit = Some("元".into());
    r.funds = vec![
        FundsRow {
            row: FundsRowKind::Total,
            initial_budget: None,
            budget: Some(d("1000.00")),
            executed: None,
            rate_pct: None,
            weight: None,
            score: None,
            initial_budget_yuan: None,
            budget_yuan: None,
            executed_yuan: None,
            source: None,
        },
        FundsRow {
            row: FundsRowKind::CurrentAppropriation,
            initial_budget: None,
            budget: Some(d("1000.00")),
            executed: None,
            rate_pct: None,
            weight: None,
            score: None,
            initial_budget_yuan: None,
            budget_yuan: None,
            executed_yuan: None,
            source: None,
        },
        FundsRow {
            row: FundsRowKind::Carryover,
            initial_budget: None,
            budget: Some(d("0.00")),
            executed: None,
            rate_pct: None,
            weight: None,
            score: None,
            initial_budget_yuan: None,
            budget_yuan: None,
            executed_yuan: None,
            source: None,
        },
    ];
    for i in &mut r.indicators {
        i.actual = None;
        i.weight = None;
        i.score = None;
    }
    r.indicators[2].target = Some(value("≥5(%)"));
    r.indicators[2].target = Some(value(">=5(%)"));
    r.total_score = None;
    r.grade = None;
    r
}

#[test]
fn declaration_rules() {
    let mut r = clean_declaration();
    r.indicators
        .retain(|i| i.level1.as_deref() != Some("满意度指标"));
    assert!(fires(&r, "decl.level1_missing"));
    r.indicators[0].target = Some(value("及时"));
    assert!(fires(&r, "decl.unmeasurable"));
    let mut sum = clean_declaration();
    sum.funds[2].budget = Some(d("100.00"));
    assert!(fires(&sum, "funds.sum"));
    assert!(!fires(&clean_declaration(), "decl.level1_missing"));
    assert!(!fires(&clean_declaration(), "decl.unmeasurable"));
}

#[test]
fn every_rule_is_tested_and_documented() {
    let tests = include_str!("rules.rs");
    let docs = include_str!("../../../docs/rules.md");
    for r in RULES {
        assert!(
            tests.contains(&format!("\"{}\"", r.id)),
            "no test names rule {}",
            r.id
        );
        assert!(
            docs.contains(&format!("`{}`", r.id)),
            "docs/rules.md lacks rule {}",
            r.id
        );
    }
}

#[test]
fn ocr_low_confidence() {
    let mut r = clean_self();
    assert!(!fires(&r, "ocr.low_confidence"));
    let at = |c: f32| Origin::Pdf {
        page: 3,
        bbox: [10.0, 20.0, 300.0, 40.0],
        confidence: Some(c),
    };
    r.indicators[1].source = at(0.97);
    assert!(
        !fires(&r, "ocr.low_confidence"),
        "confident rows are not flagged"
    );
    r.indicators[1].source = at(0.62);
    let f = rescore(&r);
    let low = f
        .iter()
        .find(|f| f.rule == "ocr.low_confidence")
        .expect("flagged");
    assert_eq!(low.indicator, Some(2), "1-based, as indicators.ordinal");
    assert_eq!(low.link, "t.txt#page=3");
    assert_eq!(low.published.as_deref(), Some("0.62"));
}

#[test]
fn findings_link_to_the_indicator_row() {
    let mut r = clean_self();
    r.indicators[0].score = Some(d("31.00"));
    r.indicators[0].source = Origin::Line { line: 42 };
    let f = rescore(&r);
    let over = f
        .iter()
        .find(|f| f.rule == "ind.score_over_weight")
        .expect("finding");
    assert_eq!(over.link, "t.txt#L42");
    assert_eq!(over.indicator, Some(1), "1-based, as indicators.ordinal");
    assert_eq!(over.row_label, r.indicators[0].level3);
    assert_eq!(over.origin, Some(Origin::Line { line: 42 }));
    assert!(over.message.contains("超过分值"), "{}", over.message);
    assert!(over.message_en.contains("exceeds"), "{}", over.message_en);
}

#[test]
fn funds_findings_point_at_the_funds_row() {
    let mut r = clean_self();
    let total = r
        .funds
        .iter_mut()
        .find(|f| f.row == FundsRowKind::Total)
        .expect("total row");
    total.rate_pct = Some(d("50.00"));
    total.source = Some(Origin::Sheet {
        sheet: "1-对口扶贫支援类".into(),
        row: 7,
    });
    let f = rescore(&r);
    let rate = f.iter().find(|f| f.rule == "funds.rate").expect("finding");
    assert_eq!(rate.row_label.as_deref(), Some("年度资金总额"));
    assert_eq!(rate.indicator, None);
    assert_eq!(
        rate.link, "t.txt#'1-对口扶贫支援类'!A7",
        "sheet quoted, funds row"
    );
    assert!(rate.message.contains("执行率"), "{}", rate.message);
}

#[test]
fn every_message_is_chinese_and_english() {
    // Each rule fired at least once by the tests above writes a message that an
    // auditor reads in Chinese, with the English beside it: none is English only.
    let mut r = clean_self();
    r.indicators[0].score = Some(d("31.00"));
    r.total_score = Some(d("80.00"));
    r.grade = Some("优".into());
    for f in rescore(&r) {
        assert!(
            f.message
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{}: {}",
            f.rule,
            f.message
        );
        assert!(
            !f.message.contains(" but ") && !f.message.contains(" yet "),
            "English left in the Chinese message of {}: {}",
            f.rule,
            f.message
        );
        assert!(!f.message_en.is_empty(), "{} has no English", f.rule);
    }
}
