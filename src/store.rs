//! Store setup: what the store needs before the sync writes (its currency, sales channel and stock location).
//!
//! The host reads the store, its sales channels and its stock locations with Query; [`plan_store_setup`] decides:
//! * the sync's currency is added to the store's currencies when it is missing (the first currency of a store
//!   without any becomes the default);
//! * the sales channel is the `salesChannelId` option's (which must exist) or the store's default channel;
//! * the stock location is the `stockLocationId` option's (which must exist) or the sync's own, named
//!   [`CATALOG_STOCK_LOCATION_NAME`]: the oldest location with that name, created when there is none, and linked
//!   to the sales channel when it is not (so the stock is sellable there).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::CoreErrorCode;
use crate::options::SyncOptions;
use crate::rows::IdRow;

/// Name of the stock location the sync creates when the `stockLocationId` option is not set.
pub const CATALOG_STOCK_LOCATION_NAME: &str = "Catalog sync";

/// A currency of the store: `{ currency_code, is_default, is_tax_inclusive }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StoreCurrency {
    /// Lowercase currency code.
    pub currency_code: String,
    /// Whether it is the store's default currency.
    #[serde(default)]
    pub is_default: bool,
    /// Whether its prices include tax.
    #[serde(default)]
    pub is_tax_inclusive: bool,
}

/// The store, as Query reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StoreRow {
    /// Store id.
    pub id: String,
    /// The store's default sales channel.
    #[serde(default)]
    pub default_sales_channel_id: Option<String>,
    /// Its currencies.
    #[serde(default)]
    #[ts(type = "StoreCurrency[] | null")]
    pub supported_currencies: Option<Vec<StoreCurrency>>,
}

/// A stock location, as Query reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StockLocationRow {
    /// Location id.
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub name: Option<String>,
    /// When it was created (ISO 8601).
    #[serde(default)]
    pub created_at: Option<String>,
    /// The sales channels it is linked to.
    #[serde(default)]
    #[ts(type = "IdRow[] | null")]
    pub sales_channels: Option<Vec<IdRow>>,
}

/// Input of [`plan_store_setup`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StoreSetupInput {
    /// Validated plugin options.
    pub options: SyncOptions,
    /// The store (`null` before Medusa created it).
    pub store: Option<StoreRow>,
    /// Every sales channel of the store (ids).
    pub sales_channels: Vec<IdRow>,
    /// Every stock location of the store.
    pub stock_locations: Vec<StockLocationRow>,
}

/// The stock location to use, or the one to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "lowercase")]
#[ts(export)]
pub enum StockLocationChoice {
    /// Use this existing location.
    Use {
        /// Location id.
        id: String,
    },
    /// Create a location with this name (`createStockLocationsWorkflow`).
    Create {
        /// Its name.
        name: String,
    },
}

/// What to set up before the writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StoreSetup {
    /// The store's id.
    pub store_id: String,
    /// The store's new currency list (`updateStoresWorkflow`), when the sync's currency is missing; else `null`.
    pub supported_currencies: Option<Vec<StoreCurrency>>,
    /// The sales channel products are published in (`null`: the store has none).
    pub sales_channel_id: Option<String>,
    /// The stock location of the stock levels.
    pub stock_location: StockLocationChoice,
    /// Whether to link the stock location to the sales channel (`linkSalesChannelsToStockLocationWorkflow`).
    pub link_stock_location: bool,
    /// Whether the setup writes anything (a currency, a location or a link). `false` on every run after the first:
    /// the host then only hands the ids on.
    pub writes: bool,
}

/// Why the store cannot be synced into.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreSetupError {
    /// Medusa has not created its store yet.
    #[error("catalog-sync: the Medusa store does not exist yet")]
    NoStore,
    /// The `salesChannelId` option names a channel the store does not have.
    #[error("catalog-sync: sales channel \"{0}\" (option \"salesChannelId\") does not exist")]
    UnknownSalesChannel(String),
    /// The `stockLocationId` option names a location the store does not have.
    #[error("catalog-sync: stock location \"{0}\" (option \"stockLocationId\") does not exist")]
    UnknownStockLocation(String),
}

impl StoreSetupError {
    /// Stable error code: `STORE_NOT_READY` or `UNKNOWN_SALES_CHANNEL` / `UNKNOWN_STOCK_LOCATION`.
    pub fn code(&self) -> CoreErrorCode {
        match self {
            StoreSetupError::NoStore => CoreErrorCode::StoreNotReady,
            StoreSetupError::UnknownSalesChannel(_) => CoreErrorCode::UnknownSalesChannel,
            StoreSetupError::UnknownStockLocation(_) => CoreErrorCode::UnknownStockLocation,
        }
    }

