//! PDF pages rendered by PDFium, loaded at run time from `libpdfium.so`.
//!
//! Why PDFium: it renders every PDF this project reads (CID fonts, Type 3, images,
//! broken cross-reference tables) as Chrome does, it is a single shared library with a
//! small stable C API, and the PyPI wheel `pypdfium2` ships it prebuilt
//! (Apache-2.0/BSD-3-Clause), so `scripts/ocr_assets.py` installs it pinned and checked
//! like the OCR engine — nothing to compile, no system package. MuPDF's Rust bindings
//! compile MuPDF from source (minutes, AGPL); poppler's need GLib and Cairo.
//!
//! Why not the `pdfium-render` crate: it binds every PDFium function of one PDFium
//! release when the library loads, and the wheels ship newer releases than its
//! bindings know. The report needs 25 functions of the core API (`fpdfview.h`,
//! `fpdf_text.h`), unchanged for years; they are declared here. PDFium is not
//! thread-safe: every call holds one lock.

#![allow(unsafe_code)] // Calls into PDFium's C API; each call is commented with its contract.

use std::ffi::{c_int, c_ulong, c_void};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Why PDFium could not render.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PdfiumError {
    /// `libpdfium.so` is missing or lacks a function.
    #[error("PDF renderer unavailable ({path}): {reason}")]
    Library {
        /// The library file.
        path: String,
        /// What failed.
        reason: String,
    },
    /// PDFium could not open the document or page.
    #[error("PDFium cannot render page {page}: {reason}")]
    Page {
        /// 1-based page.
        page: u32,
        /// What failed.
        reason: String,
    },
}

type Doc = *mut c_void;
type Page = *mut c_void;
type Bitmap = *mut c_void;
type TextPage = *mut c_void;
type Search = *mut c_void;

struct Api {
    load_mem_document: unsafe extern "C" fn(*const c_void, c_int, *const i8) -> Doc,
    get_last_error: unsafe extern "C" fn() -> c_ulong,
    close_document: unsafe extern "C" fn(Doc),
    get_page_count: unsafe extern "C" fn(Doc) -> c_int,
    load_page: unsafe extern "C" fn(Doc, c_int) -> Page,
    close_page: unsafe extern "C" fn(Page),
    page_width: unsafe extern "C" fn(Page) -> f32,
    page_height: unsafe extern "C" fn(Page) -> f32,
    bitmap_create: unsafe extern "C" fn(c_int, c_int, c_int) -> Bitmap,
    bitmap_fill_rect: unsafe extern "C" fn(Bitmap, c_int, c_int, c_int, c_int, c_ulong) -> c_int,
    bitmap_buffer: unsafe extern "C" fn(Bitmap) -> *mut u8,
    bitmap_stride: unsafe extern "C" fn(Bitmap) -> c_int,
    bitmap_destroy: unsafe extern "C" fn(Bitmap),
    render_page_bitmap:
        unsafe extern "C" fn(Bitmap, Page, c_int, c_int, c_int, c_int, c_int, c_int),
    text_load_page: unsafe extern "C" fn(Page) -> TextPage,
    text_close_page: unsafe extern "C" fn(TextPage),
    find_start: unsafe extern "C" fn(TextPage, *const u16, c_ulong, c_int) -> Search,
    find_next: unsafe extern "C" fn(Search) -> c_int,
    find_index: unsafe extern "C" fn(Search) -> c_int,
    find_count: unsafe extern "C" fn(Search) -> c_int,
    find_close: unsafe extern "C" fn(Search),
    count_rects: unsafe extern "C" fn(TextPage, c_int, c_int) -> c_int,
    get_rect:
        unsafe extern "C" fn(TextPage, c_int, *mut f64, *mut f64, *mut f64, *mut f64) -> c_int,
    page_to_device: unsafe extern "C" fn(
        Page,
        c_int,
        c_int,
        c_int,
        c_int,
        c_int,
        f64,
        f64,
        *mut c_int,
        *mut c_int,
    ) -> c_int,
    // Keeps the symbols above valid.
    _lib: libloading::Library,
}

/// Largest rendered page, in pixels (A3 at 200 dpi is 7.8 M): a page over it is
/// rendered at a lower scale.
pub const MAX_RENDER_PIXELS: f32 = 12_000_000.0;
/// `FPDF_MATCHWHOLEWORD`: `4.00` is not found inside `24.00`.
const MATCH_WHOLE_WORD: c_ulong = 0x2;
/// `FPDF_ANNOT | FPDF_LCD_TEXT` off, `FPDF_PRINTING` off: annotations drawn (0x01).
const RENDER_FLAGS: c_int = 0x01;

