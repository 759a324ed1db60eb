//! The end-of-run report.
//!
//! [`summarize_run`] folds a [`SyncPlan`](crate::plan::SyncPlan)'s outcome and the host's per-batch results into a [`RunReport`].

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::batching::{WriteBatch, WriteKind};
use crate::deadline::RunTimeout;
use crate::fetch::FetchStats;
use crate::images::ImageStats;
use crate::model::{RunError, RunErrorCode, SourceId};
use crate::plan::PlanCounts;
use crate::removals::HeldRemoval;
use crate::stock::StockPlan;

/// What the host reports back after executing one [`WriteBatch`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BatchResult {
    /// Kind of the executed batch.
    pub kind: WriteKind,
    /// Index of the executed batch (halves produced by `splitBatch` keep their parent's index).
    pub index: usize,
    /// Number of products written successfully.
    pub written: usize,
    /// Source ids of the products Medusa refused.
    #[ts(type = "Array<number>")]
    pub failed_source_ids: Vec<SourceId>,
    /// Errors the host already built for the refused products (e.g. with `writeErrorFor`); refused products
    /// without an entry here get a generic `WRITE_FAILED` error in the report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<RunError>,
}

/// Overall outcome of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum RunStatus {
    /// Everything fetched was valid and written.
    Success,
    /// Some products were rejected or refused, or the fetch was incomplete; the rest went through.
    Partial,
    /// Nothing could be synced: no valid product at all, or every write was refused.
    Failed,
}

/// Counts of a finished run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunCounts {
    /// Product entries received from the source.
    pub fetched: usize,
    /// Products created in Medusa.
    pub created: usize,
    /// Products updated in Medusa.
    pub updated: usize,
    /// Owned products completed in Medusa (given the variant, price set or inventory item they lacked).
    pub completed: usize,
    /// Products already up to date.
    pub unchanged: usize,
    /// Products missing upstream that were left as they are (`onMissing: "keep"`, already drafts, or removals
    /// skipped because the fetch cannot be trusted).
    pub kept: usize,
    /// Products set to draft because they disappeared upstream.
    pub archived: usize,
    /// Products deleted (disappeared upstream with `onMissing: "delete"`, or duplicates).
    pub deleted: usize,
    /// Products rejected by validation.
    pub rejected: usize,
    /// Products Medusa refused to write (their product, or their stock level).
    pub failed: usize,
    /// Stock levels of products the sync already owned, created or updated at its stock location (a product
    /// created in the run gets its level together with its inventory item).
    pub stock_levels: usize,
    /// Images stored through Medusa's File module.
    pub images_uploaded: usize,
    /// Images recorded from a file already stored with the same bytes.
    pub images_reused: usize,
}

/// The end-of-run report stored by the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunReport {
    /// Overall outcome.
    pub status: RunStatus,
    /// What happened, in numbers.
    pub counts: RunCounts,
    /// Every problem: the plan's errors followed by write failures. Notices (`RunError::is_notice`) are listed
    /// too.
    pub errors: Vec<RunError>,
    /// The removals the guard held back, for an operator to apply (see [`crate::removals`]).
    pub held_removals: Vec<HeldRemoval>,
}

/// The parts of an executed plan a report is made from. A [`SyncPlan`](crate::plan::SyncPlan) and a `CatalogPlanSummary` both have
/// them (their other fields are ignored), so the host can summarize from the plan's summary alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanOutcome {
    /// Counts, as `SyncPlan.counts`.
    pub counts: PlanCounts,
    /// Every problem the plan found, as `SyncPlan.errors`.
    pub errors: Vec<RunError>,
    /// The removals the guard held back, as `SyncPlan.heldRemovals`.
    #[serde(rename = "heldRemovals", default)]
    #[ts(optional, as = "Option<Vec<HeldRemoval>>")]
    pub held_removals: Vec<HeldRemoval>,
}

/// Input of [`summarize_run`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SummarizeInput {
    /// The executed plan's counts and errors (a whole `SyncPlan` will do).
    pub plan: PlanOutcome,
    /// One result per executed batch (or batch half), stock batches included.
    pub results: Vec<BatchResult>,
    /// Fetch figures.
    pub fetch: FetchStats,
    /// The stock plan, when one was made (its errors join the report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub stock: Option<StockPlan>,
    /// Image copy figures (`images: "upload"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub images: Option<ImageStats>,
    /// The deadline the run reached while writing (`checkRunDeadline`), if it stopped early: its error joins
    /// the report, and the run is `partial` when some products were written, `failed` otherwise.
    #[serde(default, rename = "timedOut", skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub timed_out: Option<RunTimeout>,
}

/// A batch Medusa refused and Medusa's message (the input of the host's `writeErrorFor`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WriteErrorInput {
    /// The refused batch.
    pub batch: WriteBatch,
    /// Medusa's error message.
    pub message: String,
}

