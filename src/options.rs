//! Plugin options: validation of the raw options from `medusa-config` into [`SyncOptions`].
//!
//! Every option is optional; missing (or `null`) options get their default. A bad value is rejected with an
//! [`OptionsError`] (code `INVALID_OPTION`) that names the option and shows the value, e.g.
//! `catalog-sync option "pageSize" must be an integer between 1 and 1000 (got "abc")`.
//! Numeric options also accept decimal strings (`"30"`), since they are often read from environment variables.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::model::CoreErrorCode;
use crate::outbound::Origin;

/// Default source: the public DummyJSON API.
pub const DEFAULT_SOURCE_URL: &str = "https://dummyjson.com";
/// Default largest image body the sync copies: 10 MiB.
pub const DEFAULT_IMAGE_MAX_BYTES: u32 = 10 * 1024 * 1024;
/// Default schedule: every hour, on the hour.
pub const DEFAULT_SCHEDULE: &str = "0 * * * *";
/// Default largest share of the owned products one full run may remove (archive or delete): a fifth.
pub const DEFAULT_MAX_REMOVAL_RATIO: f64 = 0.2;
/// Default products per page request: 100, so a catalog of 100,000 products takes 1,000 page requests (3,334 with
/// DummyJSON's own default of 30), and DummyJSON's 194 products take 2 pages and the category list: 3 requests of
/// the public server's 100 per 10 s. DummyJSON serves any `limit`; a page of 100 products is about 80 KB, far
/// below [`DEFAULT_PAGE_MAX_BYTES`].
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// Default largest source answer (page, product or category list) the sync reads: 8 MiB.
pub const DEFAULT_PAGE_MAX_BYTES: u32 = 8 * 1024 * 1024;
/// Default largest catalog a run accepts: room for catalogs of 100,000 products and more.
pub const DEFAULT_MAX_PRODUCTS: u32 = 250_000;
/// Default largest number of page (or single-product) requests a run plans.
pub const DEFAULT_MAX_PAGES: u32 = 10_000;
/// Default deadline of a whole run: 2 hours.
pub const DEFAULT_RUN_TIMEOUT_MS: u32 = 2 * 60 * 60 * 1000;
/// Default largest number of images kept per product.
pub const DEFAULT_MAX_IMAGES_PER_PRODUCT: u32 = 20;
/// Largest value of `maxProducts`.
pub const MAX_PRODUCTS_LIMIT: u32 = 10_000_000;
/// Default time a preview may be applied after it ended: one hour.
pub const DEFAULT_PREVIEW_TTL_MS: u32 = 60 * 60 * 1000;

/// What to do with a product the sync created earlier that is no longer in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum OnMissing {
    /// Set it to status "draft" (hidden from the storefront, kept in the store). The default.
    Draft,
    /// Leave it untouched.
    Keep,
    /// Delete it.
    Delete,
}

/// How product images reach the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ImageMode {
    /// Download each image and upload it through Medusa's file module. The default.
    Upload,
    /// Store the source image URLs as they are.
    Link,
}

