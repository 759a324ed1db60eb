//! Format detection: which image format a body is, from its first bytes (PNG, JPEG, GIF, WebP, AVIF; SVG is
//! recognized only to be refused), and whether the body is complete.

/// The image formats the sync copies, recognized by their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ImageFormat {
    Png,
    Jpeg,
    Gif,
    Webp,
    Avif,
}

impl ImageFormat {
    /// The format of a body, from its signature.
    pub(super) fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageFormat::Png)
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(ImageFormat::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(ImageFormat::Gif)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(ImageFormat::Webp)
        } else if bytes.len() >= 12
            && &bytes[4..8] == b"ftyp"
            && matches!(&bytes[8..12], b"avif" | b"avis")
        {
            Some(ImageFormat::Avif)
        } else {
            None
        }
    }

    /// Whether the body ends the way a complete file of this format ends (a cut download does not).
    pub(super) fn is_complete(self, bytes: &[u8]) -> bool {
        match self {
            // The IEND chunk: zero length, type, CRC.
            ImageFormat::Png => bytes.ends_with(b"\0\0\0\0IEND\xae\x42\x60\x82"),
            // The end-of-image marker, possibly followed by a little padding.
            ImageFormat::Jpeg => bytes[bytes.len().saturating_sub(64)..]
                .windows(2)
                .any(|pair| pair == [0xff, 0xd9]),
            ImageFormat::Gif => bytes.last() == Some(&0x3b),
            ImageFormat::Webp => {
                let declared = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
                bytes.len() as u64 >= 8 + u64::from(declared)
            }
            ImageFormat::Avif => true,
        }
    }

    pub(super) fn mime_type(self) -> &'static str {
        match self {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Gif => "image/gif",
            ImageFormat::Webp => "image/webp",
            ImageFormat::Avif => "image/avif",
        }
    }

    pub(super) fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Gif => "gif",
            ImageFormat::Webp => "webp",
            ImageFormat::Avif => "avif",
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            ImageFormat::Png => "PNG",
            ImageFormat::Jpeg => "JPEG",
            ImageFormat::Gif => "GIF",
            ImageFormat::Webp => "WebP",
            ImageFormat::Avif => "AVIF",
        }
    }
}

/// Whether a body looks like an SVG document (which is not an image format the sync copies).
pub(super) fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    String::from_utf8_lossy(head)
        .to_ascii_lowercase()
        .contains("<svg")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_is_recognized_and_checked_for_completeness() {
        let jpeg = [0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9];
        let gif = *b"GIF89a...;";
        let mut webp = b"RIFF\x04\0\0\0WEBP".to_vec();
        assert_eq!(ImageFormat::sniff(&jpeg), Some(ImageFormat::Jpeg));
        assert!(ImageFormat::Jpeg.is_complete(&jpeg));
        assert!(!ImageFormat::Jpeg.is_complete(&jpeg[..6]));
        assert_eq!(ImageFormat::sniff(&gif), Some(ImageFormat::Gif));
        assert!(ImageFormat::Gif.is_complete(&gif));
        assert!(!ImageFormat::Gif.is_complete(&gif[..8]));
        assert_eq!(ImageFormat::sniff(&webp), Some(ImageFormat::Webp));
        assert!(ImageFormat::Webp.is_complete(&webp));
        webp[4] = 40;
        assert!(!ImageFormat::Webp.is_complete(&webp));
        let avif = b"\0\0\0\x1cftypavif\0\0\0\0";
        assert_eq!(ImageFormat::sniff(avif), Some(ImageFormat::Avif));
        assert_eq!(ImageFormat::sniff(b"BM...."), None);
    }
}