    /// Structured details: `{ option, value }` for an unknown channel or location.
    pub fn details(&self) -> serde_json::Value {
        match self {
            StoreSetupError::NoStore => serde_json::json!({}),
            StoreSetupError::UnknownSalesChannel(id) => {
                serde_json::json!({ "option": "salesChannelId", "value": id })
            }
            StoreSetupError::UnknownStockLocation(id) => {
                serde_json::json!({ "option": "stockLocationId", "value": id })
            }
        }
    }
}

/// Plans the store setup; see the module documentation.
///
/// ```
/// use catalog_sync::options::SyncOptions;
/// use catalog_sync::store::*;
/// let setup = plan_store_setup(&StoreSetupInput {
///     options: SyncOptions::default(),
///     store: Some(StoreRow { id: "store_1".into(), default_sales_channel_id: Some("sc_1".into()),
///         supported_currencies: Some(vec![StoreCurrency { currency_code: "eur".into(), is_default: true, is_tax_inclusive: false }]) }),
///     sales_channels: vec![],
///     stock_locations: vec![],
/// }).unwrap();
/// assert_eq!(setup.supported_currencies.unwrap().len(), 2); // eur + usd
/// assert_eq!(setup.stock_location, StockLocationChoice::Create { name: "Catalog sync".into() });
/// assert!(setup.link_stock_location);
/// ```
pub fn plan_store_setup(input: &StoreSetupInput) -> Result<StoreSetup, StoreSetupError> {
    let store = input.store.as_ref().ok_or(StoreSetupError::NoStore)?;
    let options = &input.options;
    let currencies = store.supported_currencies.clone().unwrap_or_default();
    let supported_currencies = (!currencies
        .iter()
        .any(|currency| currency.currency_code == options.currency_code))
    .then(move || {
        let is_default = currencies.is_empty();
        let mut list = currencies;
        list.push(StoreCurrency {
            currency_code: options.currency_code.clone(),
            is_default,
            is_tax_inclusive: false,
        });
        list
    });
    let sales_channel_id = match &options.sales_channel_id {
        None => store.default_sales_channel_id.clone(),
        Some(id) if input.sales_channels.iter().any(|channel| &channel.id == id) => {
            Some(id.clone())
        }
        Some(id) => return Err(StoreSetupError::UnknownSalesChannel(id.clone())),
    };
    let (stock_location, link_stock_location) = match &options.stock_location_id {
        Some(id)
            if input
                .stock_locations
                .iter()
                .any(|location| &location.id == id) =>
        {
            (StockLocationChoice::Use { id: id.clone() }, false)
        }
        Some(id) => return Err(StoreSetupError::UnknownStockLocation(id.clone())),
        None => {
            let ours = input
                .stock_locations
                .iter()
                .filter(|location| location.name.as_deref() == Some(CATALOG_STOCK_LOCATION_NAME))
                .min_by(|a, b| {
                    a.created_at
                        .cmp(&b.created_at)
                        .then_with(|| a.id.cmp(&b.id))
                });
            match ours {
                Some(location) => {
                    let linked = location
                        .sales_channels
                        .iter()
                        .flatten()
                        .any(|channel| Some(&channel.id) == sales_channel_id.as_ref());
                    (
                        StockLocationChoice::Use {
                            id: location.id.clone(),
                        },
                        sales_channel_id.is_some() && !linked,
                    )
                }
                None => (
                    StockLocationChoice::Create {
                        name: CATALOG_STOCK_LOCATION_NAME.to_string(),
                    },
                    sales_channel_id.is_some(),
                ),
            }
        }
    };
    let writes = supported_currencies.is_some()
        || matches!(stock_location, StockLocationChoice::Create { .. })
        || link_stock_location;
    Ok(StoreSetup {
        store_id: store.id.clone(),
        supported_currencies,
        sales_channel_id,
        stock_location,
        link_stock_location,
        writes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn currency(code: &str, is_default: bool) -> StoreCurrency {
        StoreCurrency {
            currency_code: code.to_string(),
            is_default,
            is_tax_inclusive: true,
        }
    }

    fn location(id: &str, name: &str, created_at: &str, channels: &[&str]) -> StockLocationRow {
        StockLocationRow {
            id: id.to_string(),
            name: Some(name.to_string()),
            created_at: Some(created_at.to_string()),
            sales_channels: Some(
                channels
                    .iter()
                    .map(|id| IdRow { id: id.to_string() })
                    .collect(),
            ),
        }
    }

    fn input(options: SyncOptions, locations: Vec<StockLocationRow>) -> StoreSetupInput {
        StoreSetupInput {
            options,
            store: Some(StoreRow {
                id: "store_1".to_string(),
                default_sales_channel_id: Some("sc_default".to_string()),
                supported_currencies: Some(vec![currency("eur", true), currency("usd", false)]),
            }),
            sales_channels: vec![
                IdRow {
                    id: "sc_default".to_string(),
                },
                IdRow {
                    id: "sc_other".to_string(),
                },
            ],
            stock_locations: locations,
        }
    }

    #[test]
    fn a_present_currency_is_kept_a_missing_one_added_without_touching_the_others() {
        let setup = plan_store_setup(&input(SyncOptions::default(), vec![])).unwrap();
        assert_eq!(setup.supported_currencies, None);
        let gbp = SyncOptions {
            currency_code: "gbp".to_string(),
            ..SyncOptions::default()
        };
        let setup = plan_store_setup(&input(gbp.clone(), vec![])).unwrap();
        assert!(setup.writes, "a currency to add is a write");
        assert_eq!(
            setup.supported_currencies,
            Some(vec![
                currency("eur", true),
                currency("usd", false),
                StoreCurrency {
                    currency_code: "gbp".to_string(),
                    is_default: false,
                    is_tax_inclusive: false
                }
            ])
        );
        let mut empty = input(gbp, vec![]);
        empty.store.as_mut().unwrap().supported_currencies = None;
        let first = plan_store_setup(&empty)
            .unwrap()
            .supported_currencies
            .unwrap();
        assert!(
            first[0].is_default,
            "a store's first currency is its default"
        );
    }

    #[test]
    fn the_oldest_catalog_location_is_used_and_linked_when_it_is_not() {
        let locations = vec![
            location(
                "sloc_b",
                CATALOG_STOCK_LOCATION_NAME,
                "2026-02-01T00:00:00.000Z",
                &[],
            ),
            location(
                "sloc_a",
                CATALOG_STOCK_LOCATION_NAME,
                "2026-01-01T00:00:00.000Z",
                &["sc_default"],
            ),
            location("sloc_w", "Warehouse", "2025-01-01T00:00:00.000Z", &[]),
        ];
        let setup = plan_store_setup(&input(SyncOptions::default(), locations.clone())).unwrap();
        assert_eq!(
            setup.stock_location,
            StockLocationChoice::Use {
                id: "sloc_a".into()
            }
        );
        assert!(!setup.link_stock_location, "already linked");
        assert!(
            !setup.writes,
            "a location in use and linked, the currency present: nothing to write"
        );
        let other = SyncOptions {
            sales_channel_id: Some("sc_other".to_string()),
            ..SyncOptions::default()
        };
        let setup = plan_store_setup(&input(other, locations)).unwrap();
        assert_eq!(setup.sales_channel_id.as_deref(), Some("sc_other"));
        assert!(
            setup.link_stock_location,
            "linked to the configured channel"
        );
        assert!(setup.writes, "the link is a write");
    }

    #[test]
    fn configured_ids_must_exist_and_a_configured_location_is_not_linked() {
        let warehouse = vec![location(
            "sloc_w",
            "Warehouse",
            "2025-01-01T00:00:00.000Z",
            &[],
        )];
        let configured = SyncOptions {
            stock_location_id: Some("sloc_w".to_string()),
            ..SyncOptions::default()
        };
        let setup = plan_store_setup(&input(configured, warehouse.clone())).unwrap();
        assert_eq!(
            setup.stock_location,
            StockLocationChoice::Use {
                id: "sloc_w".into()
            }
        );
        assert!(
            !setup.link_stock_location,
            "the operator's location is left as configured"
        );
        let missing = SyncOptions {
            stock_location_id: Some("sloc_x".to_string()),
            ..SyncOptions::default()
        };
        let error = plan_store_setup(&input(missing, warehouse.clone())).unwrap_err();
        assert_eq!(error.code().as_str(), "UNKNOWN_STOCK_LOCATION");
        assert!(error
            .to_string()
            .contains("\"sloc_x\" (option \"stockLocationId\")"));
        let channel = SyncOptions {
            sales_channel_id: Some("sc_x".to_string()),
            ..SyncOptions::default()
        };
        let error = plan_store_setup(&input(channel, warehouse)).unwrap_err();
        assert_eq!(error.code().as_str(), "UNKNOWN_SALES_CHANNEL");
        let mut no_store = input(SyncOptions::default(), vec![]);
        no_store.store = None;
        assert_eq!(
            plan_store_setup(&no_store).unwrap_err(),
            StoreSetupError::NoStore
        );
    }

    #[test]
    fn a_store_without_channel_gets_a_location_but_no_link() {
        let mut bare = input(SyncOptions::default(), vec![]);
        bare.store.as_mut().unwrap().default_sales_channel_id = None;
        let setup = plan_store_setup(&bare).unwrap();
        assert_eq!(setup.sales_channel_id, None);
        assert!(matches!(
            setup.stock_location,
            StockLocationChoice::Create { .. }
        ));
        assert!(!setup.link_stock_location);
        assert!(setup.writes, "a location to create is a write");
    }
}