/// The plugin options as written in `medusa-config` (every field optional; `null` means "use the default").
///
/// Fields hold raw JSON values: [`validate_options`] checks their types and ranges so that a wrong value is
/// reported with the option's name instead of a generic deserialization error.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PluginOptionsInput {
    /// Base URL of the DummyJSON-compatible source, http(s), e.g. `https://dummyjson.com`.
    #[ts(optional, type = "string | null")]
    pub source_url: Option<Value>,
    /// Cron expression (5 or 6 fields) of the scheduled sync, or `false` to turn the schedule off.
    #[ts(optional, type = "string | false | null")]
    pub schedule: Option<Value>,
    /// Products per source page request (1..=1000).
    #[ts(optional, type = "number | string | null")]
    pub page_size: Option<Value>,
    /// Maximum number of source requests in flight (1..=32); the host enforces it.
    #[ts(optional, type = "number | string | null")]
    pub concurrency: Option<Value>,
    /// Products per Medusa write batch (1..=1000).
    #[ts(optional, type = "number | string | null")]
    pub batch_size: Option<Value>,
    /// ISO 4217 currency of the created prices (3 letters).
    #[ts(optional, type = "string | null")]
    pub currency_code: Option<Value>,
    /// Sales channel the created products are added to (default: the store's default channel).
    #[ts(optional, type = "string | null")]
    pub sales_channel_id: Option<Value>,
    /// What happens to products that disappeared from the source.
    #[ts(optional, type = "OnMissing | null")]
    pub on_missing: Option<Value>,
    /// Timeout of one source request in milliseconds (100..=300000).
    #[ts(optional, type = "number | string | null")]
    pub request_timeout_ms: Option<Value>,
    /// Retries of a failed source request (0..=10).
    #[ts(optional, type = "number | string | null")]
    pub max_retries: Option<Value>,
    /// Image handling.
    #[ts(optional, type = "ImageMode | null")]
    pub images: Option<Value>,
    /// Largest image body the sync copies, in bytes (1024..=104857600, default 10 MiB).
    #[ts(optional, type = "number | string | null")]
    pub image_max_bytes: Option<Value>,
    /// Stock location that receives the stock levels (default: created/found by the host).
    #[ts(optional, type = "string | null")]
    pub stock_location_id: Option<Value>,
    /// Shared secret of the signed webhook; without it the webhook route refuses every call.
    #[ts(optional, type = "string | null")]
    pub webhook_secret: Option<Value>,
    /// Largest share (0..=1) of the owned products one full run may remove; above it the run removes none.
    #[ts(optional, type = "number | string | null")]
    pub max_removal_ratio: Option<Value>,
    /// Largest source answer read, in bytes (65536..=1073741824, default 8 MiB); a larger one fails the run.
    #[ts(optional, type = "number | string | null")]
    pub page_max_bytes: Option<Value>,
    /// Largest catalog a run accepts (1..=10000000, default 250000).
    #[ts(optional, type = "number | string | null")]
    pub max_products: Option<Value>,
    /// Largest number of page (or single-product) requests a run plans (1..=1000000, default 10000).
    #[ts(optional, type = "number | string | null")]
    pub max_pages: Option<Value>,
    /// Deadline of a whole run in milliseconds (1000..=2592000000, default 2 hours).
    #[ts(optional, type = "number | string | null")]
    pub run_timeout_ms: Option<Value>,
    /// Images kept per product (0..=1000, default 20); extra ones are left out and reported.
    #[ts(optional, type = "number | string | null")]
    pub max_images_per_product: Option<Value>,
    /// Origins (`scheme://host[:port]`) image requests may go to even when they resolve to a private address.
    #[ts(optional, type = "Array<string> | null")]
    pub image_hosts: Option<Value>,
    /// How long a preview may be applied after it ended, in milliseconds (60000..=604800000, default 1 h).
    #[ts(optional, type = "number | string | null")]
    pub preview_ttl_ms: Option<Value>,
    /// Any key that is not a known option (rejected, to catch typos such as `pagesize`).
    #[serde(flatten)]
    #[ts(skip)]
    pub unknown: BTreeMap<String, Value>,
}

/// Validated plugin options with every default filled in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncOptions {
    /// Base URL of the source, without trailing slash.
    pub source_url: String,
    /// Cron expression of the scheduled sync; `null` when the schedule is off.
    pub schedule: Option<String>,
    /// Products per page request.
    pub page_size: u32,
    /// Maximum number of source requests in flight. The core only plans requests; the host enforces this bound.
    pub concurrency: u32,
    /// Products per Medusa write batch.
    pub batch_size: u32,
    /// Lowercase ISO 4217 currency code of the prices.
    pub currency_code: String,
    /// Sales channel for created products; `null` lets the host resolve the default channel.
    pub sales_channel_id: Option<String>,
    /// What happens to products that disappeared from the source.
    pub on_missing: OnMissing,
    /// Timeout of one source request in milliseconds.
    pub request_timeout_ms: u32,
    /// Retries of a failed source request (so at most `maxRetries + 1` attempts).
    pub max_retries: u32,
    /// Image handling.
    pub images: ImageMode,
    /// Largest image body the sync copies, in bytes; a larger image keeps its source URL.
    pub image_max_bytes: u32,
    /// Stock location of the stock levels; `null` lets the host choose.
    pub stock_location_id: Option<String>,
    /// Webhook secret; `null` disables the webhook.
    pub webhook_secret: Option<String>,
    /// Largest share of the owned products one full run may remove (archive or delete), in `0..=1`: a run
    /// whose removals are more than `maxRemovalRatio × owned products` removes none of them and holds them
    /// back for an operator (see [`crate::removals`]). `1` never holds removals back; `0` holds back every one.
    pub max_removal_ratio: f64,
    /// Largest source answer (page, product, category list) read, in bytes; the host stops reading there.
    pub page_max_bytes: u32,
    /// Largest catalog a run accepts: a larger announced `total`, or more products received, fails the run.
    pub max_products: u32,
    /// Largest number of page (or single-product) requests a run plans.
    pub max_pages: u32,
    /// Deadline of a whole run in milliseconds, from its start.
    pub run_timeout_ms: u32,
    /// Images kept per product, in source order; extra ones are left out and reported.
    pub max_images_per_product: u32,
    /// Trusted image origins (`scheme://host[:port]`, normalized): fetched even when they resolve to a
    /// private address.
    pub image_hosts: Vec<String>,
    /// How long a preview may be applied after it ended, in milliseconds (see [`crate::changes`]); an older
    /// preview must be made again.
    #[serde(default = "default_preview_ttl_ms")]
    pub preview_ttl_ms: u32,
}

