//! The allocator in WebAssembly: Talc (faster than the default dlmalloc on this workload of many small
//! strings), wrapped so that WebAssembly memory grows geometrically.
//!
//! Talc grows memory by just what the failing allocation needs, often one 64 KiB page; planning 100,000
//! products then makes thousands of `memory.grow` calls, and in V8 each is slow enough that the first large
//! plan takes twice as long as the next ones. Whenever Talc has just grown memory, this wrapper allocates and
//! frees a block of half the memory's size, so Talc claims that room in one step and reuses it afterwards.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32::memory_size;

/// Bytes in one WebAssembly memory page.
const PAGE: usize = 64 * 1024;
/// The largest extra room claimed in one step.
const MAX_STEP: usize = 512 * 1024 * 1024;

/// Talc with geometric growth.
pub struct GrowingTalc(talc::wasm::WasmDynamicTalc);

impl GrowingTalc {
    /// After an allocation that grew memory from `before` pages, claims room for the next ones.
    unsafe fn claim_ahead(&self, before: usize) {
        let now = memory_size(0);
        if now <= before {
            return;
        }
        let step = (now * PAGE / 2).min(MAX_STEP);
        if let Ok(layout) = Layout::from_size_align(step, PAGE) {
            let block = self.0.alloc(layout);
            if !block.is_null() {
                self.0.dealloc(block, layout);
            }
        }
    }
}

// SAFETY: every call is forwarded to Talc unchanged; `claim_ahead` only allocates and frees a block of
// its own through the same allocator.
unsafe impl GlobalAlloc for GrowingTalc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let before = memory_size(0);
        let pointer = self.0.alloc(layout);
        self.claim_ahead(before);
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let before = memory_size(0);
        let pointer = self.0.alloc_zeroed(layout);
        self.claim_ahead(before);
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        self.0.dealloc(pointer, layout)
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let before = memory_size(0);
        let moved = self.0.realloc(pointer, layout, new_size);
        self.claim_ahead(before);
        moved
    }
}

/// The global allocator of the WebAssembly build.
#[global_allocator]
static ALLOCATOR: GrowingTalc = GrowingTalc(talc::wasm::new_wasm_dynamic_allocator());
