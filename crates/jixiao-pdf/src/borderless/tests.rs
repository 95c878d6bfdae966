//! Unit tests of the implied ruling lines.

use super::*;

fn text(s: &str, x: f32, y: f32, size: f32) -> Vec<Glyph> {
    s.chars()
        .enumerate()
        .map(|(i, c)| Glyph {
            text: c.to_string(),
            x0: x + size * i as f32,
            y0: y,
            x1: x + size * (i + 1) as f32,
            y1: y + size,
            size,
            clip: None,
            confidence: None,
        })
        .collect()
}

/// The glyphs of several texts of one size, each `(text, x, y)`.
fn texts(items: &[(&str, f32, f32)], size: f32) -> Vec<Glyph> {
    items
        .iter()
        .flat_map(|&(s, x, y)| text(s, x, y, size))
        .collect()
}

#[test]
fn runs_break_at_wide_gaps_and_never_join_lines() {
    let mut g = text("项目", 0.0, 0.0, 10.0);
    g.extend(text("名称", 20.0 + 3.0, 0.0, 10.0));
    g.extend(text("示例", 60.0, 0.0, 10.0));
    g.extend(text("下行", 0.0, 12.0, 10.0));
    let r = runs(&g);
    assert_eq!(r.len(), 3, "{r:?}");
    assert_eq!((r[0].x0, r[0].x1), (0.0, 43.0));
}

#[test]
fn a_run_printed_over_a_rows_line_keeps_off_it_whichever_comes_first() {
    // A row of three cells, and a wrapped cell's last line spilling over the second
    // cell a hair above the row's baseline (LibreOffice, declaration_004 page 5): the
    // row's cells are one line, the spilled run a line of its own, however the runs are
    // ordered on the page.
    for spill_y in [99.5, 100.5] {
        let mut g = text("主管部门", 0.0, 100.0, 10.0);
        g.extend(text("上海市松江区", 60.0, 100.0, 10.0));
        g.extend(text("实施单位", 140.0, 100.0, 10.0));
        g.extend(text("复)", 80.0, spill_y, 10.0));
        let r = runs(&g);
        let texts = |l: &[usize]| l.iter().map(|i| r[*i].x0).collect::<Vec<_>>();
        let l: Vec<Vec<f32>> = lines(&r).iter().map(|l| texts(l)).collect();
        let row = vec![0.0, 60.0, 140.0];
        assert!(
            l.contains(&row) && l.contains(&vec![80.0]),
            "{spill_y}: {l:?}"
        );
        assert_eq!(l.len(), 2, "{l:?}");
    }
}

#[test]
fn stabbing_puts_one_boundary_through_overlapping_gaps() {
    let b = stab(vec![(10.0, 20.0), (12.0, 30.0), (40.0, 50.0)]);
    assert_eq!(b, vec![(12.0, 20.0), (40.0, 50.0)]);
    // A run reaching past the boundary from the left moves it right of the run.
    let long = Run {
        x0: 0.0,
        x1: 18.0,
        y0: 0.0,
        y1: 10.0,
        row_line: false,
        soft: Vec::new(),
        clip: None,
        wrapped: false,
    };
    assert_eq!(boundary((16.0, 12.0, 20.0), &[&long]), Some(19.0));
    assert_eq!(boundary((16.0, 12.0, 20.0), &[]), Some(16.0));
    let wide = Run { x1: 30.0, ..long };
    assert_eq!(boundary((16.0, 12.0, 20.0), &[&wide]), None);
}

/// A 400 × 400 pt page of these glyphs and ruling segments.
fn page_of(glyphs: Vec<Glyph>, segments: Vec<Segment>) -> PageContent {
    PageContent {
        width: 400.0,
        height: 400.0,
        glyphs,
        segments,
        ..PageContent::default()
    }
}

/// Rows of a page read through the lines its text implies.
fn rows_of(glyphs: Vec<Glyph>) -> Vec<Vec<String>> {
    rows_of_page(PageContent {
        width: 400.0,
        height: 400.0,
        glyphs,
        ..PageContent::default()
    })
}

