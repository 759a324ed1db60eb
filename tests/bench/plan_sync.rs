//! Native benchmark of `plan_sync` (parse + validate + map + diff + batch), driven by `.ci/bench-core`.
//!
//! Usage: `cargo bench --bench plan_sync -- <catalog.json> <iterations>`, where the file holds
//! `{ pages: string[], categories: ExistingCategory[], tags: ExistingTag[] }` (written by `.ci/bench-core`).
//! Prints one JSON line: `{ products, iterations, minMs, medianMs, peakRssKb }`, where the times are of
//! `plan_sync` alone on the already-decoded input (parse the page bodies + validate + map + plan), the work
//! that WebAssembly `planCatalog` + `summary()` does after converting the input.

use std::time::Instant;

use catalog_sync::model::SyncScope;
use catalog_sync::options::SyncOptions;
use catalog_sync::plan::{plan_sync, PlanInput};
use catalog_sync::taxonomy::{ExistingCategory, ExistingTag};
use serde::Deserialize;

/// The benchmark catalog file.
#[derive(Deserialize)]
struct Catalog {
    pages: Vec<String>,
    categories: Vec<ExistingCategory>,
    tags: Vec<ExistingTag>,
}

/// Peak resident set size of this process in KB (`VmHWM` of /proc/self/status; 0 when unavailable).
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let path = args
        .first()
        .ok_or("usage: plan_sync <catalog.json> [iterations]")?;
    let iterations: usize = args
        .get(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(5)
        .max(1);
    let catalog: Catalog = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let input = PlanInput {
        options: SyncOptions {
            page_size: 100,
            ..SyncOptions::default()
        },
        pages: catalog.pages,
        products: None,
        not_found_ids: None,
        scope: SyncScope::Full,
        categories: catalog.categories,
        tags: catalog.tags,
        owned: Vec::new(),
        recorded: Vec::new(),
        inventory_items: Vec::new(),
        taken_handles: Vec::new(),
        sales_channel_id: Some("sc_bench".to_string()),
        stock_location_id: Some("sloc_bench".to_string()),
        stored_images: Vec::new(),
        image_failures: Vec::new(),
    };
    let mut times = Vec::with_capacity(iterations);
    let mut products = 0;
    for _ in 0..iterations {
        let started = Instant::now();
        let plan = plan_sync(&input);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        products = plan.counts.to_create;
        if plan.counts.rejected > 0 {
            return Err(format!(
                "{} products rejected: {:?}",
                plan.counts.rejected,
                plan.errors.first()
            )
            .into());
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{}",
        serde_json::json!({
            "products": products,
            "iterations": iterations,
            "minMs": times[0],
            "medianMs": times[times.len() / 2],
            "peakRssKb": peak_rss_kb(),
        })
    );
    Ok(())
}
