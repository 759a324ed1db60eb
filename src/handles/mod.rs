//! URL handles: Medusa's `toHandle` / `isValidHandle`, and stable, unique handle assignment.
//!
//! [`to_handle`] mirrors `toHandle` of `@medusajs/utils` 2.21 (`dist/common/to-handle.js`):
//!
//! ```js
//! value.toLowerCase().replace(/ß/g, "ss").replace(/[^\p{L}\p{N}\s_-]/gu, "")
//!      .replace(/[\s_]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "")
//! ```
//!
//! Unicode semantics: Rust's `str::to_lowercase` and JavaScript's `String.prototype.toLowerCase` both apply the
//! full, locale-independent Unicode lowercase mapping (including the final-sigma rule), and `char::is_numeric`
//! is exactly `\p{N}` (Nd, Nl, No). `\p{L}` has no std equivalent (`char::is_alphabetic` also accepts combining
//! vowel signs such as Devanagari `ि`, which Medusa strips), so `is_letter` uses a table of the `\p{L}` ranges,
//! `letters.rs`, generated from JavaScript's own `/\p{L}/u` by `.ci/generate-letters.js` (Node 20.20, ICU 78.2;
//! `tests/node/letters.test.js` checks that it is current). Rust 1.95's std and that Node both implement
//! Unicode 17.0, so the mirror is exact for every code point; a future Unicode version may differ only in newly
//! assigned letters.
//! `\s` is JavaScript's set (`WhiteSpace` plus line terminators, including U+FEFF).
//!
//! Differences from Medusa, on purpose: an empty result becomes `product-<source id>` (Medusa appends a random
//! suffix; the core has no randomness), and [`handle_for_title`] drops what Medusa's own `isValidHandle` would
//! refuse (uppercase letters without a lowercase mapping, e.g. mathematical bold `𝐀`), so a generated handle
//! always passes [`is_valid_handle`].

use std::collections::{BTreeMap, HashSet};

use crate::model::SourceId;

mod letters;

use letters::LETTER_RANGES;

/// Converts a title into a URL handle exactly like Medusa 2.21's `toHandle`, except that an empty result stays
/// empty (see [`handle_for_title`] for the fallback).
///
/// ```
/// use catalog_sync::handles::to_handle;
/// assert_eq!(to_handle("Knife & Fork Set"), "knife-fork-set");
/// assert_eq!(to_handle("Annibale Colombo's Sofa"), "annibale-colombos-sofa");
/// assert_eq!(to_handle("Straße  _ Café"), "strasse-café");
/// ```
pub fn to_handle(value: &str) -> String {
    let lowered = value.to_lowercase();
    let mut handle = String::with_capacity(lowered.len() + 4);
    // `pending_dash`: a run of whitespace, `_` or `-` seen since the last kept character.
    let mut pending_dash = false;
    for c in lowered.chars() {
        if c == 'ß' {
            push_after_dash(&mut handle, &mut pending_dash);
            handle.push_str("ss");
        } else if c == '-' || c == '_' || is_js_whitespace(c) {
            pending_dash = true;
        } else if is_letter(c) || c.is_numeric() {
            push_after_dash(&mut handle, &mut pending_dash);
            handle.push(c);
        }
        // Anything else is removed without separating its neighbours ("Tom's" -> "toms").
    }
    handle
}

/// Writes the pending `-` (never at the start: JavaScript's `^-` removal) before a kept character.
fn push_after_dash(handle: &mut String, pending_dash: &mut bool) {
    if *pending_dash && !handle.is_empty() {
        handle.push('-');
    }
    *pending_dash = false;
}

/// Medusa 2.21's `isValidHandle` (`dist/common/validate-handle.js`): non-empty, no ASCII uppercase, and
/// `^[\p{Ll}\p{Lo}\p{Lm}\p{N}]+(?:-[\p{Ll}\p{Lo}\p{Lm}\p{N}]+)*$`.
///
/// ```
/// use catalog_sync::handles::is_valid_handle;
/// assert!(is_valid_handle("my-product-123"));
/// assert!(is_valid_handle("私の-製品"));
/// assert!(!is_valid_handle("Hello-World"));
/// assert!(!is_valid_handle("-product"));
/// assert!(!is_valid_handle("a--b"));
/// ```
pub fn is_valid_handle(value: &str) -> bool {
    !value.is_empty()
        && value
            .split('-')
            .all(|segment| !segment.is_empty() && segment.chars().all(is_handle_char))
}

/// A character `isValidHandle` accepts inside a segment: `\p{Ll}`, `\p{Lo}`, `\p{Lm}` or `\p{N}`.
///
/// Among letters, `char::is_uppercase` is exactly `\p{Lu}` (`Other_Uppercase` holds no letters), and the
/// titlecase letters `\p{Lt}` are the fixed list in [`is_titlecase`].
fn is_handle_char(c: char) -> bool {
    c.is_numeric() || (is_letter(c) && !c.is_uppercase() && !is_titlecase(c))
}

/// `\p{Lt}`: the 31 titlecase letters of Unicode 17.0.
fn is_titlecase(c: char) -> bool {
    matches!(
        c,
        '\u{1C5}' | '\u{1C8}' | '\u{1CB}' | '\u{1F2}'
            | '\u{1F88}'..='\u{1F8F}'
            | '\u{1F98}'..='\u{1F9F}'
            | '\u{1FA8}'..='\u{1FAF}'
            | '\u{1FBC}' | '\u{1FCC}' | '\u{1FFC}'
    )
}

