#!/usr/bin/env python3
"""Writes the encrypted test PDFs of crates/jixiao-pdf/tests/data/encrypted/ (committed; the
test needs neither qpdf nor reportlab): one page "Secret 财政 2024" (reportlab, STSong-Light),
encrypted by qpdf with the standard security handler in each revision, user password
"user" and owner password "owner":

  rc4-40.pdf, rc4-128.pdf, aes-128.pdf, aes-256.pdf (R6)
  owner-only.pdf          AES-256 with an empty user password (opens without one)
  direct-encrypt.pdf      RC4-128, empty user password, the /Encrypt dictionary written
                          directly in the trailer (as some producers do)
(A file without /ID cannot be made by removing it: the key was derived from it. pdfminer.six's
samples/encryption/encrypted_doc_no_id.pdf is one; it opens, see the issue notes.)

Needs qpdf (Debian) and reportlab (PyPI).
"""
import pathlib, re, subprocess, tempfile

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/jixiao-pdf/tests/data/encrypted"


def qpdf(src, dst, *enc):
    subprocess.run(["qpdf", "--allow-weak-crypto", "--object-streams=disable", "--encrypt", *enc, "--",
                    str(src), str(dst)],
                   check=True)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        plain = pathlib.Path(tmp) / "plain.pdf"
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        c = canvas.Canvas(str(plain), pagesize=(300, 200))
        c.setFont("STSong-Light", 14)
        c.drawString(30, 100, "Secret 财政 2024")
        c.save()
        qpdf(plain, OUT / "rc4-40.pdf", "user", "owner", "40")
        qpdf(plain, OUT / "rc4-128.pdf", "user", "owner", "128", "--use-aes=n")
        qpdf(plain, OUT / "aes-128.pdf", "user", "owner", "128", "--use-aes=y")
        qpdf(plain, OUT / "aes-256.pdf", "user", "owner", "256")
        qpdf(plain, OUT / "owner-only.pdf", "", "owner", "256")
        # /Encrypt N 0 R in the trailer replaced by the dictionary itself.
        base = pathlib.Path(tmp) / "base.pdf"
        qpdf(plain, base, "", "owner", "128", "--use-aes=n")
        data = base.read_bytes()
        m = re.search(rb"/Encrypt (\d+) 0 R", data[data.rfind(b"trailer"):])
        num = m.group(1)
        obj = re.search(rb"\n" + num + rb" 0 obj\s*(<<.*?>>)\s*endobj", data, re.S).group(1)
        t = data.rfind(b"trailer")
        data = data[:t] + data[t:].replace(b"/Encrypt " + num + b" 0 R", b"/Encrypt " + obj)
        (OUT / "direct-encrypt.pdf").write_bytes(data)
    for p in sorted(OUT.glob("*.pdf")):
        print(p.name, p.stat().st_size)


if __name__ == "__main__":
    main()
