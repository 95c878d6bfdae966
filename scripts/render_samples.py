#!/usr/bin/env python3
"""Render the 100 reviewed sample forms into the formats agencies publish.

Reads golden/text/*.jsonl (the reviewed records) and writes under samples/:

  xlsx/          workbooks in the official form layout: merged label cells, borders,
                 wrapped text; indicator values stored as text (never formulas); amounts
                 as numbers with a number format in some files, as text in others; many
                 forms on one sheet in some files, one form per sheet in others; column
                 widths and offsets differ between files.
  pdf-lo/        those workbooks converted by LibreOffice (A4, fit to width, one file
                 landscape); long forms flow over page breaks with no repeated header.
  pdf-chromium/  HTML tables with rowspan/colspan printed by headless Chromium.
  pdf-cid/       reportlab tables in STSong-Light: a non-embedded CID font with the
                 predefined UniGB-UCS2-H CMap and no ToUnicode map.
  (scans of all 100 forms in three qualities: scripts/render_scans.py, run after this)

and golden/rendered/<dir>/<file>.json: the record ids of golden/text, in the order the
forms appear in that file (records are the text golden's, provenance aside).

It checks its own output: every workbook is read back (openpyxl) and every digital PDF
through pdftotext, and each form's project name must appear, in order.

usage: scripts/render_samples.sh   (installs what it needs, then runs this)
"""
import glob
import html
import json
import os
import random
import shutil
import subprocess
import sys
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SAMPLES = os.path.join(ROOT, "samples")
GOLDEN = os.path.join(ROOT, "golden")

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
WRAP_LEFT = Alignment(wrap_text=True, vertical="center", horizontal="left")
FONT = Font(name="Noto Sans CJK SC", size=10)
TITLE = Font(name="Noto Sans CJK SC", size=14, bold=True)

ROW_LABEL = {
    "total": "年度资金总额",
    "current_appropriation": "其中：当年财政拨款",
    "carryover": "上年结转资金",
    "other": "其他资金",
}


def load_records():
    recs = []
    for path in sorted(glob.glob(os.path.join(GOLDEN, "text", "*.jsonl"))):
        for line in open(path, encoding="utf-8"):
            recs.append(json.loads(line))
    return recs


def text_of(v):
    return None if v is None else v["text"]