/// JavaScript's `\s`: `WhiteSpace` and `LineTerminator` code points.
fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{B}' | '\u{C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// `\p{L}` (general category Letter: Lu, Ll, Lt, Lm, Lo) per Unicode 17.0.
fn is_letter(c: char) -> bool {
    let cp = u32::from(c);
    if cp < 0x80 {
        return c.is_ascii_alphabetic();
    }
    LETTER_RANGES
        .binary_search_by(|&(start, end)| {
            if end < cp {
                std::cmp::Ordering::Less
            } else if start > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The handle for a new product: [`to_handle`] of its title, reduced to what [`is_valid_handle`] accepts, or
/// `product-<source id>` when nothing is left.
///
/// ```
/// use catalog_sync::handles::handle_for_title;
/// assert_eq!(handle_for_title("Red Lipstick", 7), "red-lipstick");
/// assert_eq!(handle_for_title("!!!", 7), "product-7");
/// ```
pub fn handle_for_title(title: &str, source_id: SourceId) -> String {
    let handle = to_handle(title);
    let handle = if is_valid_handle(&handle) {
        handle
    } else {
        handle
            .split('-')
            .map(|segment| {
                segment
                    .chars()
                    .filter(|&c| is_handle_char(c))
                    .collect::<String>()
            })
            .filter(|segment| !segment.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    };
    if handle.is_empty() {
        format!("product-{source_id}")
    } else {
        handle
    }
}

/// A product that needs a handle: its source id and its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandleRequest<'a> {
    /// Source id of the product.
    pub source_id: SourceId,
    /// Title the handle is derived from.
    pub title: &'a str,
}

/// Assigns unique handles to new products, deterministically.
///
/// `taken` holds every handle already in use (owned products' handles and the store's other products'). Products
/// whose titles give the same handle are ranked by source id: the lowest gets the plain handle when it is free;
/// every other product gets `<handle>-<source id>`, then `<handle>-<source id>-2`, `-3`, ... on a further clash.
/// Plain handles are reserved before any suffixed one is chosen, so a title that itself ends in a number
/// (`"Foo 7"`) keeps its plain handle even when another product would produce the same text as a suffix.
///
/// Returns the handles by source id. Input order does not matter.
pub fn assign_handles(
    requests: &[HandleRequest<'_>],
    taken: &HashSet<&str>,
) -> BTreeMap<SourceId, String> {
    let mut sorted: Vec<(SourceId, String)> = requests
        .iter()
        .map(|request| {
            (
                request.source_id,
                handle_for_title(request.title, request.source_id),
            )
        })
        .collect();
    sorted.sort_unstable_by_key(|(source_id, _)| *source_id);

    let mut used: HashSet<String> = HashSet::with_capacity(sorted.len());
    let mut assigned = BTreeMap::new();
    let mut needs_suffix = Vec::new();
    for (source_id, base) in sorted {
        if taken.contains(base.as_str()) || used.contains(&base) {
            needs_suffix.push((source_id, base));
        } else {
            used.insert(base.clone());
            assigned.insert(source_id, base);
        }
    }
    for (source_id, base) in needs_suffix {
        let first = format!("{base}-{source_id}");
        let mut candidate = first.clone();
        let mut attempt = 2u64;
        while taken.contains(candidate.as_str()) || used.contains(&candidate) {
            candidate = format!("{first}-{attempt}");
            attempt += 1;
        }
        used.insert(candidate.clone());
        assigned.insert(source_id, candidate);
    }
    assigned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_table_is_sorted_and_disjoint() {
        for pair in LETTER_RANGES.windows(2) {
            assert!(pair[0].0 <= pair[0].1 && pair[0].1 < pair[1].0, "{pair:?}");
        }
    }

    #[test]
    fn letters_are_alphabetic_in_std() {
        // \p{L} is a subset of the Alphabetic property Rust's std implements.
        for &(start, end) in LETTER_RANGES {
            for cp in start..=end {
                if let Some(c) = char::from_u32(cp) {
                    assert!(c.is_alphabetic(), "U+{cp:04X}");
                }
            }
        }
    }

    #[test]
    fn combining_marks_are_removed_like_medusa() {
        // "हिन्दी": the vowel signs and the virama are marks (Mc/Mn), not letters.
        assert_eq!(to_handle("हिन्दी किताब"), "हनद-कतब");
    }

    #[test]
    fn uppercase_without_lowercase_mapping_is_dropped_for_validity() {
        assert_eq!(to_handle("𝐀 Bold"), "𝐀-bold");
        assert_eq!(handle_for_title("𝐀 Bold", 3), "bold");
        assert!(is_valid_handle(&handle_for_title("𝐀 Bold", 3)));
    }

    #[test]
    fn suffixes_follow_source_id_order() {
        let requests = [
            HandleRequest {
                source_id: 9,
                title: "Foo 7",
            },
            HandleRequest {
                source_id: 7,
                title: "Foo",
            },
            HandleRequest {
                source_id: 3,
                title: "Foo",
            },
        ];
        let handles = assign_handles(&requests, &HashSet::new());
        assert_eq!(handles[&3], "foo");
        assert_eq!(handles[&9], "foo-7");
        assert_eq!(handles[&7], "foo-7-2");
    }
}