/// Serde default of [`SyncOptions::preview_ttl_ms`] (options stored before it existed).
fn default_preview_ttl_ms() -> u32 {
    DEFAULT_PREVIEW_TTL_MS
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            source_url: DEFAULT_SOURCE_URL.to_string(),
            schedule: Some(DEFAULT_SCHEDULE.to_string()),
            page_size: DEFAULT_PAGE_SIZE,
            concurrency: 4,
            batch_size: 50,
            currency_code: "usd".to_string(),
            sales_channel_id: None,
            on_missing: OnMissing::Draft,
            request_timeout_ms: 10_000,
            max_retries: 4,
            images: ImageMode::Upload,
            image_max_bytes: DEFAULT_IMAGE_MAX_BYTES,
            stock_location_id: None,
            webhook_secret: None,
            max_removal_ratio: DEFAULT_MAX_REMOVAL_RATIO,
            page_max_bytes: DEFAULT_PAGE_MAX_BYTES,
            max_products: DEFAULT_MAX_PRODUCTS,
            max_pages: DEFAULT_MAX_PAGES,
            run_timeout_ms: DEFAULT_RUN_TIMEOUT_MS,
            max_images_per_product: DEFAULT_MAX_IMAGES_PER_PRODUCT,
            image_hosts: Vec::new(),
            preview_ttl_ms: DEFAULT_PREVIEW_TTL_MS,
        }
    }
}

impl SyncOptions {
    /// The origin of `sourceUrl` (validated, so it always has one): the only origin page, product and category
    /// requests go to.
    pub fn source_origin(&self) -> Option<Origin> {
        Origin::of_url(&self.source_url).ok()
    }
}

/// A plugin option has a bad value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("catalog-sync option \"{option}\" {requirement} (got {})", shown(.value))]
pub struct OptionsError {
    /// The option's name as written in `medusa-config` (camelCase).
    pub option: String,
    /// The rejected value.
    pub value: Value,
    /// What the option must be, e.g. `must be an integer between 1 and 1000`.
    pub requirement: String,
}

impl OptionsError {
    /// Stable error code: `INVALID_OPTION`.
    pub fn code(&self) -> CoreErrorCode {
        CoreErrorCode::InvalidOption
    }

    /// Structured details: `{ option, value }`.
    pub fn details(&self) -> Value {
        serde_json::json!({ "option": self.option, "value": self.value })
    }
}

/// The value as JSON text, for error messages (`"abc"`, `0`, `true`).
fn shown(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "?".to_string())
}

fn invalid(option: &str, value: &Value, requirement: impl Into<String>) -> OptionsError {
    OptionsError {
        option: option.to_string(),
        value: value.clone(),
        requirement: requirement.into(),
    }
}

/// Values the host read from its environment, used where the matching option is not set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OptionFallbacks {
    /// The environment variable `CATALOG_SYNC_WEBHOOK_SECRET`: the webhook secret when `webhookSecret` is not
    /// set (an empty or blank value counts as unset, so the webhook stays off).
    #[ts(optional, type = "string | null")]
    pub webhook_secret: Option<String>,
}

/// Validates raw plugin options and fills in the defaults.
///
/// ```
/// use catalog_sync::options::{validate_options, PluginOptionsInput, OnMissing};
/// let raw = PluginOptionsInput { page_size: Some(50.into()), on_missing: Some("keep".into()), ..Default::default() };
/// let options = validate_options(&raw).unwrap();
/// assert_eq!(options.page_size, 50);
/// assert_eq!(options.on_missing, OnMissing::Keep);
/// assert_eq!(options.schedule.as_deref(), Some("0 * * * *"));
/// ```
pub fn validate_options(raw: &PluginOptionsInput) -> Result<SyncOptions, OptionsError> {
    validate_options_with(raw, &OptionFallbacks::default())
}

