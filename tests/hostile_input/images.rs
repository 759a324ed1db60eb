//! Image format detection on hostile downloads: `images::ImageCopier::accept` (size, declared type, the format
//! from the first bytes, completeness, declared length) on arbitrary bytes, on valid PNG, JPEG, GIF, WebP, AVIF
//! and SVG files cut short or with bytes changed, with any declared type and length and any image URL.
//!
//! Properties, besides no panic:
//! * the call holds a constant number of bytes, whatever the body's size: the body is never copied;
//! * a rejection names the image's URL, with one of the image codes of [`RunErrorCode`] and a short reason;
//! * an upload is what an independent reading of the bytes says: the format of the signature, the SHA-256 of
//!   the bytes, the size received, within `imageMaxBytes`, with a declared type and length (if any) that agree;
//! * a complete PNG, JPEG, GIF, WebP or AVIF with its true type and length is uploaded; a PNG, JPEG, GIF or WebP
//!   cut short is not (AVIF completeness is not checked by the core: it is accepted as received).

use catalog_sync::images::{ImageCopier, ImageDownload, ImageVerdict};
use catalog_sync::model::RunErrorCode;
use catalog_sync::options::SyncOptions;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use sha2::{Digest, Sha256};

use crate::codes::{message_is_short, run_error_code};
use crate::json::{edit, hostile_text, Edit};
use crate::runner::{check, Bound, InputSize, Meter};

/// One downloaded body, the copier's `imageMaxBytes`, and what a valid file must become.
#[derive(Debug, Clone)]
pub struct Download {
    download: ImageDownload,
    bytes: Vec<u8>,
    image_max_bytes: u32,
    expected: Expected,
}

/// What the verdict must be, beyond the general properties.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expected {
    /// Nothing more.
    Anything,
    /// An upload of this MIME type.
    Upload(&'static str),
    /// Not an upload.
    NoUpload,
}

impl InputSize for Download {
    fn input_size(&self) -> usize {
        self.bytes.len()
    }
}

/// Filler bytes of the sample files: none of them is an end marker (`0x3b`, `0xd9`).
fn filler(len: usize) -> Vec<u8> {
    (0..len).map(|n| b'A' + (n % 26) as u8).collect()
}

/// A complete file of each format the sync copies, and an SVG; with its MIME type.
fn sample_file(format: usize, body_len: usize) -> (Vec<u8>, &'static str) {
    let body = filler(body_len);
    match format {
        0 => {
            let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
            png.extend(&body);
            png.extend(b"\0\0\0\0IEND\xae\x42\x60\x82");
            (png, "image/png")
        }
        1 => {
            let mut jpeg = vec![0xff, 0xd8, 0xff, 0xe0];
            jpeg.extend(&body);
            jpeg.extend([0xff, 0xd9]);
            (jpeg, "image/jpeg")
        }
        2 => {
            let mut gif = b"GIF89a".to_vec();
            gif.extend(&body);
            gif.push(0x3b);
            (gif, "image/gif")
        }
        3 => {
            let mut webp = b"RIFF\0\0\0\0WEBPVP8 ".to_vec();
            webp.extend(&body);
            let declared = (webp.len() - 8) as u32;
            webp[4..8].copy_from_slice(&declared.to_le_bytes());
            (webp, "image/webp")
        }
        4 => {
            let mut avif = b"\0\0\0\x1cftypavif".to_vec();
            avif.extend(&body);
            (avif, "image/avif")
        }
        _ => {
            let mut svg =
                b"<?xml version=\"1.0\"?><SVG xmlns=\"http://www.w3.org/2000/svg\">".to_vec();
            svg.extend(&body);
            svg.extend(b"</svg>");
            (svg, "image/svg+xml")
        }
    }
}

/// What a near-valid download changes.
#[derive(Debug, Clone)]
enum FileChange {
    /// Nothing.
    Nothing,
    /// The file cut before its end.
    CutShort(Index),
    /// A few bytes changed.
    Bytes(Edit),
    /// Another declared type.
    ContentType(Option<String>),
    /// Another declared length.
    DeclaredLength(Option<f64>),
}

