//! Arbitrary JSON text, spelled the way a hostile or broken source may spell it: numbers out of every range
//! (huge, negative, fractional, `-0`, `1e308`, `1e400`, 30 digits, not numbers at all), strings with control
//! characters, unicode, escapes and lone surrogates, repeated keys, deep nesting (beyond serde_json's recursion
//! limit, closed or not) and large arrays within a byte budget. Near-valid inputs start from a valid value and
//! change one member ([`Mutation`]) or a few bytes of the text ([`Edit`]).

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;

/// Largest text of one [`Json::Repeated`] array: large arrays stay within this budget.
pub const REPEATED_BYTES: usize = 128 * 1024;

/// A JSON value as text tokens, so that it can hold what no parsed value can (numbers out of range, bad
/// escapes, repeated keys, unclosed nesting).
#[derive(Debug, Clone)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number token as written (possibly out of range, or no valid number).
    Number(String),
    /// A string token as written, quotes included (possibly with raw control characters or bad escapes).
    Str(String),
    /// An array.
    Array(Vec<Json>),
    /// An object's members in order (key tokens as written, quotes included); keys may repeat.
    Object(Vec<(String, Json)>),
    /// An array of `count` copies of one element, cut to [`REPEATED_BYTES`] of text.
    Repeated(Box<Json>, usize),
    /// `depth` levels of arrays (or objects `{"": ...}`, the shortest text per level) around a value; unclosed
    /// when `closed` is false.
    Nested {
        /// Levels.
        depth: usize,
        /// Objects rather than arrays.
        objects: bool,
        /// Whether the levels are closed.
        closed: bool,
        /// The innermost value.
        inner: Box<Json>,
    },
}

impl Json {
    /// The JSON text.
    pub fn text(&self) -> String {
        let mut text = String::new();
        self.write(&mut text);
        text
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Json::Number(token) | Json::Str(token) => out.push_str(token),
            Json::Array(items) => {
                out.push('[');
                for (position, item) in items.iter().enumerate() {
                    if position > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (position, (key, value)) in members.iter().enumerate() {
                    if position > 0 {
                        out.push(',');
                    }
                    out.push_str(key);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
            Json::Repeated(item, count) => {
                let item = item.text();
                let count = (*count).min(REPEATED_BYTES / (item.len() + 1));
                out.push('[');
                for position in 0..count {
                    if position > 0 {
                        out.push(',');
                    }
                    out.push_str(&item);
                }
                out.push(']');
            }
            Json::Nested {
                depth,
                objects,
                closed,
                inner,
            } => {
                let (open, close) = if *objects {
                    ("{\"\":", "}")
                } else {
                    ("[", "]")
                };
                out.push_str(&open.repeat(*depth));
                inner.write(out);
                if *closed {
                    out.push_str(&close.repeat(*depth));
                }
            }
        }
    }

    /// A parsed value as tokens (to start near-valid inputs from valid ones).
    pub fn from_value(value: &Value) -> Json {
        match value {
            Value::Null => Json::Null,
            Value::Bool(value) => Json::Bool(*value),
            Value::Number(number) => Json::Number(number.to_string()),
            Value::String(_) => Json::Str(value.to_string()),
            Value::Array(items) => Json::Array(items.iter().map(Json::from_value).collect()),
            Value::Object(members) => Json::Object(
                members
                    .iter()
                    .map(|(key, value)| (key_token(key), Json::from_value(value)))
                    .collect(),
            ),
        }
    }
}

/// A key as a string token.
pub fn key_token(key: &str) -> String {
    Value::from(key).to_string()
}

/// Number tokens at and beyond the edges: signs, zeros, fractions, `f64`/`u64`/`i64`/`u32` limits, 2^53, out of
/// range, and tokens that are no JSON numbers.
const EDGE_NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-0.0",
    "0.0",
    "1",
    "-1",
    "0.5",
    "-0.5",
    "2.5",
    "1e2",
    "1E+2",
    "1e-2",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "1e309",
    "1e400",
    "-1e400",
    "1e-400",
    "5e-324",
    "4294967295",
    "4294967296",
    "9007199254740991",
    "9007199254740992",
    "9007199254740993",
    "9223372036854775807",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "123456789012345678901234567890",
    "0.000000000000000000000000000001",
    "01",
    "1.",
    ".5",
    "+1",
    "-",
    "1e",
    "0x10",
    "NaN",
    "Infinity",
    "-Infinity",
];

/// A number token: an edge case, or any `i64`, `u64` or `f64` as Rust writes it.
pub fn number_token() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(EDGE_NUMBERS).prop_map(str::to_string),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|n| format!("{n:?}")),
        1 => any::<f64>().prop_map(|n| format!("{n:e}")),
    ]
}