/// Validates raw plugin options like [`validate_options`]; an option that is not set (absent or `null`)
/// takes its value from `fallbacks` (the host's environment) before its default.
///
/// ```
/// use catalog_sync::options::{validate_options_with, OptionFallbacks, PluginOptionsInput};
/// let env = OptionFallbacks { webhook_secret: Some("from-env".into()) };
/// let options = validate_options_with(&PluginOptionsInput::default(), &env).unwrap();
/// assert_eq!(options.webhook_secret.as_deref(), Some("from-env"));
/// let set = PluginOptionsInput { webhook_secret: Some("from-config".into()), ..Default::default() };
/// assert_eq!(validate_options_with(&set, &env).unwrap().webhook_secret.as_deref(), Some("from-config"));
/// ```
pub fn validate_options_with(
    raw: &PluginOptionsInput,
    fallbacks: &OptionFallbacks,
) -> Result<SyncOptions, OptionsError> {
    if let Some((key, value)) = raw.unknown.iter().next() {
        return Err(invalid(
            key,
            value,
            "is not a known option (known: sourceUrl, schedule, pageSize, concurrency, batchSize, currencyCode, \
             salesChannelId, onMissing, requestTimeoutMs, maxRetries, images, imageMaxBytes, stockLocationId, webhookSecret, \
             maxRemovalRatio, pageMaxBytes, maxProducts, maxPages, runTimeoutMs, maxImagesPerProduct, imageHosts, \
             previewTtlMs)",
        ));
    }
    let defaults = SyncOptions::default();
    Ok(SyncOptions {
        source_url: match &raw.source_url {
            Some(v) => source_url("sourceUrl", v)?,
            None => defaults.source_url,
        },
        schedule: match &raw.schedule {
            Some(v) => schedule("schedule", v)?,
            None => defaults.schedule,
        },
        page_size: integer(
            "pageSize",
            raw.page_size.as_ref(),
            1,
            1000,
            defaults.page_size,
        )?,
        concurrency: integer(
            "concurrency",
            raw.concurrency.as_ref(),
            1,
            32,
            defaults.concurrency,
        )?,
        batch_size: integer(
            "batchSize",
            raw.batch_size.as_ref(),
            1,
            1000,
            defaults.batch_size,
        )?,
        currency_code: match &raw.currency_code {
            Some(v) => currency_code("currencyCode", v)?,
            None => defaults.currency_code,
        },
        sales_channel_id: optional_id("salesChannelId", raw.sales_channel_id.as_ref())?,
        on_missing: match &raw.on_missing {
            Some(v) => enum_value("onMissing", v, &["draft", "keep", "delete"])?,
            None => defaults.on_missing,
        },
        request_timeout_ms: integer(
            "requestTimeoutMs",
            raw.request_timeout_ms.as_ref(),
            100,
            300_000,
            defaults.request_timeout_ms,
        )?,
        max_retries: integer(
            "maxRetries",
            raw.max_retries.as_ref(),
            0,
            10,
            defaults.max_retries,
        )?,
        images: match &raw.images {
            Some(v) => enum_value("images", v, &["upload", "link"])?,
            None => defaults.images,
        },
        image_max_bytes: integer(
            "imageMaxBytes",
            raw.image_max_bytes.as_ref(),
            1024,
            100 * 1024 * 1024,
            defaults.image_max_bytes,
        )?,
        stock_location_id: optional_id("stockLocationId", raw.stock_location_id.as_ref())?,
        webhook_secret: match optional_id("webhookSecret", raw.webhook_secret.as_ref())? {
            Some(secret) => Some(secret),
            None => fallbacks
                .webhook_secret
                .as_deref()
                .map(str::trim)
                .filter(|secret| !secret.is_empty())
                .map(str::to_string),
        },
        max_removal_ratio: match &raw.max_removal_ratio {
            Some(v) => ratio("maxRemovalRatio", v)?,
            None => defaults.max_removal_ratio,
        },
        page_max_bytes: integer(
            "pageMaxBytes",
            raw.page_max_bytes.as_ref(),
            64 * 1024,
            1024 * 1024 * 1024,
            defaults.page_max_bytes,
        )?,
        max_products: integer(
            "maxProducts",
            raw.max_products.as_ref(),
            1,
            MAX_PRODUCTS_LIMIT,
            defaults.max_products,
        )?,
        max_pages: integer(
            "maxPages",
            raw.max_pages.as_ref(),
            1,
            1_000_000,
            defaults.max_pages,
        )?,
        run_timeout_ms: integer(
            "runTimeoutMs",
            raw.run_timeout_ms.as_ref(),
            1000,
            30 * 24 * 60 * 60 * 1000,
            defaults.run_timeout_ms,
        )?,
        max_images_per_product: integer(
            "maxImagesPerProduct",
            raw.max_images_per_product.as_ref(),
            0,
            1000,
            defaults.max_images_per_product,
        )?,
        image_hosts: match &raw.image_hosts {
            Some(v) => origins("imageHosts", v)?,
            None => defaults.image_hosts,
        },
        preview_ttl_ms: integer(
            "previewTtlMs",
            raw.preview_ttl_ms.as_ref(),
            60_000,
            7 * 24 * 60 * 60 * 1000,
            defaults.preview_ttl_ms,
        )?,
    })
}

