//! `options::validate_options_with` on hostile options: any JSON value for every option, any extra keys, any
//! environment fallback; and a valid set of options with one option changed or one key added.
//!
//! Properties, besides no panic and the allocation bound:
//! * a refusal is `INVALID_OPTION` and names an option of the input (`catalog-sync option "pageSize" ...`),
//!   with that option's value in its details; with one option changed, it names that option;
//! * options that validate are within their documented ranges and forms, and come from input without unknown
//!   keys.

use catalog_sync::model::CoreErrorCode;
use catalog_sync::options::{
    validate_cron, validate_options_with, OptionFallbacks, PluginOptionsInput,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Map, Value};

use crate::allocation::peak_during;
use crate::codes::core_code_is;
use crate::json::{hostile_text, value, worst_shapes};
use crate::runner::{check, Bound, InputSize, Meter};

/// Options as written in `medusa-config`, the environment's fallback, and the one option a near-valid input
/// changed.
#[derive(Debug, Clone)]
pub struct Options {
    raw: Map<String, Value>,
    fallbacks: OptionFallbacks,
    changed: Option<String>,
}

impl InputSize for Options {
    fn input_size(&self) -> usize {
        let fallback = self
            .fallbacks
            .webhook_secret
            .as_ref()
            .map_or(0, String::len);
        Value::Object(self.raw.clone()).to_string().len() + fallback
    }
}

/// The options the plugin knows (camelCase, as in `medusa-config`), from the type the host fills in: every
/// option is written, as `null` when unset.
fn option_names() -> Vec<String> {
    match serde_json::to_value(PluginOptionsInput::default()) {
        Ok(Value::Object(every)) => every.keys().cloned().collect(),
        other => unreachable!("the options serialize as an object: {other:?}"),
    }
}

/// Every known option, each with a valid value.
fn valid_options() -> Map<String, Value> {
    let valid = json!({
        "sourceUrl": "http://127.0.0.1:4010/api/", "schedule": "*/5 * * * *", "pageSize": "100", "concurrency": 8,
        "batchSize": 200.0, "currencyCode": "EUR", "salesChannelId": "sc_1", "onMissing": "Delete",
        "requestTimeoutMs": 500, "maxRetries": 0, "images": "link", "imageMaxBytes": "2048",
        "stockLocationId": "sloc_1", "webhookSecret": "s3cret"
    });
    let Value::Object(valid) = valid else {
        unreachable!("an object")
    };
    valid
}

/// Strings an option might be given: numbers as text, URLs, cron expressions, currencies, names, and hostile
/// text.
fn option_text() -> impl Strategy<Value = String> + Clone {
    let shaped = prop::sample::select(vec![
        "30",
        " 30 ",
        "-0",
        "1e3",
        "0x1F",
        "３０",
        "30abc",
        "",
        "   ",
        "4294967296",
        "-1",
        "https://dummyjson.com",
        "http://",
        "https://a@b",
        "HTTPS://X/",
        "https://x/?q=1",
        "https://x/#f",
        "javascript:alert(1)",
        "https://[::1]:80/",
        "http://127.0.0.1:4010/api//",
        "https://:80",
        "https://x\\y",
        "0 * * * *",
        "*/0 * * * *",
        "* * * * * * *",
        "0 0 L * *",
        "0 0 * * 5#6",
        "0 0 * * 5#",
        "0 0 ? * MON-FRI",
        "0 9-17/2 * jan-jun 1",
        "60 * * * *",
        "5-1 * * * *",
        "*/60 * * * *",
        "0 0 * * 7L",
        "L L L L L",
        "usd",
        "EUR",
        "us",
        "u$d",
        "ＵＳＤ",
        "draft",
        "KEEP",
        " delete ",
        "archive",
        "upload",
        "Link",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        3 => shaped,
        2 => hostile_text(30),
        1 => (hostile_text(3), 0..5000usize).prop_map(|(text, count)| text.repeat(count)),
    ]
}

/// Keys that are no option: near misses of the real names, prototype names, anything.
fn unknown_key() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::sample::select(vec![
            "pagesize", "PageSize", "page_size", "sourceURL", "source_url", "", " pageSize", "__proto__",
            "constructor", "webhooksecret",
        ])
        .prop_map(str::to_string),
        1 => hostile_text(16),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    value(option_names(), option_text())
}

fn fallbacks() -> impl Strategy<Value = OptionFallbacks> {
    prop::option::of(option_text()).prop_map(|webhook_secret| OptionFallbacks { webhook_secret })
}

/// Some known options with any value, and some unknown keys.
fn arbitrary_options() -> impl Strategy<Value = Options> {
    (
        prop::collection::vec((prop::sample::select(option_names()), any_value()), 0..6),
        prop::collection::vec((unknown_key(), any_value()), 0..2),
        fallbacks(),
    )
        .prop_map(|(known, unknown, fallbacks)| Options {
            raw: known.into_iter().chain(unknown).collect(),
            fallbacks,
            changed: None,
        })
}