/// One rendered page: RGB pixels and the mapping from page points.
#[derive(Debug, Clone)]
pub struct RenderedPage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// RGB, row-major.
    pub rgb: Vec<u8>,
    /// Pixels per point.
    pub scale: f32,
}

/// The renderer: PDFium loaded once per process.
pub struct Pdfium {
    api: Mutex<Api>,
}

// SAFETY: the raw function pointers are only called under the mutex; PDFium's state is
// process-global and is never touched from two threads at once.
unsafe impl Send for Pdfium {}
unsafe impl Sync for Pdfium {}

/// Where `libpdfium.so` is: `JIXIAO_PDFIUM`, else beside the OCR engine's files.
pub fn library_path() -> PathBuf {
    if let Some(p) = std::env::var_os("JIXIAO_PDFIUM") {
        return PathBuf::from(p);
    }
    jixiao_ocr::assets_dir().join("libpdfium.so")
}

impl Pdfium {
    /// The process's renderer, loaded once from [`library_path`].
    pub fn shared() -> Result<&'static Pdfium, PdfiumError> {
        static ONE: OnceLock<Result<Pdfium, PdfiumError>> = OnceLock::new();
        ONE.get_or_init(|| Pdfium::load(&library_path()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Loads `libpdfium.so` from `path` and initialises it.
    pub fn load(path: &Path) -> Result<Pdfium, PdfiumError> {
        let fail = |reason: String| PdfiumError::Library {
            path: path.display().to_string(),
            reason,
        };
        if !path.is_file() {
            return Err(fail(
                "not found (install it with `python3 scripts/ocr_assets.py DIR`)".into(),
            ));
        }
        // SAFETY: loading PDFium runs its (trivial) static initialisers only.
        let lib = unsafe { libloading::Library::new(path) }.map_err(|e| fail(e.to_string()))?;
        macro_rules! sym {
            ($name:literal) => {
                // SAFETY: the declared type is the function's C signature in PDFium's
                // public headers (fpdfview.h, fpdf_text.h), stable since 2017.
                *unsafe { lib.get($name) }.map_err(|e| fail(e.to_string()))?
            };
        }
        let init: unsafe extern "C" fn() = sym!(b"FPDF_InitLibrary\0");
        let api = Api {
            load_mem_document: sym!(b"FPDF_LoadMemDocument\0"),
            get_last_error: sym!(b"FPDF_GetLastError\0"),
            close_document: sym!(b"FPDF_CloseDocument\0"),
            get_page_count: sym!(b"FPDF_GetPageCount\0"),
            load_page: sym!(b"FPDF_LoadPage\0"),
            close_page: sym!(b"FPDF_ClosePage\0"),
            page_width: sym!(b"FPDF_GetPageWidthF\0"),
            page_height: sym!(b"FPDF_GetPageHeightF\0"),
            bitmap_create: sym!(b"FPDFBitmap_Create\0"),
            bitmap_fill_rect: sym!(b"FPDFBitmap_FillRect\0"),
            bitmap_buffer: sym!(b"FPDFBitmap_GetBuffer\0"),
            bitmap_stride: sym!(b"FPDFBitmap_GetStride\0"),
            bitmap_destroy: sym!(b"FPDFBitmap_Destroy\0"),
            render_page_bitmap: sym!(b"FPDF_RenderPageBitmap\0"),
            text_load_page: sym!(b"FPDFText_LoadPage\0"),
            text_close_page: sym!(b"FPDFText_ClosePage\0"),
            find_start: sym!(b"FPDFText_FindStart\0"),
            find_next: sym!(b"FPDFText_FindNext\0"),
            find_index: sym!(b"FPDFText_GetSchResultIndex\0"),
            find_count: sym!(b"FPDFText_GetSchCount\0"),
            find_close: sym!(b"FPDFText_FindClose\0"),
            count_rects: sym!(b"FPDFText_CountRects\0"),
            get_rect: sym!(b"FPDFText_GetRect\0"),
            page_to_device: sym!(b"FPDF_PageToDevice\0"),
            _lib: lib,
        };
        // SAFETY: called once, before any other PDFium function.
        unsafe { init() };
        Ok(Pdfium {
            api: Mutex::new(api),
        })
    }

    /// The number of pages of a PDF.
    pub fn page_count(&self, bytes: &[u8]) -> Result<u32, PdfiumError> {
        let api = self.api.lock().unwrap_or_else(|e| e.into_inner());
        let doc = open(&api, bytes, 0)?;
        // SAFETY: `doc` is a live document handle.
        let n = unsafe { (api.get_page_count)(doc) };
        // SAFETY: closed once, not used after.
        unsafe { (api.close_document)(doc) };
        Ok(n.max(0) as u32)
    }

    /// Renders 1-based `page` of a PDF at `scale` pixels per point (lowered for pages over
    /// [`MAX_RENDER_PIXELS`]).
    pub fn render(&self, bytes: &[u8], page: u32, scale: f32) -> Result<RenderedPage, PdfiumError> {
        let api = self.api.lock().unwrap_or_else(|e| e.into_inner());
        let fail = |reason: String| PdfiumError::Page { page, reason };
        let doc = open(&api, bytes, page)?;
        let out = render_doc(&api, doc, page, scale, &fail);
        // SAFETY: closed once, after the page (closed in render_doc).
        unsafe { (api.close_document)(doc) };
        out
    }

    /// Boxes (pixels at `scale`: x0, y0, x1, y1) of every occurrence of each text of
    /// `search` in the text layer of 1-based `page`.
    pub fn find(
        &self,
        bytes: &[u8],
        page: u32,
        scale: f32,
        search: &[&str],
    ) -> Result<Vec<[f32; 4]>, PdfiumError> {
        let api = self.api.lock().unwrap_or_else(|e| e.into_inner());
        let doc = open(&api, bytes, page)?;
        // SAFETY: `doc` is live; the index is checked against the count.
        let count = unsafe { (api.get_page_count)(doc) };
        let mut out = Vec::new();
        if page >= 1 && page as c_int <= count {
            // SAFETY: valid document and index.
            let p = unsafe { (api.load_page)(doc, page as c_int - 1) };
            if !p.is_null() {
                // SAFETY: `p` is a live page.
                let (w, h) = unsafe { ((api.page_width)(p), (api.page_height)(p)) };
                let (w, h) = ((w * scale).round() as c_int, (h * scale).round() as c_int);
                out = find(&api, p, w, h, search);
                // SAFETY: closed once.
                unsafe { (api.close_page)(p) };
            }
        }
        // SAFETY: closed once, after its page.
        unsafe { (api.close_document)(doc) };
        Ok(out)
    }
}

fn open(api: &Api, bytes: &[u8], page: u32) -> Result<Doc, PdfiumError> {
    let len = c_int::try_from(bytes.len()).map_err(|_| PdfiumError::Page {
        page,
        reason: "file over 2 GiB".into(),
    })?;
    // SAFETY: `bytes` outlives the document (closed before this call's caller returns);
    // a null password is allowed.
    let doc = unsafe { (api.load_mem_document)(bytes.as_ptr().cast(), len, std::ptr::null()) };
    if doc.is_null() {
        // SAFETY: no arguments; reads PDFium's last error code.
        let code = unsafe { (api.get_last_error)() };
        return Err(PdfiumError::Page {
            page,
            reason: format!("cannot open the document (PDFium error {code})"),
        });
    }
    Ok(doc)
}

fn render_doc(
    api: &Api,
    doc: Doc,
    page: u32,
    scale: f32,
    fail: &dyn Fn(String) -> PdfiumError,
) -> Result<RenderedPage, PdfiumError> {
    // SAFETY: `doc` is live; the index is checked against the count.
    let count = unsafe { (api.get_page_count)(doc) };
    if page == 0 || page as c_int > count {
        return Err(fail(format!("the document has {count} pages")));
    }
    // SAFETY: valid document and index.
    let p = unsafe { (api.load_page)(doc, page as c_int - 1) };
    if p.is_null() {
        return Err(fail("cannot load the page".into()));
    }
    // SAFETY: `p` is a live page.
    let (w_pt, h_pt) = unsafe { ((api.page_width)(p), (api.page_height)(p)) };
    let mut s = scale;
    if w_pt * h_pt * s * s > MAX_RENDER_PIXELS {
        s = (MAX_RENDER_PIXELS / (w_pt * h_pt).max(1.0)).sqrt();
    }
    let (w, h) = (
        (w_pt * s).round().max(1.0) as c_int,
        (h_pt * s).round().max(1.0) as c_int,
    );
    // SAFETY: positive dimensions, no alpha (BGRx).
    let bmp = unsafe { (api.bitmap_create)(w, h, 0) };
    if bmp.is_null() {
        // SAFETY: closed once.
        unsafe { (api.close_page)(p) };
        return Err(fail(format!("cannot allocate a {w}×{h} bitmap")));
    }
    // SAFETY: `bmp` and `p` are live; the rectangle is the whole bitmap; white paper.
    unsafe {
        (api.bitmap_fill_rect)(bmp, 0, 0, w, h, 0xFFFF_FFFF);
        (api.render_page_bitmap)(bmp, p, 0, 0, w, h, 0, RENDER_FLAGS);
    }
    // SAFETY: the buffer holds `stride × h` bytes while `bmp` lives.
    let (buf, stride) = unsafe { ((api.bitmap_buffer)(bmp), (api.bitmap_stride)(bmp)) };
    let mut rgb = Vec::with_capacity(w as usize * h as usize * 3);
    if !buf.is_null() && stride >= w * 4 {
        // SAFETY: see above; read only.
        let data = unsafe { std::slice::from_raw_parts(buf, stride as usize * h as usize) };
        for y in 0..h as usize {
            let row = &data[y * stride as usize..][..w as usize * 4];
            for px in row.chunks_exact(4) {
                rgb.extend_from_slice(&[px[2], px[1], px[0]]);
            }
        }
    }
    // SAFETY: each destroyed/closed once, not used after.
    unsafe {
        (api.bitmap_destroy)(bmp);
        (api.close_page)(p);
    }
    if rgb.is_empty() {
        return Err(fail("PDFium returned no pixels".into()));
    }
    Ok(RenderedPage {
        width: w as usize,
        height: h as usize,
        rgb,
        scale: s,
    })
}

/// Boxes (device pixels) of every occurrence of each text of `search` on the page.
fn find(api: &Api, p: Page, w: c_int, h: c_int, search: &[&str]) -> Vec<[f32; 4]> {
    let mut out = Vec::new();
    if search.is_empty() {
        return out;
    }
    // SAFETY: `p` is live; the text page is closed below.
    let tp = unsafe { (api.text_load_page)(p) };
    if tp.is_null() {
        return out;
    }
    for needle in search.iter().filter(|s| !s.trim().is_empty()) {
        let wide: Vec<u16> = needle.encode_utf16().chain(std::iter::once(0)).collect();
        // SAFETY: `wide` is NUL-terminated UTF-16 and outlives the search handle.
        let sh = unsafe { (api.find_start)(tp, wide.as_ptr(), MATCH_WHOLE_WORD, 0) };
        if sh.is_null() {
            continue;
        }
        // Bounded: a page holds a few thousand characters at most.
        for _ in 0..10_000 {
            // SAFETY: `sh` is live until find_close.
            if unsafe { (api.find_next)(sh) } == 0 {
                break;
            }
            // SAFETY: as above.
            let (start, n) = unsafe { ((api.find_index)(sh), (api.find_count)(sh)) };
            // SAFETY: `tp` is live; the range comes from the search.
            let rects = unsafe { (api.count_rects)(tp, start, n) };
            // One box per occurrence: the union of its characters' rectangles (some
            // producers place every glyph apart).
            let mut hit: Option<[f32; 4]> = None;
            for i in 0..rects.max(0) {
                let (mut l, mut t, mut r, mut b) = (0f64, 0f64, 0f64, 0f64);
                // SAFETY: index below the count just returned; out-pointers are locals.
                if unsafe { (api.get_rect)(tp, i, &mut l, &mut t, &mut r, &mut b) } == 0 {
                    continue;
                }
                let (mut x0, mut y0, mut x1, mut y1) = (0, 0, 0, 0);
                // SAFETY: live page, same viewport as the rendering, out-pointers local.
                unsafe {
                    (api.page_to_device)(p, 0, 0, w, h, 0, l, t, &mut x0, &mut y0);
                    (api.page_to_device)(p, 0, 0, w, h, 0, r, b, &mut x1, &mut y1);
                }
                let b = [
                    x0.min(x1) as f32,
                    y0.min(y1) as f32,
                    x0.max(x1) as f32,
                    y0.max(y1) as f32,
                ];
                hit = Some(match hit {
                    None => b,
                    Some(h) => [
                        h[0].min(b[0]),
                        h[1].min(b[1]),
                        h[2].max(b[2]),
                        h[3].max(b[3]),
                    ],
                });
            }
            out.extend(hit);
        }
        // SAFETY: closed once.
        unsafe { (api.find_close)(sh) };
    }
    // SAFETY: closed once, after its searches.
    unsafe { (api.text_close_page)(tp) };
    out
}