/// Characters a hostile string holds: letters, control characters, quotes and backslashes, line and paragraph
/// separators, byte-order mark, replacement character, non-characters, combining marks, right-to-left override,
/// characters whose case mapping changes their length, emoji, and any character at all.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        1 => prop::char::range('0', '9'),
        1 => prop::char::range('\0', '\u{1f}'),
        2 => prop::sample::select(vec![
            ' ', '-', '.', '"', '\\', '/', '\u{7f}', '\u{a0}', '\u{2028}', '\u{2029}', '\u{feff}',
            '\u{fffd}', '\u{ffff}', '\u{10ffff}', '\u{301}', '\u{202e}', 'é', 'ß', 'İ', 'ﬀ', 'Σ', '日', '🦀',
        ]),
        1 => any::<char>(),
    ]
}

/// A string value of hostile characters.
pub fn hostile_text(max_chars: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..max_chars)
        .prop_map(|chars| chars.into_iter().collect())
}

/// String tokens no plain encoder writes: lone and reversed surrogates, short and unknown escapes, an escaped
/// NUL, an unterminated string.
const ODD_STRING_TOKENS: &[&str] = &[
    r#""\ud800""#,
    r#""\udc00\ud800""#,
    r#""\ud83e\udd80""#,
    r#""\u12""#,
    r#""\uZZZZ""#,
    r#""\q""#,
    r#""\u0000""#,
    r#""abc"#,
    r#""\""#,
    r#""""#,
];

/// A string token: hostile text escaped as JSON, with every character as `\u` escapes, raw between quotes
/// (control characters and quotes unescaped), one character many times (a long string), or an odd token.
pub fn string_token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => hostile_text(24).prop_map(|text| Value::from(text).to_string()),
        1 => (hostile_char(), 0..20_000usize)
            .prop_map(|(c, count)| Value::from(c.to_string().repeat(count)).to_string()),
        1 => hostile_text(12).prop_map(|text| {
            let units: String = text.encode_utf16().map(|unit| format!("\\u{unit:04x}")).collect();
            format!("\"{units}\"")
        }),
        1 => hostile_text(12).prop_map(|text| format!("\"{text}\"")),
        1 => prop::sample::select(ODD_STRING_TOKENS).prop_map(str::to_string),
    ]
}

/// A key token: one of `known` (the names the parser looks for) two times in three, or any string token.
pub fn key(known: Vec<&'static str>) -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::sample::select(known).prop_map(key_token),
        1 => string_token(),
    ]
}

/// A scalar token.
fn scalar() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        number_token().prop_map(Json::Number),
        string_token().prop_map(Json::Str),
    ]
}

/// Any JSON value (and near-JSON), nested, with keys from `known` two times in three.
pub fn json(known: Vec<&'static str>) -> impl Strategy<Value = Json> {
    scalar().prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            4 => prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            4 => prop::collection::vec((key(known.clone()), inner.clone()), 0..6).prop_map(Json::Object),
            1 => (inner.clone(), 0..20_000usize)
                .prop_map(|(item, count)| Json::Repeated(Box::new(item), count)),
            // Up to serde_json's recursion limit (128 levels) and beyond it.
            1 => (prop_oneof![0..130usize, 0..600usize], any::<bool>(), prop::bool::weighted(0.9), inner).prop_map(
                |(depth, objects, closed, inner)| Json::Nested {
                    depth,
                    objects,
                    closed,
                    inner: Box::new(inner),
                }
            ),
        ]
    })
}

/// One change to a valid object's members.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// The value of one member replaced.
    Replace(Index, Json),
    /// One member removed.
    Remove(Index),
    /// One member's key written again with another value.
    Repeat(Index, Json),
    /// A new member.
    Add(String, Json),
}

impl Mutation {
    /// Applies the change; returns the key token of the member changed (`None` when the object is empty and
    /// there was nothing to change).
    pub fn apply(&self, members: &mut Vec<(String, Json)>) -> Option<String> {
        let position = |index: &Index, len: usize| (len > 0).then(|| index.index(len));
        match self {
            Mutation::Add(key, value) => {
                members.push((key.clone(), value.clone()));
                Some(key.clone())
            }
            Mutation::Replace(index, value) => {
                let at = position(index, members.len())?;
                members[at].1 = value.clone();
                Some(members[at].0.clone())
            }
            Mutation::Remove(index) => {
                let at = position(index, members.len())?;
                Some(members.remove(at).0)
            }
            Mutation::Repeat(index, value) => {
                let key = members[position(index, members.len())?].0.clone();
                members.push((key.clone(), value.clone()));
                Some(key)
            }
        }
    }
}

