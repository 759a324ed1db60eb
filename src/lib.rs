//! # catalog-sync core
//!
//! The decision engine of catalog-sync, a Medusa 2.x plugin that imports the DummyJSON products API.
//!
//! This crate is *sans-IO*: it never performs network or file I/O, never reads a clock and never draws
//! randomness of its own. The JavaScript host (the Medusa plugin) fetches bytes, passes them in together with
//! the current time and seeds, and executes the plans this crate returns. Every decision is therefore
//! deterministic and tested natively.
//!
//! ## Layers
//!
//! The modules form layers, listed here from the bottom up: a module imports only modules of earlier layers,
//! never of its own or a later one (`tests/core_layers.rs` checks it). So the core can be read in this order,
//! and a change to a module can reach only the layers after it.
//!
//! 1. [`model`]: the shared vocabulary — source ids, run errors and their codes, the owned-product rows, the
//!    fingerprints, the scope of a run.
//! 2. [`outbound`]: where requests may go — the origin of a URL, and whether an IP address is public.
//! 3. [`options`], [`retry`], [`webhook`], [`queue`], [`deadline`]: the plugin options and their defaults;
//!    whether and when a failed request is tried again; whether a webhook call is accepted; which ids a queued
//!    run holds; whether a run is past its deadline.
//! 4. [`handles`]: the URL handle of a title, as Medusa makes it, and unique handles for new products.
//! 5. [`source`]: what a source body says — each product validated on its own, the category list.
//! 6. [`paging`]: which source requests a run makes (pages, single products, the category list).
//! 7. [`fetch`], [`taxonomy`], [`images`]: the fetch of a run as a state machine (which request next, whether
//!    an answer is accepted, retried or fails the run); the categories and tags to create before the products;
//!    which images to copy into the store, how each download is judged, which URL a product is written with.
//! 8. [`mapping`]: a valid product as Medusa workflow inputs.
//! 9. [`fingerprint`]: whether a product's content changed since the sync wrote it.
//! 10. [`batching`]: how the writes are cut into workflow calls, and split when Medusa refuses one.
//! 11. [`stock`], [`ledger`], [`removals`]: which inventory levels to create or update; the sync ledger's rows and
//!     the claims made before a create; what happens to products missing upstream — the guard that holds back the
//!     removals of a feed that shrank suddenly, and applying them.
//! 12. [`rows`]: the store's rows of the sync's products as the host reads them — the cheap stamps of every
//!     product, the full rows of a few — and what one row says.
//! 13. [`plan`]: the sync plan — what to create, update, archive or delete, and every problem found — made in
//!     two passes over the source bodies and written in windows.
//! 14. [`report`], [`snapshot`]: the end-of-run report and its status; the store checked against the ledger,
//!     and what to repair first.
//! 15. [`store`], [`lifecycle`], [`changes`]: the store setup before a run (currency, sales channel, stock
//!     location); the life of a run across instances — statuses and transitions, owner and lease, how a run ends,
//!     where it executes, stopping it; what a sync would change, product by product (a preview), whether a preview
//!     may be applied, and where one product stands.
//! 16. [`admin_api`], [`notify`]: what the plugin's admin API answers — a run as the admin sees it, the analytics
//!     of a range of runs, the options as an operator may see them; which ended runs create an admin notification,
//!     and what it says.
//! 17. [`error`]: every error the host can receive, with its stable code and details.
//! 18. [`wasm`]: the boundary — the only module with `wasm-bindgen`; it converts and forwards, and decides
//!     nothing.

pub mod model;

pub mod outbound;

pub mod deadline;
pub mod options;
pub mod queue;
pub mod retry;
pub mod webhook;

pub mod handles;

pub mod source;

pub mod paging;

pub mod fetch;
pub mod images;
pub mod taxonomy;

pub mod mapping;

pub mod fingerprint;

pub mod batching;

pub mod ledger;
pub mod removals;
pub mod stock;

pub mod rows;

pub mod plan;

pub mod report;
pub mod snapshot;

pub mod changes;
pub mod lifecycle;
pub mod store;

pub mod admin_api;
pub mod notify;

pub mod error;

pub mod wasm;