/// Rows of a page read through the lines its text and shading imply.
fn rows_of_page(page: PageContent) -> Vec<Vec<String>> {
    let tabs = crate::layout::tables(&rulings(&page));
    assert_eq!(tabs.len(), 1);
    let grids = crate::layout::chain_grids(&[crate::layout::tables(&rulings(&page))]);
    crate::layout::page_rows(&page, 1, tabs, &grids[0])
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.text.clone()).collect())
        .collect()
}

#[test]
fn shaded_rows_bound_rows_and_the_text_bounds_the_rest() {
    // Six rows 14 pt apart; the 2nd and 4th shaded. The 1st, 3rd and 5th are bounded by
    // shading (or the table's edge); the 5th and 6th share one stretch past the last
    // shaded row (a table's end, nothing drawn), where the text's rows stand in. The
    // 3rd row's first cell wraps over two lines of several runs, side by side with
    // the 2nd column's two lines: between two shaded rows it stays one row.
    let mut g = Vec::new();
    for (k, y) in [20.0, 34.0, 48.0, 62.0, 76.0, 90.0].into_iter().enumerate() {
        if k == 2 {
            g.extend(text("第一行", 0.0, 45.5, 5.0));
            g.extend(text("第二行", 0.0, 52.0, 5.0));
            g.extend(text("上", 60.0, 45.5, 5.0));
            g.extend(text("下", 60.0, 52.0, 5.0));
            continue;
        }
        g.extend(text(&format!("名{k}"), 0.0, y, 10.0));
        g.extend(text(&format!("值{k}"), 60.0, y, 10.0));
    }
    let rows = rows_of_page(PageContent {
        width: 400.0,
        height: 400.0,
        glyphs: g,
        fills: vec![[-1.0, 31.0, 100.0, 45.0], [-1.0, 59.0, 100.0, 73.0]],
        ..PageContent::default()
    });
    let nonblank: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| r.into_iter().filter(|c| !c.is_empty()).collect::<Vec<_>>())
        .filter(|r| !r.is_empty())
        .collect();
    let want: Vec<Vec<String>> = [
        ["名0", "值0"],
        ["名1", "值1"],
        ["第一行第二行", "上下"],
        ["名3", "值3"],
        ["名4", "值4"],
        ["名5", "值5"],
    ]
    .iter()
    .map(|r| r.iter().map(|c| c.to_string()).collect())
    .collect();
    assert_eq!(nonblank, want);
}

#[test]
fn a_wrapped_cell_centred_on_its_row_stays_one_cell() {
    // Three rows 12 pt apart; the middle row's first cell wraps over two lines
    // centred on the row (spilling over both its edges), and a title sits above.
    let mut g = text("标题", 60.0, 0.0, 10.0);
    g.extend(text("名称", 0.0, 20.0, 10.0));
    g.extend(text("数值", 60.0, 20.0, 10.0));
    g.extend(text("备注", 120.0, 20.0, 10.0));
    g.extend(text("第一行", 0.0, 26.5, 10.0));
    g.extend(text("第二行", 0.0, 37.5, 10.0));
    g.extend(text("12", 60.0, 32.0, 10.0));
    g.extend(text("甲", 120.0, 32.0, 10.0));
    g.extend(text("其他", 0.0, 44.0, 10.0));
    g.extend(text("34", 60.0, 44.0, 10.0));
    g.extend(text("乙", 120.0, 44.0, 10.0));
    let nonblank = cells_of(g);
    let has = |want: [&str; 3]| nonblank.iter().any(|r| *r == want);
    assert!(has(["第一行第二行", "12", "甲"]), "{nonblank:?}");
    assert!(has(["其他", "34", "乙"]), "{nonblank:?}");
    assert!(has(["名称", "数值", "备注"]), "{nonblank:?}");
}

