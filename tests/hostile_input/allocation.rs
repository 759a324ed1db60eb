//! A counting global allocator: the peak of the bytes a call holds at once, on the calling thread.
//!
//! Every test thread counts its own allocations (thread-local counters), so tests running side by side do not
//! see each other's memory. A `realloc` is counted as the new block allocated before the old one is freed, as a
//! moving reallocation holds both: the peak is an upper bound of what the call needed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting the bytes each thread holds.
pub struct CountingAllocator;

thread_local! {
    /// Bytes this thread holds now (allocated minus freed; freeing blocks of other threads can make it negative).
    static HELD: Cell<isize> = const { Cell::new(0) };
    /// The highest `HELD` since the last [`peak_during`] started.
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn held_more(bytes: usize) {
    let held = HELD
        .get()
        .saturating_add(isize::try_from(bytes).unwrap_or(isize::MAX));
    HELD.set(held);
    if held > PEAK.get() {
        PEAK.set(held);
    }
}

fn held_less(bytes: usize) {
    HELD.set(
        HELD.get()
            .saturating_sub(isize::try_from(bytes).unwrap_or(isize::MAX)),
    );
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counters are plain thread-locals
// without destructors, which never allocate.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let block = System.alloc(layout);
        if !block.is_null() {
            held_more(layout.size());
        }
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let block = System.alloc_zeroed(layout);
        if !block.is_null() {
            held_more(layout.size());
        }
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        System.dealloc(block, layout);
        held_less(layout.size());
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = System.realloc(block, layout, new_size);
        if !moved.is_null() {
            held_more(new_size);
            held_less(layout.size());
        }
        moved
    }
}

/// Runs `call` and returns its result with the most bytes it held at once beyond what the thread held before
/// (its result included, as it is still held when the call returns).
pub fn peak_during<R>(call: impl FnOnce() -> R) -> (R, usize) {
    let before = HELD.get();
    PEAK.set(before);
    let result = call();
    let peak = PEAK.get().saturating_sub(before);
    (result, usize::try_from(peak).unwrap_or(0))
}