/// A number in `0..=1`, given as a JSON number or a decimal string (`"0.2"`).
fn ratio(option: &str, value: &Value) -> Result<f64, OptionsError> {
    let parsed = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    parsed
        .filter(|r| r.is_finite() && (0.0..=1.0).contains(r))
        .ok_or_else(|| {
            invalid(
                option,
                value,
                "must be a number between 0 and 1, such as 0.2",
            )
        })
}

/// A list of `scheme://host[:port]` origins, normalized (lowercase, default port dropped, no duplicates).
fn origins(option: &str, value: &Value) -> Result<Vec<String>, OptionsError> {
    let requirement =
        "must be a list of origins such as [\"http://10.0.0.5:8080\"] (scheme, host and port only)";
    let items = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => return Err(invalid(option, value, requirement)),
    };
    let mut normalized: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let origin = item
            .as_str()
            .map(str::trim)
            .and_then(|text| Origin::parse(text).ok())
            .ok_or_else(|| invalid(option, value, requirement))?
            .to_string();
        if !normalized.contains(&origin) {
            normalized.push(origin);
        }
    }
    Ok(normalized)
}

/// An integer in `min..=max`, given as a JSON number or a decimal string.
fn integer(
    option: &str,
    value: Option<&Value>,
    min: u32,
    max: u32,
    default: u32,
) -> Result<u32, OptionsError> {
    let Some(value) = value else {
        return Ok(default);
    };
    let parsed: Option<i64> = match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    parsed
        .filter(|n| (i64::from(min)..=i64::from(max)).contains(n))
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| {
            invalid(
                option,
                value,
                format!("must be an integer between {min} and {max}"),
            )
        })
}

/// An http(s) URL without query or fragment; trailing slashes are removed.
fn source_url(option: &str, value: &Value) -> Result<String, OptionsError> {
    let requirement =
        "must be an http(s) URL such as \"https://dummyjson.com\" (no query or fragment)";
    let text = value
        .as_str()
        .map(str::trim)
        .ok_or_else(|| invalid(option, value, requirement))?;
    let lower = text.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| invalid(option, value, requirement))?;
    let host = rest.split('/').next().unwrap_or_default();
    let bad_char = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '\\');
    if host.is_empty() || host.starts_with(':') || host.contains('@') || text.chars().any(bad_char)
    {
        return Err(invalid(option, value, requirement));
    }
    Ok(text.trim_end_matches('/').to_string())
}

/// A cron expression (5 or 6 fields) or `false` (schedule off).
fn schedule(option: &str, value: &Value) -> Result<Option<String>, OptionsError> {
    match value {
        Value::Bool(false) => Ok(None),
        Value::String(text) => {
            let expression = text.split_whitespace().collect::<Vec<_>>().join(" ");
            validate_cron(&expression).map_err(|problem| {
                invalid(
                    option,
                    value,
                    format!("must be a cron expression with 5 or 6 fields, or false ({problem})"),
                )
            })?;
            Ok(Some(expression))
        }
        _ => Err(invalid(
            option,
            value,
            "must be a cron expression with 5 or 6 fields, or false",
        )),
    }
}

/// One cron field: its name, value range and the names it accepts.
struct CronField {
    name: &'static str,
    min: u32,
    max: u32,
    aliases: &'static [&'static str],
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const SECOND: CronField = CronField {
    name: "second",
    min: 0,
    max: 59,
    aliases: &[],
};
const MINUTE: CronField = CronField {
    name: "minute",
    min: 0,
    max: 59,
    aliases: &[],
};
const HOUR: CronField = CronField {
    name: "hour",
    min: 0,
    max: 23,
    aliases: &[],
};
const DAY_OF_MONTH: CronField = CronField {
    name: "day of month",
    min: 1,
    max: 31,
    aliases: &[],
};
const MONTH: CronField = CronField {
    name: "month",
    min: 1,
    max: 12,
    aliases: MONTHS,
};
const DAY_OF_WEEK: CronField = CronField {
    name: "day of week",
    min: 0,
    max: 7,
    aliases: WEEKDAYS,
};

/// Checks the syntax of a cron expression the way Medusa's scheduler (cron-parser 4) reads it:
/// `[second] minute hour day-of-month month day-of-week`, each field a comma list of `*`, values, ranges
/// `a-b`, steps `x/n`, month/weekday names, `?` and `L` in the day fields and `n#k` in day-of-week.
pub fn validate_cron(expression: &str) -> Result<(), String> {
    let fields: Vec<&str> = expression.split_whitespace().collect();
    let layout: &[CronField] = match fields.len() {
        5 => &[MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK],
        6 => &[SECOND, MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK],
        n => return Err(format!("found {n} fields")),
    };
    for (text, field) in fields.iter().zip(layout) {
        for item in text.split(',') {
            cron_item(item, field).map_err(|()| format!("bad {} field \"{text}\"", field.name))?;
        }
    }
    Ok(())
}

