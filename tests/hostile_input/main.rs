//! Hostile-input tests of the core (issue 11, item 6): the page parser, the webhook check, image format detection
//! and option validation on arbitrary bytes, arbitrary JSON and near-valid inputs (a valid input with one thing
//! changed). For every input: no panic, no allocation beyond a bound linear in the input's size (a counting
//! global allocator measures the peak of every call), and every rejection a coded error whose message names
//! what the API promises.
//!
//! Case counts are small by default (the test command); `.ci/fuzz-core` runs the long mode
//! (`HOSTILE_INPUT_CASES`) and prints each target's figures.
//!
//! Native only: the test binary installs its own global allocator, and the WebAssembly test step runs only
//! `tests/wasm_*.rs`.
#![cfg(not(target_arch = "wasm32"))]

mod allocation;
mod codes;
mod images;
mod json;
mod options;
mod pages;
mod runner;
mod webhook;

#[global_allocator]
static ALLOCATOR: allocation::CountingAllocator = allocation::CountingAllocator;