/// Builds one `WRITE_FAILED` error per product of `batch`, for when Medusa refused it with `message`.
///
/// Meant for a single-product batch that [`crate::batching::split_batch`] cannot split further, but works
/// for any batch.
pub fn write_error_for(batch: &WriteBatch, message: &str) -> Vec<RunError> {
    let action = batch.kind().verb();
    let product_ids: &[String] = match batch {
        WriteBatch::Archive { product_ids, .. } | WriteBatch::Delete { product_ids, .. } => {
            product_ids
        }
        WriteBatch::Create { .. }
        | WriteBatch::Update { .. }
        | WriteBatch::Complete { .. }
        | WriteBatch::Stock { .. } => &[],
    };
    batch
        .source_ids()
        .into_iter()
        .enumerate()
        .map(|(position, source_id)| {
            let who = match (source_id, product_ids.get(position)) {
                (Some(id), _) => format!("product {id}"),
                (None, Some(product_id)) => format!("store product {product_id}"),
                (None, None) => "a product".to_string(),
            };
            RunError::new(
                source_id,
                None,
                RunErrorCode::WriteFailed,
                format!("{who}: Medusa refused to {action} it: {message}"),
            )
        })
        .collect()
}

/// Folds the plan and the batch results into the run report.
///
/// Status: `failed` when there was something to sync but nothing got through (no valid product at all and a
/// problem reported, or product writes were planned and every one was refused); `partial` when any product was
/// rejected or refused (its product or its stock level), or the plan, the stock plan or the image copy reported
/// any other problem (incomplete fetch, duplicate ids, removals held back, an image kept at its source URL), or
/// fewer pages were fetched than the catalog has; `success` otherwise. Notices (`RunError::is_notice`: a
/// removal left to the next full sync, a held removal skipped) are reported but make no run `partial` or
/// `failed`. A run that reached its deadline ([`SummarizeInput::timed_out`]) is `failed` when it wrote no
/// product, `partial` otherwise.
pub fn summarize_run(input: &SummarizeInput) -> RunReport {
    let plan = &input.plan;
    let mut counts = RunCounts {
        fetched: plan.counts.fetched,
        unchanged: plan.counts.unchanged,
        kept: plan.counts.kept,
        rejected: plan.counts.rejected,
        ..RunCounts::default()
    };
    let mut errors = plan.errors.clone();
    if let Some(stock) = &input.stock {
        errors.extend(stock.errors.iter().cloned());
    }
    if let Some(images) = &input.images {
        counts.images_uploaded = images.uploaded;
        counts.images_reused = images.reused;
    }
    let mut failed_ids = BTreeSet::new();
    let mut refused_product_writes = 0;
    let mut explained: BTreeSet<(WriteKind, SourceId)> = BTreeSet::new();
    for result in &input.results {
        match result.kind {
            WriteKind::Create => counts.created += result.written,
            WriteKind::Update => counts.updated += result.written,
            WriteKind::Complete => counts.completed += result.written,
            WriteKind::Archive => counts.archived += result.written,
            WriteKind::Delete => counts.deleted += result.written,
            WriteKind::Stock => counts.stock_levels += result.written,
        }
        for error in &result.errors {
            if let Some(id) = error.source_id {
                explained.insert((result.kind, id));
            }
            errors.push(error.clone());
        }
        if result.kind != WriteKind::Stock {
            refused_product_writes += result.failed_source_ids.len();
        }
        for &id in &result.failed_source_ids {
            failed_ids.insert(id);
            if explained.insert((result.kind, id)) {
                errors.push(RunError::new(
                    Some(id),
                    None,
                    RunErrorCode::WriteFailed,
                    format!(
                        "product {id}: Medusa refused to {} it (batch {})",
                        result.kind.verb(),
                        result.index
                    ),
                ));
            }
        }
    }
    counts.failed = failed_ids.len();
    let written =
        counts.created + counts.updated + counts.completed + counts.archived + counts.deleted;
    let nothing_valid = plan.counts.valid == 0 && plan.errors.iter().any(|e| !e.is_notice());
    let all_refused = written == 0 && refused_product_writes > 0;
    let pages_missing = input.fetch.pages_fetched < input.fetch.pages_total;
    if let Some(timeout) = &input.timed_out {
        errors.push(timeout.run_error());
    }
    let timed_out_empty = input.timed_out.is_some() && written == 0;
    let status = if nothing_valid || all_refused || timed_out_empty {
        RunStatus::Failed
    } else if counts.failed > 0 || errors.iter().any(|e| !e.is_notice()) || pages_missing {
        RunStatus::Partial
    } else {
        RunStatus::Success
    };
    RunReport {
        status,
        counts,
        errors,
        held_removals: plan.held_removals.clone(),
    }
}