fn file_change() -> impl Strategy<Value = FileChange> {
    prop_oneof![
        2 => Just(FileChange::Nothing),
        2 => any::<Index>().prop_map(FileChange::CutShort),
        2 => edit().prop_map(FileChange::Bytes),
        1 => content_type().prop_map(FileChange::ContentType),
        1 => declared_length().prop_map(FileChange::DeclaredLength),
    ]
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        1 => Just(None),
        3 => prop::sample::select(vec![
            "image/png", "image/jpeg; charset=binary", "IMAGE/GIF", " image/webp ", "image/avif", "image/svg+xml",
            "Image/SVG+XML; q=1", "image/", "image", "text/html", "application/octet-stream", "", ";", ";image/png",
        ])
        .prop_map(|text| Some(text.to_string())),
        1 => hostile_text(40).prop_map(Some),
    ]
}

fn declared_length() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        Just(None),
        any::<f64>().prop_map(Some),
        prop::sample::select(vec![
            f64::NAN,
            f64::INFINITY,
            -1.0,
            -0.0,
            0.5,
            1e20,
            4294967296.0
        ])
        .prop_map(Some),
        (0u32..5000).prop_map(|n| Some(f64::from(n))),
    ]
}

/// Image URLs: DummyJSON's, and hostile ones (any scheme, case, host, path, characters).
fn image_url() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => Just("https://cdn.dummyjson.com/products/images/beauty/Essence%20Mascara/1.png".to_string()),
        3 => (
            prop::sample::select(vec!["https://", "http://", "HTTP://", "ftp://", "", "//", "https:/"]),
            hostile_text(60),
        )
            .prop_map(|(scheme, rest)| format!("{scheme}{rest}")),
    ]
}

fn image_max_bytes() -> impl Strategy<Value = u32> {
    prop::sample::select(vec![1024, 4096, 10 * 1024 * 1024])
}

/// Arbitrary bytes, sometimes after a format's first bytes.
fn arbitrary_download() -> impl Strategy<Value = Download> {
    let prefix = prop::sample::select(vec![
        &b""[..],
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff",
        b"GIF87a",
        b"RIFF",
        b"RIFF\xff\xff\xff\xffWEBP",
        b"\0\0\0\x1cftypavis",
        b"<svg",
    ]);
    (
        prefix,
        prop::collection::vec(any::<u8>(), 0..4096),
        content_type(),
        declared_length(),
        image_url(),
        image_max_bytes(),
    )
        .prop_map(
            |(prefix, rest, content_type, declared_length, url, image_max_bytes)| Download {
                download: ImageDownload {
                    url,
                    content_type,
                    declared_length,
                },
                bytes: [prefix, &rest].concat(),
                image_max_bytes,
                expected: Expected::Anything,
            },
        )
}

/// A sample file with its true type and length, and one change.
fn near_valid_download() -> impl Strategy<Value = Download> {
    (
        0..6usize,
        0..3000usize,
        file_change(),
        image_url(),
        image_max_bytes(),
    )
        .prop_map(|(format, body_len, change, url, image_max_bytes)| {
            let (file, mime) = sample_file(format, body_len);
            let fits = file.len() <= image_max_bytes as usize;
            let mut download = ImageDownload {
                url,
                content_type: Some(mime.to_string()),
                declared_length: Some(file.len() as f64),
            };
            let (bytes, expected) = match change {
                FileChange::Nothing if mime != "image/svg+xml" && fits => {
                    (file, Expected::Upload(mime))
                }
                FileChange::Nothing => (file, Expected::NoUpload),
                FileChange::CutShort(index) => {
                    let cut = file[..index.index(file.len())].to_vec();
                    download.declared_length = Some(cut.len() as f64);
                    let checked = matches!(
                        mime,
                        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
                    );
                    (
                        cut,
                        if checked {
                            Expected::NoUpload
                        } else {
                            Expected::Anything
                        },
                    )
                }
                FileChange::Bytes(edit) => (edit.apply(&file), Expected::Anything),
                FileChange::ContentType(content_type) => {
                    download.content_type = content_type;
                    (file, Expected::Anything)
                }
                FileChange::DeclaredLength(length) => {
                    download.declared_length = length;
                    (file, Expected::Anything)
                }
            };
            Download {
                download,
                bytes,
                image_max_bytes,
                expected,
            }
        })
}

