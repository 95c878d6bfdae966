#!/usr/bin/env python3
"""Renders the dev forms as the other formats agencies publish (issue: the nightly job and
the other ways agencies publish), with mappings to the text goldens under golden/rendered/:

  html/  the HTML pages the Chromium PDFs are printed from (UTF-8, rowspan/colspan), and
         the same tables as a government site serves them: GBK (`charset=gb2312`), inside
         the site's header, navigation and footer, `&nbsp;` in empty cells;
  docx/  those pages converted to Word by LibreOffice (`gridSpan` / `vMerge` merges);
  zip/   attachments.zip, a bundle as agencies post them: a Word and an HTML sample in
         folders with Chinese names, a cover note without forms, and a nested zip holding a
         text export (the parity test reads each member alone to compare).

Needs LibreOffice (Debian); reuses scripts/render_samples.py's HTML of a form.
Run by scripts/render_samples.sh; CI does not run it (outputs are committed).
"""
import json, pathlib, shutil, subprocess, sys, tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import render_samples as rs  # noqa: E402

CSS = """
table { border-collapse: collapse; width: 100%; margin-bottom: 18pt; }
td { border: 0.6pt solid #000; padding: 2pt 3pt; text-align: center; vertical-align: middle; }
td.left { text-align: left; } td.title { border: none; font-size: 14pt; font-weight: bold; }
td.plain { border: none; }
"""


def groups(recs):
    """The forms of each Chromium PDF, in order (their mappings say which)."""
    by_id = {r["record_id"]: r for r in recs}
    out = {}
    for m in sorted((ROOT / "golden/rendered/pdf-chromium").glob("*.json")):
        ids = json.loads(m.read_text())["records"]
        out[pathlib.Path(m.stem).stem] = [by_id[i] for i in ids]
    return out


def mapping(dir_, name, ids):
    out = ROOT / "golden/rendered" / dir_
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(
        json.dumps({"file": f"samples/{dir_}/{name}", "records": ids}, ensure_ascii=False, indent=1) + "\n")


def gov_page(tables):
    body = "\n".join(t.replace('class=""></td>', 'class="">&nbsp;</td>') for t in tables)
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>2024年度项目支出绩效自评结果公开</title><style>{CSS}</style></head>
<body><div class="header"><a href="/">首页</a> | <a href="/xxgk/">信息公开</a> | <a href="/czyjs/">财政预决算</a></div>
<div class="main"><h2>2024年度项目支出绩效自评结果公开</h2>
<p>发布日期：2025-06-30　　来源：区财政局</p>
{body}
</div><div class="footer">主办单位：区人民政府办公室　　ICP备案号：沪ICP备00000000号</div></body></html>"""


def bundle():
    import io, zipfile

    out = ROOT / "samples/zip"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(ROOT / "samples/text/001_7f02990d5c4f7ac6.txt", "001_7f02990d5c4f7ac6.txt")
    with zipfile.ZipFile(out / "attachments.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(ROOT / "samples/docx/selfeval_001_003.docx", "自评表/selfeval_001_003.docx")
        z.write(ROOT / "samples/html/monitoring_002.html", "跟踪表/monitoring_002.html")
        z.writestr("说明.txt", "附件为本单位2024年度项目支出绩效自评表及跟踪表。\n")
        z.writestr("更多/text.zip", inner.getvalue())


def main():
    recs = rs.load_records()
    for d in ("html", "docx"):
        shutil.rmtree(ROOT / "samples" / d, ignore_errors=True)
        shutil.rmtree(ROOT / "golden/rendered" / d, ignore_errors=True)
        (ROOT / "samples" / d).mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, forms in groups(recs).items():
            ids = [r["record_id"] for r in forms]
            tables = [rs.html_form(r) for r in forms]
            page = (f"<html><head><meta charset='utf-8'><style>{CSS}</style></head><body>"
                    + "\n".join(tables) + "</body></html>")
            (ROOT / "samples/html" / f"{name}.html").write_text(page, encoding="utf-8")
            mapping("html", f"{name}.html", ids)
            src = pathlib.Path(tmp) / f"{name}.html"
            src.write_text(page, encoding="utf-8")
            subprocess.run(["soffice", "--headless", "--norestore", "--convert-to",
                            "docx:MS Word 2007 XML", "--outdir", tmp, str(src)],
                           check=True, capture_output=True)
            shutil.copy(pathlib.Path(tmp) / f"{name}.docx", ROOT / "samples/docx" / f"{name}.docx")
            mapping("docx", f"{name}.docx", ids)
        # One page as a government site serves it, in GBK.
        name, forms = "selfeval_001_003", groups(recs)["selfeval_001_003"]
        page = gov_page([rs.html_form(r) for r in forms])
        (ROOT / "samples/html" / f"gov_{name}.html").write_bytes(page.encode("gbk"))
        mapping("html", f"gov_{name}.html", [r["record_id"] for r in forms])
    bundle()
    for d in ("html", "docx", "zip"):
        for p in sorted((ROOT / "samples" / d).iterdir()):
            print(p.relative_to(ROOT), p.stat().st_size)


if __name__ == "__main__":
    main()