#[test]
fn a_subtitle_beside_the_first_rows_cell_is_a_row_of_its_own() {
    let mut g = text("年度", 100.0, 0.0, 10.0);
    for (k, y) in [12.0, 24.0, 36.0].into_iter().enumerate() {
        g.extend(text("名称", 0.0, y, 10.0));
        g.extend(text(&"值".repeat(k + 1), 130.0, y, 10.0));
    }
    let rows = rows_of(g);
    let texts: Vec<String> = rows.iter().map(|r| r.concat()).collect();
    assert!(texts.contains(&"年度".to_string()), "{texts:?}");
    assert!(texts.contains(&"名称值".to_string()), "{texts:?}");
}

/// Non-blank cells of each row.
fn cells_of(glyphs: Vec<Glyph>) -> Vec<Vec<String>> {
    rows_of(glyphs)
        .into_iter()
        .map(|r| r.into_iter().filter(|t| !t.is_empty()).collect::<Vec<_>>())
        .filter(|r| !r.is_empty())
        .collect()
}

#[test]
fn nearly_touching_cells_part_where_the_other_lines_put_a_column() {
    // Three rows with a clear gap at 30..45; a fourth whose two cells fill their
    // columns and stand 0.3 em apart (closer than RUN_GAP: one run).
    let mut g = Vec::new();
    for y in [0.0, 15.0, 30.0, 45.0] {
        g.extend(text("丙", 100.0, y, 10.0));
    }
    for y in [0.0, 15.0, 30.0] {
        g.extend(text("甲甲甲", 0.0, y, 10.0));
        g.extend(text("乙乙乙", 45.0, y, 10.0));
    }
    g.extend(text("有效控制", 0.0, 45.0, 10.0));
    g.extend(text("达标完成", 43.0, 45.0, 10.0));
    let r = runs(&g);
    assert_eq!(r.len(), 11, "{r:?}");
    assert_eq!(r[10].soft, vec![(40.0, 43.0)]);
    let rows = cells_of(g);
    let want = ["有效控制", "达标完成", "丙"].map(String::from).to_vec();
    assert!(rows.contains(&want), "{rows:?}");
    // Alone, the same line is one cell's text: no other line puts a column there.
    let mut alone = text("有效控制", 0.0, 0.0, 10.0);
    alone.extend(text("达标完成", 43.0, 0.0, 10.0));
    assert_eq!(runs(&alone).len(), 1);
    assert!(rulings(&PageContent {
        glyphs: alone,
        ..PageContent::default()
    })
    .is_empty());
}

#[test]
fn a_line_that_lines_up_by_chance_is_no_row() {
    // Rows 15 pt apart, four cells each; row A's second cell wraps over two lines
    // centred on it (y −7 and +7), and a label centred over rows A and B (y 7.5)
    // shares a baseline with that cell's second line.
    let mut g = Vec::new();
    for (y, a, b, c) in [
        (0.0, "数量", "甲", "乙"),
        (15.0, "质量", "丙", "丁"),
        (30.0, "时效", "戊", "己"),
    ] {
        g.extend(text(a, 0.0, y, 10.0));
        g.extend(text(b, 100.0, y, 10.0));
        g.extend(text(c, 150.0, y, 10.0));
    }
    g.extend(text("第一行", 40.0, -7.0, 10.0));
    g.extend(text("第二", 40.0, 7.0, 10.0));
    g.extend(text("名称", 40.0, 15.0, 10.0));
    g.extend(text("其他", 40.0, 30.0, 10.0));
    g.extend(text("标签", 200.0, 7.5, 10.0));
    g.extend(text("备注", 200.0, 30.0, 10.0));
    let rows = cells_of(g);
    let first = rows.iter().find(|r| r.contains(&"数量".to_string()));
    assert!(
        first.is_some_and(|r| r.contains(&"第一行第二".to_string())),
        "{rows:?}"
    );
}

