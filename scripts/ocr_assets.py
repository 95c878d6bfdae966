#!/usr/bin/env python3
"""Installs the OCR engine's files into a directory: the PP-OCRv6 models and ONNX Runtime,
and PDFium, the page renderer of the auditors' report (crops of the printed rows).

    python3 scripts/ocr_assets.py DEST

Run by `crates/jixiao-ocr/build.rs` (so `cargo build` of a fresh clone installs them) and
usable by hand. Both come from PyPI wheels, pinned by version and SHA-256
(`pip download --require-hashes`); every extracted file is checked against its own
SHA-256 too, so a changed wheel or a damaged file is refused. Nothing is fetched at run
time: the binary only reads DEST.

| file | from | licence |
|---|---|---|
| `PP-OCRv6_rec_small.onnx`, `PP-OCRv6_det_small.onnx` | rapidocr 3.10.0 (PaddleOCR models) | Apache-2.0 (`LICENSE-rapidocr`, `MODEL_LICENSES.md`) |
| `libonnxruntime.so` | onnxruntime 1.32.0, cp311 manylinux_2_28 x86_64 | MIT (`LICENSE-onnxruntime`, `ThirdPartyNotices.txt`) |
| `libpdfium.so` | pypdfium2 5.15.2 (PDFium build 8149), manylinux_2_17 x86_64 | Apache-2.0 / BSD-3-Clause (`LICENSE-pdfium-Apache-2.0.txt`, `LICENSE-pdfium-BSD-3-Clause.txt`) |

Idempotent: when DEST already holds every file with the right SHA-256 it does nothing.
Writes into a staging directory and renames, so an interrupted run leaves no half set.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

WHEELS = {
    "rapidocr-3.10.0-py3-none-any.whl": {
        "req": "rapidocr==3.10.0",
        "sha256": "2fc34e26cd0f48514804a94f8832283039c7334076bff60768b1fed9ad068050",
        "pip": [],
        "files": {
            "rapidocr/models/PP-OCRv6_rec_small.onnx": ("PP-OCRv6_rec_small.onnx", "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884"),
            "rapidocr/models/PP-OCRv6_det_small.onnx": ("PP-OCRv6_det_small.onnx", "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f"),
            "rapidocr-3.10.0.dist-info/licenses/LICENSE": ("LICENSE-rapidocr", "3e0af25fdd06aa9586ae97adb00ea927ebe5a3805ac77d2d3a81ce5f55693333"),
            "rapidocr-3.10.0.dist-info/licenses/MODEL_LICENSES.md": ("MODEL_LICENSES.md", "c5fd0e8603d3df743355b546121e6fe0f4ef8ff455c5a85c1681fd3ae520e153"),
        },
    },
    "onnxruntime-1.32.0-cp311-cp311-manylinux_2_28_x86_64.whl": {
        "req": "onnxruntime==1.32.0",
        "sha256": "5a34fc4dfeb5a7b4a74c95dcba1e773d722abda720b474edf1b0c419dc6d163d",
        # The shared library does not depend on the Python that downloads it.
        "pip": ["--platform", "manylinux_2_28_x86_64", "--python-version", "3.11",
                "--implementation", "cp", "--abi", "cp311"],
        "files": {
            "onnxruntime/capi/libonnxruntime.so.1.32.0": ("libonnxruntime.so", "6c1585d1bbf45b0712ea4a21b705c5fcb4ba04ff2e30f1fbf81a49faf658638f"),
            "onnxruntime/LICENSE": ("LICENSE-onnxruntime", None),
            "onnxruntime/ThirdPartyNotices.txt": ("ThirdPartyNotices.txt", None),
        },
    },
    "pypdfium2-5.15.2-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl": {
        "req": "pypdfium2==5.15.2",
        "sha256": "dc31aea5b0fb9fefc9b537a65f4113980b2c40798445736a7e6565bc85161e37",
        "pip": ["--platform", "manylinux_2_17_x86_64"],
        "files": {
            "pypdfium2_raw/libpdfium.so": ("libpdfium.so", "c76dc0f7839644bfa7c3e3107a6068df714e339c861bb7d4519907b821d427f9"),
            "pypdfium2-5.15.2.dist-info/licenses/LICENSES/Apache-2.0.txt": ("LICENSE-pdfium-Apache-2.0.txt", "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"),
            "pypdfium2-5.15.2.dist-info/licenses/LICENSES/BSD-3-Clause.txt": ("LICENSE-pdfium-BSD-3-Clause.txt", "a6d11f0694c0137e9b02924b9d33a159f6c72f220fa4655bb2e1ea3654377d39"),
        },
    },
}


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def complete(dest):
    for wheel in WHEELS.values():
        for name, digest in wheel["files"].values():
            p = os.path.join(dest, name)
            if not os.path.isfile(p) or (digest and sha256(p) != digest):
                return False
    return True


def install(dest):
    if complete(dest):
        return
    parent = os.path.dirname(os.path.abspath(dest)) or "."
    os.makedirs(parent, exist_ok=True)
    stage = tempfile.mkdtemp(prefix=".ocr-assets-", dir=parent)
    os.chmod(stage, 0o755)
    try:
        with tempfile.TemporaryDirectory() as dl:
            for filename, wheel in WHEELS.items():
                req = os.path.join(dl, filename + ".txt")
                with open(req, "w") as f:
                    f.write(f"{wheel['req']} --hash=sha256:{wheel['sha256']}\n")
                subprocess.run(
                    [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                     "--only-binary=:all:", "--require-hashes", "-r", req, "-d", dl]
                    + wheel["pip"],
                    check=True,
                )
                path = os.path.join(dl, filename)
                if sha256(path) != wheel["sha256"]:
                    raise SystemExit(f"{filename}: SHA-256 differs from the pinned one")
                with zipfile.ZipFile(path) as z:
                    for member, (name, digest) in wheel["files"].items():
                        out = os.path.join(stage, name)
                        with z.open(member) as src, open(out, "wb") as dst:
                            shutil.copyfileobj(src, dst)
                        if digest and sha256(out) != digest:
                            raise SystemExit(f"{filename}:{member}: SHA-256 differs from the pinned one")
        if os.path.isdir(dest):
            shutil.rmtree(dest)
        os.rename(stage, dest)
    finally:
        if os.path.isdir(stage):
            shutil.rmtree(stage)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    install(sys.argv[1])
    print(os.path.abspath(sys.argv[1]))