fn cron_item(item: &str, field: &CronField) -> Result<(), ()> {
    let is_day = matches!(field.name, "day of month" | "day of week");
    if is_day && (item == "?" || item == "L") {
        return Ok(());
    }
    if field.name == "day of week" {
        if let Some((day, nth)) = item.split_once('#') {
            cron_value(day, field)?;
            return nth
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=5).contains(n))
                .map(|_| ())
                .ok_or(());
        }
        if let Some(day) = item.strip_suffix('L') {
            return cron_value(day, field).map(|_| ());
        }
    }
    let (range, step) = match item.split_once('/') {
        Some((range, step)) => (range, Some(step)),
        None => (item, None),
    };
    if let Some(step) = step {
        step.parse::<u32>()
            .ok()
            .filter(|s| *s >= 1 && *s <= field.max.max(1))
            .ok_or(())?;
    }
    if range == "*" {
        return Ok(());
    }
    match range.split_once('-') {
        Some((from, to)) => {
            let (from, to) = (cron_value(from, field)?, cron_value(to, field)?);
            if from <= to {
                Ok(())
            } else {
                Err(())
            }
        }
        None => cron_value(range, field).map(|_| ()),
    }
}

fn cron_value(text: &str, field: &CronField) -> Result<u32, ()> {
    let lower = text.to_ascii_lowercase();
    if let Some(index) = field.aliases.iter().position(|alias| *alias == lower) {
        let offset = if field.name == "month" { 1 } else { 0 };
        return u32::try_from(index).map(|i| i + offset).map_err(|_| ());
    }
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    text.parse::<u32>()
        .ok()
        .filter(|v| (field.min..=field.max).contains(v))
        .ok_or(())
}

/// Three ASCII letters, returned lowercase.
fn currency_code(option: &str, value: &Value) -> Result<String, OptionsError> {
    value
        .as_str()
        .map(str::trim)
        .filter(|s| s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic()))
        .map(str::to_ascii_lowercase)
        .ok_or_else(|| {
            invalid(
                option,
                value,
                "must be a 3-letter ISO 4217 currency code such as \"usd\"",
            )
        })
}

/// A non-empty string, or absent/`null`.
fn optional_id(option: &str, value: Option<&Value>) -> Result<Option<String>, OptionsError> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Some(other) => Err(invalid(option, other, "must be a non-empty string or null")),
    }
}