#[test]
fn a_label_centred_over_two_rows_keeps_every_column_it_spans() {
    // Four rows 15 pt apart; the last two have no first or second cell but a label
    // centred between them and reaching across both columns.
    let mut g = Vec::new();
    for y in [0.0, 15.0, 30.0, 45.0] {
        if y < 30.0 {
            g.extend(text("一级", 0.0, y, 10.0));
            g.extend(text("二级", 40.0, y, 10.0));
        }
        g.extend(text("数值", 100.0, y, 10.0));
        g.extend(text("备注", 140.0, y, 10.0));
    }
    g.extend(text("总体判断说明", 2.0, 37.5, 10.0));
    let rows = cells_of(g);
    assert!(
        rows.iter()
            .any(|r| r.first().is_some_and(|c| c == "总体判断说明")),
        "{rows:?}"
    );
}

#[test]
fn a_page_of_prose_gets_no_lines() {
    let mut g = Vec::new();
    for k in 0..5 {
        g.extend(text("一行文字", 0.0, 12.0 * k as f32, 10.0));
    }
    let page = PageContent {
        glyphs: g,
        ..PageContent::default()
    };
    assert!(rulings(&page).is_empty());
}

#[test]
fn a_row_of_two_line_cells_beside_one_line_labels_is_one_row() {
    // Rows 22 pt apart around one whose level-3 name and value wrap over two lines
    // (y 43 and 57) centred on its labels' line (y 50).
    let mut g = Vec::new();
    g.extend(text("数量类", 30.0, 28.0, 10.0));
    g.extend(text("子丑寅卯辰巳", 70.0, 28.0, 10.0));
    g.extend(text("1.00", 160.0, 28.0, 10.0));
    g.extend(text("甲乙丙丁戊己", 70.0, 43.0, 10.0));
    g.extend(text("一二三四", 160.0, 43.0, 10.0));
    g.extend(text("产出", 0.0, 50.0, 10.0));
    g.extend(text("质量类", 30.0, 50.0, 10.0));
    g.extend(text("庚辛", 70.0, 57.0, 10.0));
    g.extend(text("五六", 160.0, 57.0, 10.0));
    g.extend(text("午未申酉戌亥", 70.0, 72.0, 10.0));
    g.extend(text("2.00", 160.0, 72.0, 10.0));
    let rows = cells_of(g);
    let want = ["产出", "质量类", "甲乙丙丁戊己庚辛", "一二三四五六"].map(String::from);
    assert!(rows.contains(&want.to_vec()), "{rows:?}");
}

#[test]
fn a_three_line_cell_centred_on_its_row_keeps_its_first_line() {
    // Lines 10 pt apart, 9 pt text, as ReportLab sets a form (the STSong rendering of
    // declaration_004): a goal paragraph of three lines centred on its label's line
    // (y 40), between a row above (y 10) and a header row below (y 70). Its first
    // line lies alone right above the row's line, like a subtitle over a table's first
    // row, but its third line mirrors it about that line: one cell.
    let g = texts(
        &[
            ("其他资金", 0.0, 10.0),
            ("零点零零", 100.0, 10.0),
            ("第一行的目标文字", 100.0, 30.0),
            ("年度总体目标", 0.0, 40.0),
            ("第二行的目标文字", 100.0, 40.0),
            ("第三行", 100.0, 50.0),
            ("一级指标", 0.0, 70.0),
            ("二级指标", 100.0, 70.0),
            ("三级指标", 200.0, 70.0),
            ("成本指标", 0.0, 85.0),
            ("经济成本", 100.0, 85.0),
            ("单价", 200.0, 85.0),
        ],
        9.0,
    );
    let rows = cells_of(g);
    let want = ["年度总体目标", "第一行的目标文字第二行的目标文字第三行"].map(String::from);
    assert!(rows.contains(&want.to_vec()), "{rows:?}");
}

