//! # catalog-sync core
//!
//! The decision engine of catalog-sync, a Medusa 2.x plugin that imports the DummyJSON products API.
//!
//! This crate is *sans-IO*: it never performs network or file I/O, never reads a clock and never draws
//! randomness of its own. The JavaScript host (the Medusa plugin) fetches bytes, passes them in together with
//! the current time and seeds, and executes the plans this crate returns. Every decision is therefore
//! deterministic and tested natively.
//!
//! Core modules contain no `wasm-bindgen`; [`wasm`] is the one boundary module that exports them.

pub mod batching;
pub mod error;
pub mod fingerprint;
pub mod handles;
pub mod images;
pub mod mapping;
pub mod model;
pub mod options;
pub mod paging;
pub mod plan;
pub mod queue;
pub mod report;
pub mod retry;
pub mod snapshot;
pub mod source;
pub mod stock;
pub mod store;
pub mod taxonomy;
pub mod wasm;
pub mod webhook;