/// A change to one member of an object whose keys are `known` (new members get such keys too, or any key).
pub fn mutation(known: Vec<&'static str>) -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<Index>(), json(known.clone()))
            .prop_map(|(index, value)| Mutation::Replace(index, value)),
        1 => any::<Index>().prop_map(Mutation::Remove),
        1 => (any::<Index>(), json(known.clone()))
            .prop_map(|(index, value)| Mutation::Repeat(index, value)),
        1 => (key(known.clone()), json(known)).prop_map(|(key, value)| Mutation::Add(key, value)),
    ]
}

/// A change to a few bytes of a text.
#[derive(Debug, Clone)]
pub enum Edit {
    /// The text cut at a position.
    Truncate(Index),
    /// One byte replaced.
    Replace(Index, u8),
    /// Bytes inserted at a position.
    Insert(Index, Vec<u8>),
    /// Up to `len` bytes removed from a position.
    Delete(Index, usize),
}

impl Edit {
    /// The edited bytes (text may no longer be UTF-8).
    pub fn apply(&self, original: &[u8]) -> Vec<u8> {
        let mut bytes = original.to_vec();
        let at = |index: &Index, len: usize| index.index(len + 1);
        match self {
            Edit::Truncate(index) => bytes.truncate(at(index, bytes.len())),
            Edit::Replace(index, byte) => {
                if !bytes.is_empty() {
                    let position = index.index(bytes.len());
                    bytes[position] = *byte;
                }
            }
            Edit::Insert(index, inserted) => {
                let position = at(index, bytes.len());
                bytes.splice(position..position, inserted.iter().copied());
            }
            Edit::Delete(index, len) => {
                let start = at(index, bytes.len());
                let end = (start + len).min(bytes.len());
                bytes.drain(start..end);
            }
        }
        bytes
    }
}

/// A byte that matters to a JSON parser, or any byte.
fn json_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => prop::sample::select(b"{}[]\":,\\-+.0123456789eEnulltruefalse \n\t\r".to_vec()),
        1 => any::<u8>(),
    ]
}

/// A change to a few bytes.
pub fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        2 => any::<Index>().prop_map(Edit::Truncate),
        2 => (any::<Index>(), json_byte()).prop_map(|(index, byte)| Edit::Replace(index, byte)),
        2 => (any::<Index>(), prop::collection::vec(json_byte(), 1..8))
            .prop_map(|(index, bytes)| Edit::Insert(index, bytes)),
        1 => (any::<Index>(), 1..16usize).prop_map(|(index, len)| Edit::Delete(index, len)),
    ]
}

/// Bytes as the host hands them over as text: invalid UTF-8 becomes U+FFFD, as `TextDecoder` does.
pub fn as_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A parsed number at and beyond the edges, or any `i64`, `u64` or finite `f64` (`-0.0` included).
fn number_value() -> impl Strategy<Value = Value> {
    let edges: Vec<Value> = EDGE_NUMBERS
        .iter()
        .filter_map(|token| serde_json::from_str(token).ok())
        .collect();
    prop_oneof![
        3 => prop::sample::select(edges),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<u64>().prop_map(Value::from),
        1 => any::<f64>().prop_map(Value::from),
    ]
}

/// Any parsed JSON value, nested (up to 130 levels of arrays or objects `{"": ...}`), with large arrays within
/// [`REPEATED_BYTES`] of text, keys from `known` two times in three and strings from `strings`.
pub fn value(
    known: Vec<String>,
    strings: impl Strategy<Value = String> + Clone + 'static,
) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number_value(),
        strings.prop_map(Value::String),
    ];
    let names = prop_oneof![
        2 => prop::sample::select(known),
        1 => hostile_text(12),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            4 => prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            4 => prop::collection::btree_map(names.clone(), inner.clone(), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
            1 => (inner.clone(), 0..20_000usize).prop_map(|(item, count)| {
                let count = count.min(REPEATED_BYTES / (item.to_string().len() + 1));
                Value::Array(vec![item; count])
            }),
            1 => (inner, 0..130usize, any::<bool>()).prop_map(|(innermost, depth, objects)| {
                (0..depth).fold(innermost, |value, _| match objects {
                    true => Value::Object([(String::new(), value)].into_iter().collect()),
                    false => Value::Array(vec![value]),
                })
            }),
        ]
    })
}

/// The shapes whose parse holds the most per byte of text (see the bounds): objects of one empty key nested 120
/// deep (a B-tree leaf per level), and one-element arrays nested 120 deep (a 4-slot vector per level), each
/// repeated along an array of about `bytes` bytes of text.
pub fn worst_shapes(bytes: usize) -> [String; 2] {
    let repeated = |open: &str, close: &str| {
        let item = format!("{}0{}", open.repeat(120), close.repeat(120));
        format!(
            "[{}]",
            vec![item.as_str(); bytes / (item.len() + 1)].join(",")
        )
    };
    [repeated("{\"\":", "}"), repeated("[", "]")]
}