/// Valid options with one option set to any value, or one key added.
fn near_valid_options() -> impl Strategy<Value = Options> {
    let change = prop_oneof![
        3 => (prop::sample::select(option_names()), any_value()),
        1 => (unknown_key(), any_value()),
    ];
    (change, fallbacks()).prop_map(|((key, value), fallbacks)| {
        let mut raw = valid_options();
        raw.insert(key.clone(), value);
        Options {
            raw,
            fallbacks,
            changed: Some(key),
        }
    })
}

/// Options that validated are within their documented ranges and forms.
fn within_ranges(options: &catalog_sync::options::SyncOptions) -> Result<(), TestCaseError> {
    let ranges = [
        (options.page_size, 1, 1000),
        (options.concurrency, 1, 32),
        (options.batch_size, 1, 1000),
        (options.request_timeout_ms, 100, 300_000),
        (options.max_retries, 0, 10),
        (options.image_max_bytes, 1024, 100 * 1024 * 1024),
    ];
    for (value, min, max) in ranges {
        prop_assert!(
            (min..=max).contains(&value),
            "{value} outside {min}..={max}: {options:?}"
        );
    }
    let url = options.source_url.to_ascii_lowercase();
    prop_assert!(
        url.starts_with("http://") || url.starts_with("https://"),
        "{options:?}"
    );
    prop_assert!(
        !url.ends_with('/') && !url.contains(['?', '#']),
        "{options:?}"
    );
    prop_assert!(
        !url.chars().any(|c| c.is_whitespace() || c.is_control()),
        "{options:?}"
    );
    prop_assert!(
        options.currency_code.len() == 3
            && options
                .currency_code
                .bytes()
                .all(|b| b.is_ascii_lowercase()),
        "{options:?}"
    );
    if let Some(schedule) = &options.schedule {
        prop_assert!(validate_cron(schedule).is_ok(), "{options:?}");
    }
    for id in [
        &options.sales_channel_id,
        &options.stock_location_id,
        &options.webhook_secret,
    ] {
        prop_assert!(
            id.as_ref()
                .map_or(true, |id| !id.is_empty() && id.trim() == id),
            "{options:?}"
        );
    }
    Ok(())
}

fn option_set_is_valid_or_refused_by_name(
    input: &Options,
    meter: &Meter,
) -> Result<(), TestCaseError> {
    let raw: PluginOptionsInput = serde_json::from_value(Value::Object(input.raw.clone()))
        .map_err(|error| {
            TestCaseError::fail(format!("the options object does not read: {error}"))
        })?;
    // The refusal's message and details are measured too: the host receives both.
    let (validated, shown) = meter.measure(|| {
        let validated = validate_options_with(&raw, &input.fallbacks);
        let shown = validated
            .as_ref()
            .err()
            .map(|error| (error.to_string(), error.details()));
        (validated, shown)
    })?;
    let known = option_names();
    match (validated, shown) {
        (Ok(options), _) => {
            prop_assert!(
                input.raw.keys().all(|key| known.contains(key)),
                "unknown keys accepted: {input:?}"
            );
            within_ranges(&options)?;
            meter.outcome("valid");
        }
        (Err(error), Some((message, details))) => {
            core_code_is(error.code(), &[CoreErrorCode::InvalidOption])?;
            let named = input.raw.get(&error.option);
            prop_assert!(named.is_some(), "{message} names no option of the input");
            prop_assert_eq!(Some(&error.value), named);
            prop_assert_eq!(
                details,
                json!({ "option": error.option, "value": error.value })
            );
            prop_assert!(
                message.starts_with(&format!("catalog-sync option \"{}\" ", error.option)),
                "{message} does not start with the option's name"
            );
            meter.outcome(error.code().as_str());
            if let Some(changed) = &input.changed {
                prop_assert_eq!(
                    &error.option,
                    changed,
                    "{} names another option than the one changed",
                    message
                );
            }
        }
        (Err(error), None) => unreachable!("a refusal is shown: {error}"),
    }
    Ok(())
}

// Bound of option validation: a refusal holds the option's value twice, its own copy and its details' (each a
// `serde_json::Value`, at most 126 B per byte of JSON text: a 628-byte B-tree leaf per 5 bytes of nested
// `{"":{"":...}}`), and a message quoting it whole as JSON text (up to 6 B per byte: a control character is
// written `\u0000`): about 258 B per byte (measured 254).
const OPTIONS_BOUND: Bound = Bound {
    per_byte: 320,
    constant: 16 * 1024,
};

/// The worst shapes of a value stay within the bound, as an option's value.
#[test]
fn the_worst_shapes_stay_within_the_bound() {
    for shape in worst_shapes(200_000) {
        let value: Value = serde_json::from_str(&shape).expect("the shapes are JSON");
        let raw = PluginOptionsInput {
            page_size: Some(value),
            ..PluginOptionsInput::default()
        };
        let (shown, peak) = peak_during(|| {
            validate_options_with(&raw, &OptionFallbacks::default())
                .map_err(|error| (error.to_string(), error.details()))
        });
        assert!(
            shown.is_err() && peak <= OPTIONS_BOUND.limit(shape.len()),
            "{peak}"
        );
    }
}

#[test]
fn options_are_valid_or_refused_by_name() {
    check(
        "options",
        256,
        OPTIONS_BOUND,
        prop_oneof![arbitrary_options(), near_valid_options()],
        option_set_is_valid_or_refused_by_name,
    );
}