#[test]
fn a_subtitle_over_a_blank_first_row_is_a_row_of_its_own() {
    // The end of one form, the next one's title and its year centred under it, a first
    // row whose value is blank (only its label, on the left), then rows of several cells
    // (the LibreOffice rendering of a self-evaluation with no project name, lines
    // erased: year and label less than a leading apart). The year must not share the
    // blank row: it would be read as the project's name.
    let mut g = Vec::new();
    for y in [0.0, 15.0] {
        g.extend(text("总分", 60.0, y, 10.0));
        g.extend(text("100.00", 200.0, y, 10.0));
        g.extend(text("91.35", 300.0, y, 10.0));
    }
    g.extend(text("财政项目支出绩效自评", 120.0, 50.0, 10.0));
    g.extend(text("(2024年度)", 150.0, 70.0, 10.0));
    g.extend(text("项目名称", 0.0, 85.0, 10.0));
    for y in [100.0, 115.0, 130.0] {
        g.extend(text("主管部门", 0.0, y, 10.0));
        g.extend(text("上海市人力资源局", 60.0, y, 10.0));
        g.extend(text("实施单位", 260.0, y, 10.0));
    }
    let rows = cells_of(g);
    assert!(
        rows.contains(&vec!["(2024年度)".to_string()])
            && rows.contains(&vec!["项目名称".to_string()]),
        "{rows:?}"
    );
}

#[test]
fn a_boundary_between_rows_keeps_each_centred_cell_whole() {
    let run = |x0: f32, y0: f32| Run {
        x0,
        x1: x0 + 20.0,
        y0,
        y1: y0 + 10.0,
        row_line: false,
        soft: Vec::new(),
        clip: None,
        wrapped: false,
    };
    // Row centres 10 and 40. Lines at centres 4 and 16 are one cell centred on 10, at
    // 24 and 56 one centred on 40: the boundary must fall between 16 and 24.
    let runs = vec![
        run(0.0, -1.0),
        run(0.0, 11.0),
        run(0.0, 19.0),
        run(0.0, 51.0),
    ];
    assert_eq!(owned(&runs, 10.0, 40.0), (16.0, 24.0));
    // Nothing mirrored: the whole span.
    assert_eq!(owned(&runs[..1], 10.0, 40.0), (10.0, 40.0));
}

#[test]
fn a_drawn_rule_does_not_cut_a_wrapped_label_where_it_was_not_drawn() {
    // Rules every 14 pt; the one at 28 is drawn right of the label column only, and
    // the label's two lines sit on either side of it.
    let rule = |pos: f32, from: f32| Segment {
        horizontal: true,
        pos,
        from,
        to: 150.0,
    };
    let mut g = Vec::new();
    for (y, t) in [(2.0, "甲"), (16.0, "乙"), (30.0, "丙"), (44.0, "丁")] {
        g.extend(text(t, 70.0, y, 10.0));
    }
    g.extend(text("一级", 0.0, 2.0, 10.0));
    g.extend(text("项目资金（", 0.0, 18.0, 10.0));
    g.extend(text("元）", 0.0, 29.0, 10.0));
    g.extend(text("其他", 0.0, 44.0, 10.0));
    let page = |segments: Vec<Segment>| page_of(g.clone(), segments);
    let cells = |page: &PageContent| -> Vec<String> {
        let tabs = crate::layout::tables(&rulings(page));
        let grids = crate::layout::chain_grids(&[crate::layout::tables(&rulings(page))]);
        crate::layout::page_rows(page, 1, tabs, &grids[0])
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().map(|c| c.text.clone()))
            .filter(|t| !t.is_empty())
            .collect()
    };
    let mut rules: Vec<Segment> = [0.0, 14.0, 42.0, 56.0].map(|y| rule(y, -1.0)).to_vec();
    rules.push(rule(28.0, 60.0));
    let merged = cells(&page(rules.clone()));
    assert!(merged.contains(&"项目资金（元）".to_string()), "{merged:?}");
    // Drawn across the label, the rule divides it.
    rules.pop();
    rules.push(rule(28.0, -1.0));
    let cut = cells(&page(rules));
    assert!(!cut.contains(&"项目资金（元）".to_string()), "{cut:?}");
}