class Sheet:
    """Writes one form after another on a worksheet, `off` columns from the left."""

    def __init__(self, ws, off, numeric, widths):
        self.ws, self.off, self.numeric, self.row = ws, off, numeric, 1
        for i, w in enumerate(widths):
            ws.column_dimensions[get_column_letter(off + i + 1)].width = w

    def col(self, c):
        return self.off + c + 1

    def put(self, r, c, value, left=False, text=False, fmt=None, bold=False):
        cell = self.ws.cell(row=r, column=self.col(c))
        if value is not None:
            cell.value = value
            if text or isinstance(value, str):
                # Values such as `=100.00(%)` are text, never formulas.
                cell.data_type = "s"
            if fmt:
                cell.number_format = fmt
        cell.alignment = WRAP_LEFT if left else WRAP
        cell.font = Font(name=FONT.name, size=FONT.size, bold=bold)
        cell.border = BORDER
        return cell

    def merge(self, r1, c1, r2, c2, value=None, left=False, **kw):
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self.put(r, c, None)
        self.put(r1, c1, value, left=left, **kw)
        if (r1, c1) != (r2, c2):
            self.ws.merge_cells(
                start_row=r1, start_column=self.col(c1), end_row=r2, end_column=self.col(c2)
            )

    def amount(self, r, c, s, percent=False):
        """An amount as published: a number with a format that prints it exactly, or text."""
        if s is None:
            return self.put(r, c, None)
        if not self.numeric:
            return self.put(r, c, s + ("%" if percent else ""), text=True)
        d = Decimal(s)
        scale = max(0, -d.as_tuple().exponent)
        digits = "0" if scale == 0 else "0." + "0" * scale
        if percent:
            return self.put(r, c, float(d / 100), fmt=digits + "%")
        fmt = ("#,##" + digits) if self.numeric == "grouped" else digits
        return self.put(r, c, float(d), fmt=fmt)

    def title(self, text, year_line, width):
        self.merge(self.row, 0, self.row, width - 1, text, bold=True)
        self.ws.row_dimensions[self.row].height = 24
        self.row += 1
        if year_line:
            self.merge(self.row, 0, self.row, width - 1, year_line)
            self.row += 1

    def height(self, r, text, chars_per_line):
        lines = max(1, -(-len(text or "") // max(1, chars_per_line)))
        self.ws.row_dimensions[r].height = min(400, 15 * lines)

    def runs(self, rows, key):
        """Runs of equal consecutive values (merged level cells)."""
        out, start = [], 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or rows[i][key] != rows[start][key]:
                out.append((start, i - 1, rows[start][key]))
                start = i
        return out

    def indicators(self, rec, cols, first_row):
        """Level columns merged over their runs; `cols` maps field → (c1, c2)."""
        inds = rec["indicators"]
        for lvl in ("level1", "level2"):
            c = cols[lvl][0]
            for a, b, v in self.runs(inds, lvl):
                self.merge(first_row + a, c, first_row + b, c, v)
        for i, ind in enumerate(inds):
            r = first_row + i
            for field, (c1, c2) in cols.items():
                if field in ("level1", "level2"):
                    continue
                v = ind.get(field)
                if field in ("target", "actual", "planned_to_date"):
                    v = text_of(v)
                if field in ("weight", "score") and v is not None:
                    self.merge(r, c1, r, c2)
                    self.amount(r, c1, v)
                    continue
                self.merge(r, c1, r, c2, v, left=field in ("level3", "deviation_note"), text=True)
            self.height(r, max((ind.get("level3") or ""), ind.get("deviation_note") or ""), 14)
        return first_row + len(inds)

    # -- the three forms -------------------------------------------------------------

    def self_evaluation(self, rec, title):
        W = 10
        self.title(title, f"({rec['year']}年度)" if rec.get("year") else None, W)
        r = self.row
        self.merge(r, 0, r, 1, "项目名称")
        self.merge(r, 2, r, 9, rec["project_name"])
        r += 1
        self.merge(r, 0, r, 1, "主管部门")
        self.merge(r, 2, r, 5, rec["department"])
        self.put(r, 6, "实施单位")
        self.merge(r, 7, r, 9, rec["implementer"])
        r += 1
        unit = rec.get("funds_unit") or "万元"
        n = len(rec["funds"])
        self.merge(r, 0, r + n, 1, f"项目资金（{unit}）")
        for c, h in enumerate(["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]):
            if c == 0:
                self.put(r, 2, None)
            else:
                self.put(r, 2 + c, h)
        self.put(r, 9, None)
        for i, f in enumerate(rec["funds"]):
            rr = r + 1 + i
            self.put(rr, 2, ROW_LABEL[f["row"]])
            self.amount(rr, 3, f["initial_budget"])
            self.amount(rr, 4, f["budget"])
            self.amount(rr, 5, f["executed"])
            self.amount(rr, 6, f["weight"]) if f["weight"] else self.put(rr, 6, "-")
            self.amount(rr, 7, f["rate_pct"], percent=True)
            self.amount(rr, 8, f["score"]) if f["score"] else self.put(rr, 8, "-")
            self.put(rr, 9, None)
        r += n + 1
        self.merge(r, 0, r + 1, 0, "年度总体目标")
        self.merge(r, 1, r, 4, "预期目标")
        self.merge(r, 5, r, 9, "实际完成情况")
        self.merge(r + 1, 1, r + 1, 4, rec.get("goal_planned"), left=True)
        self.merge(r + 1, 5, r + 1, 9, rec.get("goal_actual"), left=True)
        self.height(r + 1, max(rec.get("goal_planned") or "", rec.get("goal_actual") or ""), 22)
        r += 2
        for c, h in [(0, "一级指标"), (1, "二级指标"), (4, "年度指标值"), (5, "实际完成值"), (6, "分值"), (7, "得分")]:
            self.put(r, c, h)
        self.merge(r, 2, r, 3, "三级指标")
        self.merge(r, 8, r, 9, "偏差原因分析及改进措施")
        cols = {
            "level1": (0, 0), "level2": (1, 1), "level3": (2, 3), "target": (4, 4),
            "actual": (5, 5), "weight": (6, 6), "score": (7, 7), "deviation_note": (8, 9),
        }
        r = self.indicators(rec, cols, r + 1)
        self.merge(r, 0, r, 5, "总分")
        weights = sum(Decimal(i["weight"]) for i in rec["indicators"] if i.get("weight"))
        tw = rec["funds"][0].get("weight") if rec["funds"] else None
        total_w = weights + (Decimal(tw) if tw else 0)
        self.amount(r, 6, str(total_w.quantize(Decimal("0.01"))))
        self.amount(r, 7, rec.get("total_score"))
        self.merge(r, 8, r, 9)
        r += 1
        self.merge(r, 0, r, 5, "评分等级")
        self.merge(r, 6, r, 9, rec.get("grade"))
        self.row = r + 3

    def monitoring(self, rec):
        W = 8
        self.title("财政项目支出绩效跟踪表", None, W)
        p = rec.get("period") or {}
        if p:
            (y1, m1), (y2, m2) = p["start"].split("-"), p["end"].split("-")
            self.merge(self.row, 0, self.row, W - 1, f"跟踪时段：（ {y1}年{int(m1)}月 至 {y2}年{int(m2)}月 ）")
            self.row += 1
        r = self.row
        self.put(r, 0, "项目名称")
        self.merge(r, 1, r, 7, rec["project_name"])
        r += 1
        self.put(r, 0, "主管部门")
        self.merge(r, 1, r, 3, rec["department"])
        self.put(r, 4, "实施单位")
        self.merge(r, 5, r, 7, rec["implementer"])
        r += 1
        n = len(rec["funds"])
        self.merge(r, 0, r + n, 1, f"预算执行情况（{rec.get('funds_unit') or '万元'}）")
        self.merge(r, 2, r, 3)
        for c, h in enumerate(["年初预算数", "跟踪期预算数", "跟踪期执行数", "执行率（%）"]):
            self.put(r, 4 + c, h)
        for i, f in enumerate(rec["funds"]):
            rr = r + 1 + i
            self.merge(rr, 2, rr, 3, ROW_LABEL[f["row"]])
            self.amount(rr, 4, f["initial_budget"])
            self.amount(rr, 5, f["budget"])
            self.amount(rr, 6, f["executed"])
            self.amount(rr, 7, f["rate_pct"])
        r += n + 1
        self.merge(r, 0, r + 1, 0, "年度总体目标")
        self.merge(r, 1, r, 3, "预期目标")
        self.merge(r, 4, r, 7, "跟踪期实际完成情况")
        self.merge(r + 1, 1, r + 1, 3, rec.get("goal_planned"), left=True)
        self.merge(r + 1, 4, r + 1, 7, rec.get("goal_actual"), left=True)
        self.height(r + 1, max(rec.get("goal_planned") or "", rec.get("goal_actual") or ""), 18)
        r += 2
        for c, h in enumerate(["一级指标", "二级指标", "三级指标", "年度指标值", "跟踪期计划完成值", "跟踪期实际完成值"]):
            self.put(r, c, h)
        self.merge(r, 6, r, 7, "偏差原因分析")
        cols = {
            "level1": (0, 0), "level2": (1, 1), "level3": (2, 2), "target": (3, 3),
            "planned_to_date": (4, 4), "actual": (5, 5), "deviation_note": (6, 7),
        }
        r = self.indicators(rec, cols, r + 1)
        self.merge(r, 0, r + 1, 1, "绩效跟踪总体判断")
        self.merge(r, 2, r, 3, "年度项目预算完成可能性")
        self.merge(r, 4, r, 7, rec.get("outlook_budget"))
        self.merge(r + 1, 2, r + 1, 3, "年度绩效目标完成可能性")
        self.merge(r + 1, 4, r + 1, 7, rec.get("outlook_goals"))
        self.merge(r + 2, 0, r + 2, 1, "纠偏措施")
        self.merge(r + 2, 2, r + 2, 7, rec.get("corrective_actions"), left=True)
        self.row = r + 5

    def declaration(self, rec):
        W = 6
        self.title("财政项目支出绩效目标申报表", f"({rec['year']}年度)" if rec.get("year") else None, W)
        r = self.row
        for c, v in enumerate(["项目名称", rec["project_name"], "项目性质", rec.get("project_nature"), "项目类别", rec.get("project_category")]):
            self.put(r, c, v)
        r += 1
        self.put(r, 0, "主管部门")
        self.merge(r, 1, r, 2, rec["department"])
        self.put(r, 3, "实施单位")
        self.merge(r, 4, r, 5, rec["implementer"])
        r += 1
        self.put(r, 0, "计划开始日期")
        self.merge(r, 1, r, 2, rec.get("planned_start"))
        self.put(r, 3, "计划完成日期")
        self.merge(r, 4, r, 5, rec.get("planned_end"))
        r += 1
        by = {f["row"]: f["budget"] for f in rec["funds"]}
        self.merge(r, 0, r + 3, 0, f"项目资金（{rec.get('funds_unit') or '元'}）")
        rows = [
            ("项目资金总额：", "年度资金申请总额：", "total"),
            ("其中：财政资金", "其中：当年财政拨款", "current_appropriation"),
            (None, "上年结转资金", "carryover"),
            ("其他资金", "其他资金", "other"),
        ]
        for i, (left, right, key) in enumerate(rows):
            self.put(r + i, 1, left)
            self.put(r + i, 2, by.get("fiscal") if key == "current_appropriation" and "fiscal" in by else None)
            self.merge(r + i, 3, r + i, 4, right)
            self.amount(r + i, 5, by.get(key))
        r += 4
        self.merge(r, 0, r + 1, 0, "项目绩效目标")
        self.merge(r, 1, r, 2, "项目总目标")
        self.merge(r, 3, r, 5, "年度总体目标")
        self.merge(r + 1, 1, r + 1, 2, rec.get("goal_project"), left=True)
        self.merge(r + 1, 3, r + 1, 5, rec.get("goal_planned"), left=True)
        self.height(r + 1, max(rec.get("goal_project") or "", rec.get("goal_planned") or ""), 16)
        r += 2
        for c, h in enumerate(["一级指标", "二级指标"]):
            self.put(r, c, h)
        self.merge(r, 2, r, 4, "三级指标")
        self.put(r, 5, "年度(/项目)指标值")
        cols = {"level1": (0, 0), "level2": (1, 1), "level3": (2, 4), "target": (5, 5)}
        r = self.indicators(rec, cols, r + 1)
        self.row = r + 3


TITLES = ["财政项目支出绩效自评表", "财政项目支出绩效自评价", "财政项目支出绩效自我评价", "财政项目支出绩效自评"]


def write_form(sheet, rec, i):
    if rec["form"] == "self_evaluation":
        sheet.self_evaluation(rec, TITLES[i % len(TITLES)])
    elif rec["form"] == "monitoring":
        sheet.monitoring(rec)
    else:
        sheet.declaration(rec)


def page_setup(ws, landscape):
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


WORKBOOKS = [
    # name, source prefix(es), layout, column offset, numeric amounts, landscape, widths
    ("selfeval_000_onesheet", ["000"], "one_sheet", 0, "grouped", False, [8, 9, 14, 11, 11, 11, 8, 9, 9, 14]),
    ("selfeval_001_003_sheets", ["001", "003"], "sheet_per_form", 1, None, False, [7, 8, 13, 12, 12, 12, 8, 9, 9, 16]),
    ("monitoring_002", ["002"], "three_sheets", 2, "plain", True, [9, 10, 16, 12, 12, 12, 12, 14]),
    ("declaration_004", ["004"], "one_sheet", 0, "grouped", False, [9, 14, 14, 14, 14, 18]),
]


def build_workbooks(recs):
    out = os.path.join(SAMPLES, "xlsx")
    os.makedirs(out, exist_ok=True)
    mapping = {}
    for name, prefixes, layout, off, numeric, landscape, widths in WORKBOOKS:
        forms = [r for r in recs if os.path.basename(r["source"]["file"])[:3] in prefixes]
        wb = Workbook()
        wb.remove(wb.active)
        if layout == "one_sheet":
            groups = [("表1", forms)]
        elif layout == "three_sheets":
            k = -(-len(forms) // 3)
            groups = [(f"第{i + 1}批", forms[i * k:(i + 1) * k]) for i in range(3)]
        else:
            groups = [(f"{i + 1}-{r['project_name'][:12]}".replace("/", "／"), [r]) for i, r in enumerate(forms)]
        for sheet_name, group in groups:
            ws = wb.create_sheet(sheet_name[:31])
            sheet = Sheet(ws, off, numeric, widths)
            for i, rec in enumerate(group):
                write_form(sheet, rec, i)
            page_setup(ws, landscape)
        path = os.path.join(out, name + ".xlsx")
        wb.save(path)
        mapping[f"xlsx/{name}.xlsx"] = [r["record_id"] for r in forms]
        # Check: read back, names in order.
        wb2 = load_workbook(path)
        texts = [str(c.value) for ws in wb2.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
        check_order(path, texts, forms, joined=False)
    return mapping


def check_order(path, texts, forms, joined):
    """Every form's project name appears, in order."""
    hay = "\n".join(texts) if not joined else texts
    norm = lambda s: "".join(s.split())
    hay = norm(hay)
    pos = 0
    for r in forms:
        # The first characters: a long name wraps over lines in a narrow cell.
        name = norm(r["project_name"] or "")[:5]
        if not name:
            continue
        k = hay.find(name, pos)
        if k < 0:
            sys.exit(f"{path}: form {r['record_id']} ({r['project_name']}) not found in order")
        pos = k + len(name)


def soffice_pdfs(mapping):
    out = os.path.join(SAMPLES, "pdf-lo")
    os.makedirs(out, exist_ok=True)
    new = {}
    for name, *_ in WORKBOOKS:
        src = os.path.join(SAMPLES, "xlsx", name + ".xlsx")
        subprocess.run(
            ["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", out, src],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600,
        )
        new[f"pdf-lo/{name}.pdf"] = mapping[f"xlsx/{name}.xlsx"]
    return new


def pdftotext(path):
    return subprocess.run(["pdftotext", "-layout", path, "-"], check=True, capture_output=True, text=True).stdout


def html_form(rec):
    """One form as an HTML table with rowspan/colspan."""
    e = lambda s: html.escape(s or "")
    td = lambda s, cs=1, rs=1, cls="": f'<td colspan="{cs}" rowspan="{rs}" class="{cls}">{e(s)}</td>'
    rows = []
    kind = rec["form"]
    if kind == "self_evaluation":
        title = "财政项目支出绩效自评表"
        heads = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
        fields = ["level3", "target", "actual", "weight", "score", "deviation_note"]
        money = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
        mkeys = ["initial_budget", "budget", "executed", "weight", "rate_pct", "score"]
    elif kind == "monitoring":
        title = "财政项目支出绩效跟踪表"
        heads = ["一级指标", "二级指标", "三级指标", "年度指标值", "跟踪期计划完成值", "跟踪期实际完成值", "偏差原因分析"]
        fields = ["level3", "target", "planned_to_date", "actual", "deviation_note"]
        money = ["年初预算数", "跟踪期预算数", "跟踪期执行数", "执行率(%)"]
        mkeys = ["initial_budget", "budget", "executed", "rate_pct"]
    else:
        title = "财政项目支出绩效目标申报表"
        heads = ["一级指标", "二级指标", "三级指标", "年度(/项目)指标值"]
        fields = ["level3", "target"]
        money = ["年度资金申请总额"]
        mkeys = ["budget"]
    W = len(heads)
    rows.append(f'<tr>{td(title, W, cls="title")}</tr>')
    if rec.get("year") and kind != "monitoring":
        year_line = "(%s年度)" % rec["year"]
        rows.append(f'<tr>{td(year_line, W, cls="plain")}</tr>')
    if rec.get("period"):
        p = rec["period"]
        (y1, m1), (y2, m2) = p["start"].split("-"), p["end"].split("-")
        period_line = f"跟踪时段：（ {y1}年{int(m1)}月 至 {y2}年{int(m2)}月 ）"
        rows.append(f'<tr>{td(period_line, W, cls="plain")}</tr>')
    rows.append(f"<tr>{td('项目名称')}{td(rec['project_name'], W - 1)}</tr>")
    half = (W - 2) // 2
    rows.append(f"<tr>{td('主管部门')}{td(rec['department'], half)}{td('实施单位')}{td(rec['implementer'], W - 2 - half)}</tr>")
    if kind == "target_declaration":
        rows.append(f"<tr>{td('项目性质')}{td(rec.get('project_nature'))}{td('项目类别')}{td(rec.get('project_category'))}</tr>")
        rows.append(f"<tr>{td('计划开始日期')}{td(rec.get('planned_start'))}{td('计划完成日期')}{td(rec.get('planned_end'))}</tr>")
    unit = rec.get("funds_unit") or ""
    n = len(rec["funds"])
    label_cs = W - len(money) - 1
    rows.append(f"<tr>{td(f'项目资金（{unit}）', 1, n + 1)}{td('', max(1, label_cs - 0))}" + "".join(td(m) for m in money) + "</tr>")
    for f in rec["funds"]:
        label = "其中：财政资金" if f["row"] == "fiscal" else ROW_LABEL.get(f["row"], f["row"])
        cells = []
        for k in mkeys:
            v = f.get(k)
            if k in ("weight", "score") and v is None:
                v = "-"
            cells.append(td(v))
        rows.append(f"<tr>{td(label, max(1, label_cs))}" + "".join(cells) + "</tr>")
    if kind == "target_declaration":
        rows.append(f"<tr>{td('项目绩效目标', 1, 2)}{td('项目总目标', 1)}{td('年度总体目标', W - 2)}</tr>")
        rows.append(f"<tr>{td(rec.get('goal_project'), 1, cls='left')}{td(rec.get('goal_planned'), W - 2, cls='left')}</tr>")
    else:
        a = "实际完成情况" if kind == "self_evaluation" else "跟踪期实际完成情况"
        half = (W - 1) // 2
        rows.append(f"<tr>{td('年度总体目标', 1, 2)}{td('预期目标', half)}{td(a, W - 1 - half)}</tr>")
        rows.append(f"<tr>{td(rec.get('goal_planned'), half, cls='left')}{td(rec.get('goal_actual'), W - 1 - half, cls='left')}</tr>")
    rows.append("<tr>" + "".join(td(h) for h in heads) + "</tr>")
    inds = rec["indicators"]
    spans = {}
    for lvl in ("level1", "level2"):
        i = 0
        while i < len(inds):
            j = i
            while j + 1 < len(inds) and inds[j + 1][lvl] == inds[i][lvl]:
                j += 1
            spans[(lvl, i)] = j - i + 1
            i = j + 1
    for i, ind in enumerate(inds):
        cells = []
        for lvl in ("level1", "level2"):
            if (lvl, i) in spans:
                cells.append(td(ind[lvl], 1, spans[(lvl, i)]))
        for fld in fields:
            v = ind.get(fld)
            if isinstance(v, dict):
                v = v["text"]
            cells.append(td(v, cls="left" if fld in ("level3", "deviation_note") else ""))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    if kind == "self_evaluation":
        rows.append(f"<tr>{td('总分', W - 3)}{td('100.00')}{td(rec.get('total_score'))}{td('')}</tr>")
        rows.append(f"<tr>{td('评分等级', W - 3)}{td(rec.get('grade'), 3)}</tr>")
    if kind == "monitoring":
        rows.append(f"<tr>{td('绩效跟踪总体判断', 2, 2)}{td('年度项目预算完成可能性', 2)}{td(rec.get('outlook_budget'), W - 4)}</tr>")
        rows.append(f"<tr>{td('年度绩效目标完成可能性', 2)}{td(rec.get('outlook_goals'), W - 4)}</tr>")
        rows.append(f"<tr>{td('纠偏措施', 2)}{td(rec.get('corrective_actions'), W - 2, cls='left')}</tr>")
    return '<table>' + "\n".join(rows) + "</table>"


def chromium_pdfs(recs):
    out = os.path.join(SAMPLES, "pdf-chromium")
    os.makedirs(out, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    groups = {
        "monitoring_002": [r for r in recs if "/002_" in r["source"]["file"]],
        "selfeval_001_003": [r for r in recs if "/001_" in r["source"]["file"] or "/003_" in r["source"]["file"]],
        "selfeval_000_declaration_004": [r for r in recs if "/000_" in r["source"]["file"] or "/004_" in r["source"]["file"]],
    }
    css = """
    @page { size: A4; margin: 12mm; }
    body { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 9pt; }
    table { border-collapse: collapse; width: 100%; margin-bottom: 18pt; }
    td { border: 0.6pt solid #000; padding: 2pt 3pt; text-align: center; vertical-align: middle; }
    td.left { text-align: left; }
    td.title { border: none; font-size: 14pt; font-weight: bold; }
    td.plain { border: none; }
    """
    mapping = {}
    for name, forms in groups.items():
        page = f"<html><head><meta charset='utf-8'><style>{css}</style></head><body>" + "\n".join(html_form(r) for r in forms) + "</body></html>"
        src = os.path.join("/tmp", name + ".html")
        open(src, "w", encoding="utf-8").write(page)
        pdf = os.path.join(out, name + ".pdf")
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir=/tmp/chromium-render", "--no-pdf-header-footer",
             f"--print-to-pdf={pdf}", "file://" + src],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600,
        )
        mapping[f"pdf-chromium/{name}.pdf"] = [r["record_id"] for r in forms]
    return mapping


def cid_pdfs(recs):
    """reportlab tables in STSong-Light: CID font, UniGB-UCS2-H, not embedded, no ToUnicode."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = os.path.join(SAMPLES, "pdf-cid")
    os.makedirs(out, exist_ok=True)
    style = ParagraphStyle("c", fontName="STSong-Light", fontSize=8, leading=10)
    title = ParagraphStyle("t", fontName="STSong-Light", fontSize=13, leading=16, alignment=1)
    forms = [r for r in recs if "/003_" in r["source"]["file"]] + [r for r in recs if "/004_" in r["source"]["file"]][:6]
    story = []
    P = lambda s: Paragraph(html.escape(s or ""), style)
    for rec in forms:
        kind = rec["form"]
        story.append(Paragraph("财政项目支出绩效自评表" if kind == "self_evaluation" else "财政项目支出绩效目标申报表", title))
        if rec.get("year"):
            story.append(Paragraph(f"({rec['year']}年度)", title))
        data = [[P("项目名称"), P(rec["project_name"]), "", "", "", ""],
                [P("主管部门"), P(rec["department"]), "", P("实施单位"), P(rec["implementer"]), ""]]
        spans = [("SPAN", (1, 0), (5, 0)), ("SPAN", (1, 1), (2, 1)), ("SPAN", (4, 1), (5, 1))]
        if kind == "target_declaration":
            data.append([P("项目性质"), P(rec.get("project_nature")), P("项目类别"), P(rec.get("project_category")), P("计划开始日期"), P(rec.get("planned_start"))])
            data.append([P("计划完成日期"), P(rec.get("planned_end")), "", "", "", ""])
            spans.append(("SPAN", (1, len(data) - 1), (5, len(data) - 1)))
            data.append([P(f"项目资金（{rec.get('funds_unit')}）"), P("年度资金申请总额"), "", "", "", ""])
            for f in rec["funds"]:
                data.append(["", P(ROW_LABEL.get(f["row"], "其中：财政资金")), P(f["budget"]), "", "", ""])
            data.append([P("年度总体目标"), P(rec.get("goal_planned")), "", "", "", ""])
            spans.append(("SPAN", (1, len(data) - 1), (5, len(data) - 1)))
            data.append([P("一级指标"), P("二级指标"), P("三级指标"), "", P("年度(/项目)指标值"), ""])
            for ind in rec["indicators"]:
                data.append([P(ind["level1"]), P(ind["level2"]), P(ind["level3"]), "", P(text_of(ind["target"])), ""])
        else:
            data.append([P(f"项目资金（{rec.get('funds_unit')}）"), "", P("年初预算数"), P("全年预算数"), P("全年执行数"), P("分值"), P("执行率"), P("得分")])
            spans.append(("SPAN", (0, len(data) - 1), (1, len(data) - 1)))
            for f in rec["funds"]:
                data.append([P(ROW_LABEL[f["row"]]), "", P(f["initial_budget"]), P(f["budget"]), P(f["executed"]), P(f["weight"] or "-"), P(f["rate_pct"]), P(f["score"] or "-")])
                spans.append(("SPAN", (0, len(data) - 1), (1, len(data) - 1)))
            data.append([P("预期目标"), P(rec.get("goal_planned")), "", "", P("实际完成情况"), P(rec.get("goal_actual")), "", ""])
            spans += [("SPAN", (1, len(data) - 1), (3, len(data) - 1)), ("SPAN", (5, len(data) - 1), (7, len(data) - 1))]
            data.append([P("一级指标"), P("二级指标"), P("三级指标"), P("年度指标值"), P("实际完成值"), P("分值"), P("得分"), P("偏差原因分析")])
            for ind in rec["indicators"]:
                data.append([P(ind["level1"]), P(ind["level2"]), P(ind["level3"]), P(text_of(ind["target"])), P(text_of(ind["actual"])), P(ind["weight"]), P(ind["score"]), P(ind.get("deviation_note"))])
            data.append([P("总分"), "", "", "", "", P("100.00"), P(rec.get("total_score")), ""])
            spans.append(("SPAN", (0, len(data) - 1), (4, len(data) - 1)))
            data.append([P("评分等级"), "", "", "", "", P(rec.get("grade")), "", ""])
            spans += [("SPAN", (0, len(data) - 1), (4, len(data) - 1)), ("SPAN", (5, len(data) - 1), (7, len(data) - 1))]
        widths = [48, 56, 110, 64, 64, 36, 36, 86] if kind == "self_evaluation" else [70, 110, 100, 80, 80, 70]
        if kind == "self_evaluation":
            # Header rows span the eight columns.
            data[0] = [P("项目名称"), P(rec["project_name"]), "", "", "", "", "", ""]
            data[1] = [P("主管部门"), P(rec["department"]), "", "", P("实施单位"), P(rec["implementer"]), "", ""]
            spans = [("SPAN", (1, 0), (7, 0)), ("SPAN", (1, 1), (3, 1)), ("SPAN", (5, 1), (7, 1))] + spans[3:]
        t = Table(data, colWidths=widths, repeatRows=0)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")] + spans))
        story += [t, Spacer(1, 18)]
    pdf = os.path.join(out, "selfeval_003_declaration_004_stsong.pdf")
    SimpleDocTemplate(pdf, pagesize=A4, leftMargin=30, rightMargin=30, topMargin=30, bottomMargin=30).build(story)
    return {"pdf-cid/selfeval_003_declaration_004_stsong.pdf": [r["record_id"] for r in forms]}


def main():
    recs = load_records()
    assert len(recs) == 100, len(recs)
    mapping = build_workbooks(recs)
    lo = soffice_pdfs(mapping)
    by_id = {r["record_id"]: r for r in recs}
    for path, ids in lo.items():
        check_order(path, pdftotext(os.path.join(SAMPLES, path)), [by_id[i] for i in ids], joined=True)
    chrome = chromium_pdfs(recs)
    for path, ids in chrome.items():
        check_order(path, pdftotext(os.path.join(SAMPLES, path)), [by_id[i] for i in ids], joined=True)
    cid = cid_pdfs(recs)
    allmap = {**mapping, **lo, **chrome, **cid}
    for path, ids in allmap.items():
        dest = os.path.join(GOLDEN, "rendered", path + ".json")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w", encoding="utf-8") as f:
            json.dump({"file": "samples/" + path, "records": ids}, f, ensure_ascii=False, indent=1)
            f.write("\n")
    for path, ids in sorted(allmap.items()):
        size = os.path.getsize(os.path.join(SAMPLES, path))
        print(f"{path}: {len(ids)} forms, {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