/// The MIME type of a body's signature, read independently of the core.
fn format_of(bytes: &[u8]) -> Option<&'static str> {
    let signatures: [(&[u8], usize, &str); 6] = [
        (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
        (b"\xff\xd8\xff", 0, "image/jpeg"),
        (b"GIF87a", 0, "image/gif"),
        (b"GIF89a", 0, "image/gif"),
        (b"ftypavif", 4, "image/avif"),
        (b"ftypavis", 4, "image/avif"),
    ];
    let webp = bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP";
    signatures
        .iter()
        .find(|(signature, at, _)| bytes.get(*at..*at + signature.len()) == Some(signature))
        .map(|(_, _, mime)| *mime)
        .or(webp.then_some("image/webp"))
}

fn verdict_is_sound(input: &Download, meter: &Meter) -> Result<(), TestCaseError> {
    let options = SyncOptions {
        image_max_bytes: input.image_max_bytes,
        ..SyncOptions::default()
    };
    let mut copier = ImageCopier::new("run_hostile".to_string(), options, Vec::new(), Vec::new());
    let verdict = meter.measure(|| copier.accept(&input.download, &input.bytes))?;
    match verdict {
        ImageVerdict::Reject { failure } => {
            prop_assert_eq!(&failure.url, &input.download.url);
            let error = catalog_sync::model::RunError::new(
                None,
                None,
                failure.code,
                failure.reason.clone(),
            );
            let code = run_error_code(&error)?;
            prop_assert!(
                matches!(
                    code,
                    RunErrorCode::ImageTooLarge
                        | RunErrorCode::ImageNotAnImage
                        | RunErrorCode::ImageUnsupportedType
                ),
                "{failure:?}"
            );
            message_is_short(&failure.reason)?;
            prop_assert!(
                !matches!(input.expected, Expected::Upload(_)),
                "a valid file was rejected: {failure:?}"
            );
            meter.outcome(code.as_str());
        }
        ImageVerdict::Upload { file, .. } => {
            let bytes = &input.bytes;
            prop_assert_eq!(Some(file.mime_type.as_str()), format_of(bytes));
            prop_assert_eq!(&file.content_hash, &hex::encode(Sha256::digest(bytes)));
            prop_assert_eq!(file.size, bytes.len() as u64);
            prop_assert!(file.size <= u64::from(input.image_max_bytes));
            prop_assert!(
                file.file_name.contains(&file.content_hash[..12]),
                "{}",
                file.file_name
            );
            if let Some(declared) = &input.download.content_type {
                let declared = declared
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                prop_assert!(
                    declared.is_empty()
                        || (declared.starts_with("image/") && declared != "image/svg+xml"),
                    "uploaded although declared {declared:?}"
                );
            }
            if let Some(length) = input
                .download
                .declared_length
                .filter(|l| l.is_finite() && *l >= 0.0)
            {
                prop_assert_eq!(length as u64, file.size);
            }
            match input.expected {
                Expected::NoUpload => prop_assert!(
                    false,
                    "an incomplete or refused file was uploaded: {file:?}"
                ),
                Expected::Upload(mime) => prop_assert_eq!(file.mime_type.as_str(), mime),
                Expected::Anything => {}
            }
            meter.outcome(format!("upload {}", file.mime_type));
        }
        ImageVerdict::Reuse { image } => {
            prop_assert!(false, "nothing is stored, yet reused: {image:?}")
        }
    }
    Ok(())
}

// Bound of format detection: independent of the body (its bytes are never copied); the constant covers the
// SVG check's lower-cased copy of at most 512 bytes (up to 3 bytes each after U+FFFD replacement), the content
// hash, the file name and the reason, for URLs and declared types of up to ~250 bytes.
const IMAGE_BOUND: Bound = Bound {
    per_byte: 0,
    constant: 8 * 1024,
};

#[test]
fn downloads_are_judged_by_their_bytes_without_copying_them() {
    check(
        "image downloads",
        512,
        IMAGE_BOUND,
        prop_oneof![arbitrary_download(), near_valid_download()],
        verdict_is_sound,
    );
}