#[test]
fn stabbing_in_n_log_n_finds_what_the_quadratic_greedy_finds() {
    // The first definition (each position the right end of the first gap left, taking
    // every later gap that holds it) is the oracle, on pseudo-random gaps.
    fn quadratic(mut gaps: Vec<(f32, f32)>) -> Vec<(f32, f32)> {
        gaps.sort_by(|a, b| a.1.total_cmp(&b.1));
        let mut out = Vec::new();
        let mut used = vec![false; gaps.len()];
        for i in 0..gaps.len() {
            if used[i] {
                continue;
            }
            let p = gaps[i].1;
            let (mut lo, mut hi) = (f32::MIN, f32::MAX);
            for (j, g) in gaps.iter().enumerate().skip(i) {
                if !used[j] && g.0 <= p && g.1 >= p {
                    used[j] = true;
                    lo = lo.max(g.0);
                    hi = hi.min(g.1);
                }
            }
            out.push((lo, hi));
        }
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        out
    }
    let mut seed = 12345u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 40) as f32 / (1u64 << 24) as f32
    };
    for n in [1, 2, 5, 30, 200] {
        for _ in 0..20 {
            let gaps: Vec<(f32, f32)> = (0..n)
                .map(|_| {
                    let a = (next() * 500.0).round();
                    (a, a + (next() * 40.0).round())
                })
                .collect();
            assert_eq!(stab(gaps.clone()), quadratic(gaps.clone()), "{gaps:?}");
        }
    }
}

