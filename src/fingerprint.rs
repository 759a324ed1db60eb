//! Content fingerprints: how the sync knows, without reading the store, whether a product changed upstream.
//!
//! A fingerprint is the lowercase hex (32 characters) of the 128-bit XXH3 hash (`xxh3_128`, crate
//! `xxhash-rust`) of a canonical serialization. The canonical serialization is a compact binary encoding
//! written field by field in a fixed order, starting with a version tag (changing the tag makes every owned
//! product look changed once; `v1` was SHA-256, `v2` XXH3-128 with the stock, `v3` leaves the stock out):
//!
//! * string: length as `u32` little-endian, then the UTF-8 bytes;
//! * number: the IEEE-754 bits of the `f64` (or the `u64`) little-endian;
//! * optional value: byte `0` for none, or byte `1` then the value;
//! * list: length as `u32` little-endian, then the items.
//!
//! It is binary rather than JSON: without key names and quoting, a product hashes about a third fewer bytes.
//!
//! Why a non-cryptographic hash: a fingerprint is change detection, not security. It is computed from data the
//! source publishes and compared with a value the sync itself stored in the product's metadata; nobody gains
//! anything by forging a collision (whoever could write the store's metadata could write the product itself).
//! So only *accidental* collisions matter, i.e. a changed product keeping its fingerprint and its update being
//! skipped. XXH3-128 has good distribution (it passes SMHasher), and with 128 bits the chance that any two of
//! a billion product versions collide is about 10^-21. SHA-256 (in software, in WebAssembly) was half the cost
//! of a plan; XXH3 hashes the same bytes many times faster. SHA-256 stays where security is the point: the
//! webhook's HMAC ([`crate::webhook`]).
//!
//! * [`images_fingerprint`] covers the thumbnail and the image URLs, in order. The update input carries
//!   `images` only when it differs from the stored one (re-sending images makes Medusa re-create them).
//! * the content fingerprint ([`fingerprints`]) covers everything the sync writes for a product (every field of
//!   [`MappedProduct`]) except Medusa's product, variant and price ids, the handle (an owned product keeps its
//!   handle), the status (compared separately), the stock (an inventory level, diffed by [`crate::stock`]) and
//!   the fingerprints themselves. Images enter as the 16 raw
//!   bytes of the images digest, so the image URLs are hashed once.

use xxhash_rust::xxh3::xxh3_128;

use crate::mapping::{ImageInput, MappedProduct, SourceMetadata};
use crate::model::Fingerprints;

/// Version tag of the content fingerprint.
pub const CONTENT_VERSION: &str = "catalog-sync/content/v3";
/// Version tag of the images fingerprint.
pub const IMAGES_VERSION: &str = "catalog-sync/images/v2";

/// Computes both fingerprints of a mapped product.
pub fn fingerprints(product: &MappedProduct) -> Fingerprints {
    let images = images_digest(product.thumbnail.as_deref(), &product.images);
    Fingerprints {
        content: lower_hex(&content_digest(product, &images)),
        images: lower_hex(&images),
    }
}

/// Fingerprint of a thumbnail and image URLs, in order.
///
/// ```
/// use catalog_sync::fingerprint::images_fingerprint;
/// use catalog_sync::mapping::ImageInput;
/// let images = [ImageInput { id: None, url: "https://x/1.webp".into() }];
/// let a = images_fingerprint(Some("https://x/t.webp"), &images);
/// assert_eq!(a.len(), 32);
/// assert_ne!(a, images_fingerprint(None, &images));
/// ```
pub fn images_fingerprint(thumbnail: Option<&str>, images: &[ImageInput]) -> String {
    lower_hex(&images_digest(thumbnail, images))
}