/// One of the allowed lowercase names, deserialized into the enum `T`.
fn enum_value<T: serde::de::DeserializeOwned>(
    option: &str,
    value: &Value,
    allowed: &[&str],
) -> Result<T, OptionsError> {
    let requirement = || {
        let names: Vec<String> = allowed.iter().map(|a| format!("\"{a}\"")).collect();
        format!("must be one of {}", names.join(", "))
    };
    let name = value
        .as_str()
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| allowed.contains(&s.as_str()))
        .ok_or_else(|| invalid(option, value, requirement()))?;
    serde_json::from_value(Value::String(name)).map_err(|_| invalid(option, value, requirement()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn from_json(value: Value) -> Result<SyncOptions, OptionsError> {
        let raw: PluginOptionsInput = serde_json::from_value(value).expect("options object");
        validate_options(&raw)
    }

    #[test]
    fn empty_options_get_every_default() {
        let options = from_json(json!({})).unwrap();
        assert_eq!(options, SyncOptions::default());
        let encoded = serde_json::to_value(&options).unwrap();
        assert_eq!(
            encoded,
            json!({
                "sourceUrl": "https://dummyjson.com", "schedule": "0 * * * *", "pageSize": 100, "concurrency": 4,
                "batchSize": 50, "currencyCode": "usd", "salesChannelId": null, "onMissing": "draft",
                "requestTimeoutMs": 10000, "maxRetries": 4, "images": "upload", "imageMaxBytes": 10485760,
                "stockLocationId": null, "webhookSecret": null, "maxRemovalRatio": 0.2, "pageMaxBytes": 8388608,
                "maxProducts": 250000, "maxPages": 10000, "runTimeoutMs": 7200000, "maxImagesPerProduct": 20,
                "imageHosts": [], "previewTtlMs": 3600000
            })
        );
    }

    #[test]
    fn null_means_default() {
        let options =
            from_json(json!({ "pageSize": null, "schedule": null, "salesChannelId": null }))
                .unwrap();
        assert_eq!(options, SyncOptions::default());
    }

    #[test]
    fn given_values_are_normalized() {
        let options = from_json(json!({
            "sourceUrl": "http://127.0.0.1:4010/api//", "schedule": "*/5  *  * * *", "pageSize": "100",
            "concurrency": 8, "batchSize": 200.0, "currencyCode": "EUR", "salesChannelId": "sc_1",
            "onMissing": "Delete", "requestTimeoutMs": 500, "maxRetries": 0, "images": "link",
            "imageMaxBytes": "2048", "stockLocationId": "sloc_1", "webhookSecret": "s3cret",
            "maxRemovalRatio": "0.05",
            "pageMaxBytes": "65536", "maxProducts": 100, "maxPages": 5, "runTimeoutMs": 1000,
            "maxImagesPerProduct": 0,
            "imageHosts": ["HTTP://10.0.0.5:8080/", "https://images.internal:443", "http://10.0.0.5:8080"],
            "previewTtlMs": "120000"
        }))
        .unwrap();
        assert_eq!(options.page_max_bytes, 65536);
        assert_eq!(
            (
                options.max_products,
                options.max_pages,
                options.run_timeout_ms
            ),
            (100, 5, 1000)
        );
        assert_eq!(options.max_images_per_product, 0);
        assert_eq!(
            options.image_hosts,
            ["http://10.0.0.5:8080", "https://images.internal"]
        );
        assert_eq!(
            options.source_origin().unwrap().to_string(),
            "http://127.0.0.1:4010"
        );
        assert_eq!(options.source_url, "http://127.0.0.1:4010/api");
        assert_eq!(options.schedule.as_deref(), Some("*/5 * * * *"));
        assert_eq!(options.page_size, 100);
        assert_eq!(options.concurrency, 8);
        assert_eq!(options.batch_size, 200);
        assert_eq!(options.currency_code, "eur");
        assert_eq!(options.sales_channel_id.as_deref(), Some("sc_1"));
        assert_eq!(options.on_missing, OnMissing::Delete);
        assert_eq!(options.request_timeout_ms, 500);
        assert_eq!(options.max_retries, 0);
        assert_eq!(options.images, ImageMode::Link);
        assert_eq!(options.image_max_bytes, 2048);
        assert_eq!(options.stock_location_id.as_deref(), Some("sloc_1"));
        assert_eq!(options.webhook_secret.as_deref(), Some("s3cret"));
        assert_eq!(options.max_removal_ratio, 0.05);
        assert_eq!(options.preview_ttl_ms, 120_000);
    }

    #[test]
    fn the_removal_ratio_takes_both_ends_of_zero_to_one() {
        for (given, expected) in [
            (json!(0), 0.0),
            (json!(1), 1.0),
            (json!(0.5), 0.5),
            (json!("1.0"), 1.0),
            (json!(" 0 "), 0.0),
        ] {
            let options = from_json(json!({ "maxRemovalRatio": given })).unwrap();
            assert_eq!(options.max_removal_ratio, expected, "{given}");
        }
        let error = from_json(json!({ "maxRemovalRatio": 1.5 })).unwrap_err();
        assert_eq!(
            error.to_string(),
            "catalog-sync option \"maxRemovalRatio\" must be a number between 0 and 1, such as 0.2 (got 1.5)"
        );
    }

    #[test]
    fn the_webhook_secret_falls_back_to_the_environment() {
        let env = |value: &str| OptionFallbacks {
            webhook_secret: Some(value.to_string()),
        };
        let unset = PluginOptionsInput::default();
        let secret = |raw: &PluginOptionsInput, fallbacks: &OptionFallbacks| {
            validate_options_with(raw, fallbacks)
                .unwrap()
                .webhook_secret
        };
        assert_eq!(
            secret(&unset, &env(" env-secret ")).as_deref(),
            Some("env-secret")
        );
        assert_eq!(
            secret(&unset, &env("")),
            None,
            "an empty variable leaves the webhook off"
        );
        assert_eq!(secret(&unset, &env("   ")), None);
        assert_eq!(secret(&unset, &OptionFallbacks::default()), None);
        let null: PluginOptionsInput =
            serde_json::from_value(json!({ "webhookSecret": null })).unwrap();
        assert_eq!(
            secret(&null, &env("env-secret")).as_deref(),
            Some("env-secret")
        );
        let set: PluginOptionsInput =
            serde_json::from_value(json!({ "webhookSecret": "config" })).unwrap();
        assert_eq!(
            secret(&set, &env("env-secret")).as_deref(),
            Some("config"),
            "the option wins"
        );
        let blank: PluginOptionsInput =
            serde_json::from_value(json!({ "webhookSecret": " " })).unwrap();
        let error = validate_options_with(&blank, &env("env-secret")).unwrap_err();
        assert_eq!(
            error.option, "webhookSecret",
            "a blank option is an error, not a fallback"
        );
    }

    #[test]
    fn schedule_false_turns_it_off() {
        assert_eq!(
            from_json(json!({ "schedule": false })).unwrap().schedule,
            None
        );
        assert!(from_json(json!({ "schedule": true })).is_err());
    }

    #[test]
    fn bad_page_size_names_option_and_value() {
        let error = from_json(json!({ "pageSize": "abc" })).unwrap_err();
        assert_eq!(
            error.to_string(),
            "catalog-sync option \"pageSize\" must be an integer between 1 and 1000 (got \"abc\")"
        );
        assert_eq!(error.code().as_str(), "INVALID_OPTION");
        assert_eq!(
            error.details(),
            json!({ "option": "pageSize", "value": "abc" })
        );
    }

    #[test]
    fn every_bad_value_is_rejected_with_its_option() {
        let cases = [
            json!({ "sourceUrl": "ftp://x" }),
            json!({ "sourceUrl": "https://" }),
            json!({ "sourceUrl": "https://x.test/?a=1" }),
            json!({ "sourceUrl": "dummyjson.com" }),
            json!({ "sourceUrl": 5 }),
            json!({ "schedule": "* * * *" }),
            json!({ "schedule": "60 * * * *" }),
            json!({ "schedule": "* * * * * * *" }),
            json!({ "schedule": "*/0 * * * *" }),
            json!({ "schedule": "5-1 * * * *" }),
            json!({ "schedule": "0 * 32 * *" }),
            json!({ "schedule": "0 * * foo *" }),
            json!({ "schedule": 5 }),
            json!({ "pageSize": 0 }),
            json!({ "pageSize": 1001 }),
            json!({ "pageSize": 2.5 }),
            json!({ "concurrency": 0 }),
            json!({ "concurrency": 33 }),
            json!({ "batchSize": -1 }),
            json!({ "currencyCode": "us" }),
            json!({ "currencyCode": "u$d" }),
            json!({ "salesChannelId": "" }),
            json!({ "salesChannelId": 3 }),
            json!({ "onMissing": "archive" }),
            json!({ "requestTimeoutMs": 99 }),
            json!({ "maxRetries": 11 }),
            json!({ "maxRetries": true }),
            json!({ "images": "embed" }),
            json!({ "imageMaxBytes": 1023 }),
            json!({ "imageMaxBytes": 104857601 }),
            json!({ "stockLocationId": [] }),
            json!({ "webhookSecret": "  " }),
            json!({ "maxRemovalRatio": -0.1 }),
            json!({ "maxRemovalRatio": 1.01 }),
            json!({ "maxRemovalRatio": "20%" }),
            json!({ "maxRemovalRatio": "NaN" }),
            json!({ "maxRemovalRatio": "inf" }),
            json!({ "maxRemovalRatio": true }),
            json!({ "pageMaxBytes": 65535 }),
            json!({ "pageMaxBytes": 1073741825 }),
            json!({ "maxProducts": 0 }),
            json!({ "maxProducts": 10000001 }),
            json!({ "maxPages": 0 }),
            json!({ "runTimeoutMs": 999 }),
            json!({ "maxImagesPerProduct": -1 }),
            json!({ "maxImagesPerProduct": 1001 }),
            json!({ "imageHosts": "http://10.0.0.5" }),
            json!({ "imageHosts": ["http://10.0.0.5/images"] }),
            json!({ "imageHosts": ["ftp://10.0.0.5"] }),
            json!({ "imageHosts": [5] }),
            json!({ "previewTtlMs": 59_999 }),
            json!({ "previewTtlMs": 604_800_001 }),
            json!({ "previewTtlMs": "1h" }),
            json!({ "pagesize": 30 }),
        ];
        for case in cases {
            let key = case.as_object().unwrap().keys().next().unwrap().clone();
            let error = from_json(case.clone()).expect_err(&format!("{case} must be rejected"));
            assert_eq!(error.option, key, "{case}");
            assert_eq!(error.value, case[&key], "{case}");
            assert!(error.to_string().contains(&format!("\"{key}\"")), "{error}");
        }
    }

    #[test]
    fn cron_accepts_the_usual_syntax() {
        for ok in [
            "0 * * * *",
            "*/10 * * * * *",
            "0 0 1,15 * MON-FRI",
            "0 9-17/2 * jan-jun 1",
            "0 0 ? * 5#3",
            "0 0 L * *",
            "0 0 * * 5L",
            "0 0 * * 7",
            "0-59/15 0 1 12 0",
        ] {
            assert_eq!(validate_cron(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "* * * *",
            "a * * * *",
            "* * * * 8",
            "* * 0 * *",
            "* * * 13 *",
            "1,,2 * * * *",
            "* * * * 1#6",
        ] {
            assert!(validate_cron(bad).is_err(), "{bad}");
        }
    }
}
