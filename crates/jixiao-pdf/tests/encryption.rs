//! Encrypted PDFs (`tests/data/encrypted/`, made by `scripts/make_encrypted.py` with qpdf):
//! every revision of the standard security handler opens with the user or the owner
//! password; files with an empty user password open without one, also when the encryption
//! dictionary is written directly in the trailer; without the password the error says how
//! to give it, never "no pages".

use jixiao_pdf::{page_texts_with_password, PdfError};
use std::path::Path;

const TEXT: &str = "Secret财政2024";

fn read(name: &str, password: Option<&str>) -> Result<String, PdfError> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/encrypted")
        .join(name);
    let bytes = std::fs::read(&p).expect("fixture");
    page_texts_with_password(&bytes, password).map(|pages| {
        pages
            .concat()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    })
}

#[test]
fn every_revision_opens_with_the_user_or_owner_password() {
    for name in ["rc4-40.pdf", "rc4-128.pdf", "aes-128.pdf", "aes-256.pdf"] {
        for pw in ["user", "owner"] {
            assert_eq!(read(name, Some(pw)).expect(name), TEXT, "{name} with {pw}");
        }
        let e = read(name, None).expect_err(name);
        assert!(matches!(e, PdfError::Encrypted), "{name}: {e}");
        assert!(e.to_string().contains("--password"), "{e}");
        let e = read(name, Some("wrong")).expect_err(name);
        assert!(matches!(e, PdfError::Encrypted), "{name}: {e}");
    }
}

#[test]
fn empty_user_password_opens_without_one() {
    assert_eq!(read("owner-only.pdf", None).expect("owner-only"), TEXT);
    // The encryption dictionary written in the trailer itself, not as an object.
    assert_eq!(read("direct-encrypt.pdf", None).expect("direct"), TEXT);
}