/// Rows of each page of a document read through the lines its text implies, each cell
/// as (column, text), blank cells left out.
fn cells_of_pages(pages: &[PageContent]) -> Vec<Vec<Vec<(f32, String)>>> {
    let refs: Vec<Option<&PageContent>> = pages.iter().map(Some).collect();
    let tables: Vec<Vec<crate::layout::Table>> = rulings_of_pages(&refs)
        .iter()
        .map(|lines| crate::layout::tables(lines))
        .collect();
    let grids = crate::layout::chain_grids(&tables);
    pages
        .iter()
        .zip(tables)
        .zip(&grids)
        .enumerate()
        .map(|(i, ((p, tabs), grids))| {
            crate::layout::page_rows(p, i as u32 + 1, tabs, grids)
                .rows
                .iter()
                .map(|r| {
                    r.cells
                        .iter()
                        .filter(|c| !c.text.is_empty())
                        .map(|c| (c.col, c.text.clone()))
                        .collect()
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_table_continued_on_the_next_page_keeps_its_columns() {
    let page = |g: Vec<Glyph>| page_of(g, Vec::new());
    // Page 1: a header and rows in three columns.
    let first = page(texts(
        &[
            ("一级", 0.0, 0.0),
            ("二级", 50.0, 0.0),
            ("三级指标", 100.0, 0.0),
            ("产出", 0.0, 15.0),
            ("数量", 50.0, 15.0),
            ("甲甲", 100.0, 15.0),
            ("质量", 50.0, 30.0),
            ("乙乙", 100.0, 30.0),
        ],
        10.0,
    ));
    // Page 2 goes on without a level-1 label: its text starts in the second column.
    let second = page(texts(
        &[
            ("时效", 50.0, 0.0),
            ("丙丙", 100.0, 0.0),
            ("成本", 50.0, 15.0),
            ("丁丁", 100.0, 15.0),
            ("经济", 50.0, 30.0),
            ("戊戊", 100.0, 30.0),
        ],
        10.0,
    ));
    let col = |rows: &[Vec<(f32, String)>], t: &str| {
        rows.iter()
            .flatten()
            .find(|c| c.1 == t)
            .map(|c| c.0)
            .unwrap_or(f32::NAN)
    };
    let both = cells_of_pages(&[first.clone(), second.clone()]);
    assert_eq!(col(&both[1], "时效"), col(&both[0], "数量"), "{both:?}");
    assert_eq!(col(&both[1], "丙丙"), col(&both[0], "甲甲"), "{both:?}");
    // Read alone, the second page's columns are its own: the header's indices are lost.
    let alone = cells_of_pages(&[second]);
    assert_ne!(col(&alone[0], "时效"), col(&both[0], "数量"), "{alone:?}");
}

#[test]
fn text_hidden_by_its_clip_says_nothing_of_the_columns() {
    let mut g = text("甲甲", 0.0, 0.0, 10.0);
    // A cell's overflow, drawn under the clip of a cell above it: not printed.
    g.extend(
        text("乙乙乙乙乙乙", 0.0, 20.0, 10.0)
            .into_iter()
            .map(|g| Glyph {
                clip: Some([0.0, 0.0, 60.0, 12.0]),
                ..g
            }),
    );
    let r = runs(&g);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!((r[0].x0, r[0].x1), (0.0, 20.0));
    // Inside its clip, a glyph is a run's as before.
    let shown: Vec<Glyph> = text("丙", 30.0, 0.0, 10.0)
        .into_iter()
        .map(|g| Glyph {
            clip: Some([0.0, 0.0, 60.0, 12.0]),
            ..g
        })
        .collect();
    assert_eq!(runs(&shown).len(), 1);
}

#[test]
fn a_drawn_rule_stands_only_where_it_was_drawn() {
    // A one-line label centred over three rows, on the middle row's line: the rules
    // between those rows are drawn right of its column only.
    let rule = |pos: f32, from: f32| Segment {
        horizontal: true,
        pos,
        from,
        to: 150.0,
    };
    let mut g = texts(
        &[
            ("一级", 0.0, 2.0),
            ("甲", 70.0, 2.0),
            ("乙", 70.0, 16.0),
            ("丙", 70.0, 30.0),
            ("产出", 0.0, 30.0),
            ("丁", 70.0, 44.0),
        ],
        10.0,
    );
    g.extend(text("其他", 0.0, 58.0, 10.0));
    g.extend(text("戊", 70.0, 58.0, 10.0));
    let page = |segments: Vec<Segment>| page_of(g.clone(), segments);
    let row_of = |segments: Vec<Segment>, t: &str| -> Vec<String> {
        let rows = cells_of_pages(&[page(segments)]);
        rows[0]
            .iter()
            .find(|r| r.iter().any(|c| c.1 == t))
            .map(|r| r.iter().map(|c| c.1.clone()).collect())
            .unwrap_or_default()
    };
    let across = [0.0, 14.0, 56.0, 70.0].map(|y| rule(y, -1.0));
    let mut rules = across.to_vec();
    rules.extend([28.0, 42.0].map(|y| rule(y, 60.0)));
    // Merged over the three rows, the label is the first row's.
    assert!(row_of(rules, "产出").contains(&"乙".to_string()));
    // Drawn across it, the rules put it in the middle row.
    let mut rules = across.to_vec();
    rules.extend([28.0, 42.0].map(|y| rule(y, -1.0)));
    assert!(row_of(rules, "产出").contains(&"丙".to_string()));
}

#[test]
fn rows_of_fixed_height_whose_wrapped_cells_spill_into_each_other_are_read_by_their_clips() {
    // Rows of a fixed height H, text of size s set a line pitch of about H apart: a cell
    // wrapped over two lines, clipped to the cell and centred on it, spills its first
    // line over the cell's top and its last over the bottom, printed over the spill of
    // the neighbour row (LibreOffice). Rows whose every cell wraps have no line of their
    // own. Several sizes, pitches and places on the page, none of them the samples'.
    for (h, s, pitch, top) in [
        (14.7_f32, 9.8_f32, 14.2_f32, 40.0_f32),
        (16.0, 10.5, 15.5, 73.0),
        (12.0, 8.0, 11.6, 21.5),
        (18.0, 11.0, 16.5, 120.0),
    ] {
        let (b0, b1) = (2.0 + 6.0 * s, 6.0 + 16.0 * s);
        let (c0, c1) = (b1 + 2.0, b1 + 4.0 + 8.0 * s);
        let mut g = Vec::new();
        // (row, column left, column right, lines)
        let cells: [(usize, f32, f32, &[&str]); 10] = [
            (0, b0, b1, &["名称一"]),
            (0, c0, c1, &["值一"]),
            (1, b0, b1, &["子丑寅卯辰巳午未申酉戌亥甲乙丙丁", "天干"]),
            (1, c0, c1, &["一二三四五六七八", "九十"]),
            (2, b0, b1, &["东南西北中左右上下前后里外春夏秋", "冬"]),
            (2, c0, c1, &["值三"]),
            (3, b0, b1, &["名称四"]),
            (3, c0, c1, &["金木水火土日月星", "辰"]),
            (4, b0, b1, &["赤橙黄绿青蓝紫黑白灰红粉褐棕银铜", "铁锡"]),
            (5, b0, b1, &["名称六"]),
        ];
        for (row, x0, x1, lines) in cells {
            let (y0, y1) = (top + h * row as f32, top + h * (row + 1) as f32);
            let mid = (y0 + y1) / 2.0;
            let n = lines.len() as f32;
            for (k, line) in lines.iter().enumerate() {
                let cy = mid + (k as f32 - (n - 1.0) / 2.0) * pitch;
                let mut run = text(line, x0 + 1.0, cy - s / 2.0, s);
                if lines.len() > 1 {
                    for gl in &mut run {
                        gl.clip = Some([x0, y0, x1, y1]);
                    }
                }
                g.extend(run);
            }
        }
        for (row, v) in [(4, "值五"), (5, "值六")] {
            let cy = top + h * (row as f32 + 0.5);
            g.extend(text(v, c0 + 1.0, cy - s / 2.0, s));
        }
        // A level label over rows 1–3, on the middle row's line, and labels of one row.
        for (row, label) in [(0, "类别"), (2, "甲类"), (5, "乙类")] {
            g.extend(text(label, 1.0, top + (row as f32 + 0.5) * h - s / 2.0, s));
        }
        let rows = cells_of(g);
        let want: Vec<Vec<String>> = [
            vec!["类别", "名称一", "值一"],
            vec![
                "子丑寅卯辰巳午未申酉戌亥甲乙丙丁天干",
                "一二三四五六七八九十",
            ],
            vec!["甲类", "东南西北中左右上下前后里外春夏秋冬", "值三"],
            vec!["名称四", "金木水火土日月星辰"],
            vec!["赤橙黄绿青蓝紫黑白灰红粉褐棕银铜铁锡", "值五"],
            vec!["乙类", "名称六", "值六"],
        ]
        .into_iter()
        .map(|r| r.into_iter().map(String::from).collect())
        .collect();
        assert_eq!(rows, want, "row height {h}, size {s}");
    }
}

#[test]
fn only_cells_whose_wrapped_text_is_centred_on_their_clip_count() {
    let clipped = |s: &str, y: f32, clip: [f32; 4]| {
        let mut g = text(s, clip[0] + 1.0, y, 10.0);
        for gl in &mut g {
            gl.clip = Some(clip);
        }
        g
    };
    let cell = [0.0, 100.0, 60.0, 115.0];
    // Two lines centred on the cell (107.5): a cell.
    let mut centred = clipped("甲乙丙丁戊", 95.5, cell);
    centred.extend(clipped("己", 109.5, cell));
    assert_eq!(centred_clips(&centred, 400.0), vec![cell]);
    // Top-aligned (ReportLab): the lines run down from the cell's top.
    let mut top = clipped("甲乙丙丁戊", 101.0, cell);
    top.extend(clipped("己", 113.0, cell));
    assert!(centred_clips(&top, 400.0).is_empty());
    // One line: nothing wrapped.
    assert!(centred_clips(&clipped("甲乙", 102.5, cell), 400.0).is_empty());
    // A clip around a whole table (wider than half the page) is no cell's.
    let table = [0.0, 100.0, 300.0, 115.0];
    let mut wide = clipped("甲乙丙丁戊", 95.5, table);
    wide.extend(clipped("己", 109.5, table));
    assert!(centred_clips(&wide, 400.0).is_empty());
}