/// Lowercase hex of a digest (a table lookup per nibble; `hex::encode` is measurably slower here).
fn lower_hex(digest: &Digest128) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(2 * digest.len());
    for byte in digest {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// A 128-bit digest, big-endian (XXH3's canonical byte order, so the hex reads like `xxhsum -H2`).
type Digest128 = [u8; 16];

fn images_digest(thumbnail: Option<&str>, images: &[ImageInput]) -> Digest128 {
    let mut hasher = CanonicalHasher::new(IMAGES_VERSION);
    hasher.opt_str(thumbnail);
    hasher.len(images.len());
    for image in images {
        hasher.str(&image.url);
    }
    hasher.finish()
}

/// Digest of a mapped product's content; the images enter as their (raw) digest.
fn content_digest(product: &MappedProduct, images_digest: &Digest128) -> Digest128 {
    // Destructured so that a field added to `MappedProduct` cannot be forgotten here.
    let MappedProduct {
        source_id,
        title,
        description,
        thumbnail: _, // covered by the images digest
        images: _,    // covered by the images digest
        tag_ids,
        category_ids,
        weight,
        width,
        height,
        length,
        metadata,
        sku,
        barcode,
        currency_code,
        amount,
        stock: _, // not product content: the stock level (see `crate::stock`)
    } = product;
    let mut hasher = CanonicalHasher::new(CONTENT_VERSION);
    hasher.bytes(images_digest);
    hasher.u64(*source_id);
    hasher.str(title);
    hasher.opt_str(description.as_deref());
    hasher.strs(tag_ids);
    hasher.strs(category_ids);
    for value in [weight, width, height, length] {
        hasher.opt_f64(*value);
    }
    hasher.metadata(metadata);
    hasher.opt_str(sku.as_deref());
    hasher.opt_str(barcode.as_deref());
    hasher.str(currency_code);
    hasher.f64(*amount);
    hasher.finish()
}

/// Writes the canonical encoding described in the module docs into a buffer, then hashes the buffer in one go
/// (one-shot XXH3 is faster than its streaming form on inputs of a few hundred bytes).
struct CanonicalHasher(Vec<u8>);

impl CanonicalHasher {
    fn new(version: &str) -> Self {
        let mut hasher = CanonicalHasher(Vec::with_capacity(512));
        hasher.str(version);
        hasher
    }

    fn bytes(&mut self, value: &[u8]) {
        self.0.extend_from_slice(value);
    }

    fn len(&mut self, len: usize) {
        // Lengths above u32::MAX cannot occur in a product (a string that long is beyond any page body).
        self.bytes(&u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
    }

    fn str(&mut self, value: &str) {
        self.len(value.len());
        self.bytes(value.as_bytes());
    }

    fn opt_str(&mut self, value: Option<&str>) {
        match value {
            None => self.0.push(0),
            Some(value) => {
                self.0.push(1);
                self.str(value);
            }
        }
    }

    fn strs(&mut self, values: &[String]) {
        self.len(values.len());
        for value in values {
            self.str(value);
        }
    }

    fn u64(&mut self, value: u64) {
        self.bytes(&value.to_le_bytes());
    }

    fn opt_u64(&mut self, value: Option<u64>) {
        match value {
            None => self.0.push(0),
            Some(value) => {
                self.0.push(1);
                self.u64(value);
            }
        }
    }

    fn f64(&mut self, value: f64) {
        self.u64(value.to_bits());
    }

    fn opt_f64(&mut self, value: Option<f64>) {
        self.opt_u64(value.map(f64::to_bits));
    }

    fn metadata(&mut self, metadata: &SourceMetadata) {
        let SourceMetadata {
            brand,
            sku,
            rating,
            discount_percentage,
            warranty_information,
            shipping_information,
            return_policy,
            minimum_order_quantity,
            barcode,
            availability_status,
        } = metadata;
        self.opt_str(brand.as_deref());
        self.opt_str(sku.as_deref());
        self.opt_f64(*rating);
        self.opt_f64(*discount_percentage);
        self.opt_str(warranty_information.as_deref());
        self.opt_str(shipping_information.as_deref());
        self.opt_str(return_policy.as_deref());
        self.opt_u64(*minimum_order_quantity);
        self.opt_str(barcode.as_deref());
        self.opt_str(availability_status.as_deref());
    }

    fn finish(self) -> Digest128 {
        xxh3_128(&self.0).to_be_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_separates_adjacent_strings() {
        // Length prefixes: ("ab", "c") and ("a", "bc") must not collide.
        let a = images_fingerprint(
            Some("ab"),
            &[ImageInput {
                id: None,
                url: "c".to_string(),
            }],
        );
        let b = images_fingerprint(
            Some("a"),
            &[ImageInput {
                id: None,
                url: "bc".to_string(),
            }],
        );
        assert_ne!(a, b);
    }

    fn product() -> MappedProduct {
        MappedProduct {
            source_id: 1,
            title: "Lamp".to_string(),
            description: Some("A lamp".to_string()),
            thumbnail: Some("https://x/t.webp".to_string()),
            images: vec![ImageInput {
                id: None,
                url: "https://x/1.webp".to_string(),
            }],
            tag_ids: vec!["ptag_1".to_string()],
            category_ids: vec!["pcat_1".to_string()],
            weight: Some(2.0),
            width: None,
            height: None,
            length: None,
            metadata: SourceMetadata {
                brand: None,
                sku: Some("SKU-1".to_string()),
                rating: Some(4.5),
                discount_percentage: None,
                warranty_information: None,
                shipping_information: None,
                return_policy: None,
                minimum_order_quantity: Some(1),
                barcode: None,
                availability_status: None,
            },
            sku: Some("SKU-1".to_string()),
            barcode: None,
            currency_code: "usd".to_string(),
            amount: 19.99,
            stock: 3,
        }
    }

    #[test]
    fn every_written_field_changes_the_content_fingerprint() {
        let base = fingerprints(&product());
        let changes: Vec<fn(&mut MappedProduct)> = vec![
            |p| p.title.push('!'),
            |p| p.description = None,
            |p| p.tag_ids.clear(),
            |p| p.category_ids = vec!["pcat_2".to_string()],
            |p| p.weight = None,
            |p| p.length = Some(2.0),
            |p| p.metadata.brand = Some("Brand".to_string()),
            |p| p.barcode = Some("1".to_string()),
            |p| p.currency_code = "eur".to_string(),
            |p| p.amount = 19.98,
            |p| p.images.clear(),
            |p| p.thumbnail = None,
        ];
        for (n, change) in changes.into_iter().enumerate() {
            let mut changed = product();
            change(&mut changed);
            assert_ne!(fingerprints(&changed).content, base.content, "change {n}");
        }
        let mut same_images = product();
        same_images.amount = 1.0;
        assert_eq!(fingerprints(&same_images).images, base.images);
        let mut other_stock = product();
        other_stock.stock = 4;
        assert_eq!(
            fingerprints(&other_stock),
            base,
            "the stock is a level, not content"
        );
    }

    #[test]
    fn hex_is_lowercase_and_complete() {
        let digest: Digest128 = std::array::from_fn(|i| (i * 16) as u8);
        assert_eq!(lower_hex(&digest), hex::encode(digest));
    }

    #[test]
    fn digest_is_xxh3_128_of_the_canonical_encoding() {
        // Version tag (length-prefixed), then "no thumbnail", then an empty image list.
        let mut encoding = Vec::new();
        encoding.extend_from_slice(&(IMAGES_VERSION.len() as u32).to_le_bytes());
        encoding.extend_from_slice(IMAGES_VERSION.as_bytes());
        encoding.push(0);
        encoding.extend_from_slice(&0u32.to_le_bytes());
        assert_eq!(
            images_fingerprint(None, &[]),
            format!("{:032x}", xxh3_128(&encoding))
        );
    }

    #[test]
    fn image_order_matters() {
        let one = ImageInput {
            id: None,
            url: "1".to_string(),
        };
        let two = ImageInput {
            id: None,
            url: "2".to_string(),
        };
        assert_ne!(
            images_fingerprint(None, &[one.clone(), two.clone()]),
            images_fingerprint(None, &[two, one])
        );
    }
}
