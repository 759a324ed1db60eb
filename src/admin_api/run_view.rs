//! A run as the admin API returns it ([`RunView`]), shaped from its stored record ([`RunRecord`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::changes::ChangeCounts;
use crate::lifecycle::{RunOwner, SyncRunStatus};
use crate::model::{RunError, SourceId};
use crate::removals::HeldRemoval;
use crate::report::RunCounts;

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SyncTrigger {
    /// The scheduled job.
    Schedule,
    /// An operator's "Sync Now" (or `POST /admin/sync/trigger`).
    Manual,
    /// A signed webhook call naming products that changed upstream.
    Webhook,
    /// An operator's "Apply removals": it applies the removals another run held back, and nothing else.
    ApplyRemovals,
    /// An operator's "Preview changes": it fetches and plans, and writes nothing to the catalog.
    Preview,
    /// An operator's "Apply" on a preview: a sync that writes the previewed plan, or nothing.
    ApplyPreview,
}

impl SyncTrigger {
    /// Every trigger.
    pub const ALL: &'static [SyncTrigger] = &[
        SyncTrigger::Schedule,
        SyncTrigger::Manual,
        SyncTrigger::Webhook,
        SyncTrigger::ApplyRemovals,
        SyncTrigger::Preview,
        SyncTrigger::ApplyPreview,
    ];

    /// Whether a run with this trigger fetches and syncs the catalog (every trigger but `apply_removals` and
    /// `preview`, which writes nothing).
    pub fn syncs_catalog(self) -> bool {
        !matches!(self, SyncTrigger::ApplyRemovals | SyncTrigger::Preview)
    }
}

/// The statuses and triggers a run record may hold, and the sets the host filters runs by: its database enums and
/// queries use these lists, so that they never drift from the core's types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RunVocabulary {
    /// Every status, in life-cycle order.
    pub statuses: Vec<SyncRunStatus>,
    /// The statuses of a run that has ended (final figures).
    pub ended_statuses: Vec<SyncRunStatus>,
    /// Every trigger.
    pub triggers: Vec<SyncTrigger>,
    /// The triggers of runs that fetch and sync the catalog.
    pub catalog_triggers: Vec<SyncTrigger>,
    /// The statuses of the runs the analytics count: the ended ones but `cancelled` (an operator stopped it: its
    /// duration and throughput say where, not how the sync went).
    pub analyzed_statuses: Vec<SyncRunStatus>,
    /// The triggers of the runs the analytics count: every one but `preview` (it writes nothing).
    pub analyzed_triggers: Vec<SyncTrigger>,
    /// The names of a run's counts ([`RunCounts`]), sorted: one number column each on the run record.
    #[ts(type = "Array<keyof RunCounts>")]
    pub count_columns: Vec<String>,
}

/// The statuses and triggers of runs, and the sets the host filters by.
///
/// ```
/// let vocabulary = catalog_sync::admin_api::run_vocabulary();
/// assert_eq!(vocabulary.statuses.len(), 7);
/// assert_eq!(vocabulary.ended_statuses.len(), 5);
/// assert_eq!(vocabulary.catalog_triggers.len(), 4);
/// assert_eq!((vocabulary.analyzed_statuses.len(), vocabulary.analyzed_triggers.len()), (4, 5));
/// assert!(vocabulary.count_columns.contains(&"images_reused".to_string()));
/// assert_eq!(vocabulary.count_columns.len(), 13);
/// ```
pub fn run_vocabulary() -> RunVocabulary {
    RunVocabulary {
        statuses: SyncRunStatus::ALL.to_vec(),
        ended_statuses: SyncRunStatus::ALL
            .iter()
            .copied()
            .filter(|status| status.is_ended())
            .collect(),
        triggers: SyncTrigger::ALL.to_vec(),
        catalog_triggers: SyncTrigger::ALL
            .iter()
            .copied()
            .filter(|trigger| trigger.syncs_catalog())
            .collect(),
        analyzed_statuses: SyncRunStatus::ALL
            .iter()
            .copied()
            .filter(|status| status.is_ended() && *status != SyncRunStatus::Cancelled)
            .collect(),
        analyzed_triggers: SyncTrigger::ALL
            .iter()
            .copied()
            .filter(|trigger| *trigger != SyncTrigger::Preview)
            .collect(),
        count_columns: count_columns(),
    }
}

/// The names of [`RunCounts`]' fields (as serialized), sorted.
fn count_columns() -> Vec<String> {
    // A struct of numbers always serializes to an object.
    match serde_json::to_value(RunCounts::default()) {
        Ok(serde_json::Value::Object(fields)) => fields.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// Live progress of a run, stored on its record while it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunProgress {
    /// The phase the run is in (`starting`, `fetch`, `taxonomy`, `snapshot`, `plan`, `write`, `done`).
    pub phase: String,
    /// Listing pages fetched so far.
    pub pages_fetched: usize,
    /// Listing pages the run fetches in all, once known.
    pub pages_total: Option<usize>,
    /// Products written so far.
    pub products_written: usize,
    /// Products the plan writes, once planned.
    pub products_planned: Option<usize>,
}

/// Milliseconds spent in each phase of a run, by phase name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PhaseTimings(pub BTreeMap<String, f64>);

/// The product ids of a targeted run, as stored (`{ ids: [...] }`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductIdList {
    /// Source product ids.
    #[ts(type = "number[]")]
    pub ids: Vec<SourceId>,
}

/// A stored run, as the host reads it from `catalog_sync_run` (dates as ISO 8601 text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunRecord {
    /// The run id (`csrun_…`).
    pub id: String,
    /// What started it.
    pub trigger: SyncTrigger,
    /// Its status.
    pub status: SyncRunStatus,
    /// When it started; for a queued run, when it was queued.
    pub started_at: String,
    /// When it ended.
    pub finished_at: Option<String>,
    /// How long it took, in milliseconds.
    pub duration_ms: Option<f64>,
    /// Its counts (zero until it ends).
    #[serde(flatten)]
    pub counts: RunCounts,
    /// Source requests made, retries included.
    pub requests: usize,
    /// Source requests tried again.
    pub retries: usize,
    /// Milliseconds per phase.
    pub phase_timings: Option<PhaseTimings>,
    /// Live progress.
    pub progress: Option<RunProgress>,
    /// Why it failed, when it did.
    pub error_message: Option<String>,
    /// Per-product problems.
    pub errors: Option<Vec<RunError>>,
    /// Source product ids of a targeted run.
    pub product_ids: Option<ProductIdList>,
    /// The process that runs (or ran) it.
    pub owner: Option<RunOwner>,
    /// Its last sign of life, by the database's clock.
    pub heartbeat_at: Option<String>,
    /// For an interrupted webhook run: the queued run its product ids went into again.
    pub requeued_run_id: Option<String>,
    /// The removals the guard held back.
    pub held_removals: Option<Vec<HeldRemoval>>,
    /// The run that applied them.
    pub removals_applied_by: Option<String>,
    /// For an `apply_removals` run: the run whose held removals it applies.
    pub removals_of: Option<String>,
    /// When an operator asked to stop the run.
    #[serde(default)]
    #[ts(optional)]
    pub cancel_requested_at: Option<String>,
    /// For a preview: the number of products of each kind of change.
    #[serde(default)]
    #[ts(optional)]
    pub change_counts: Option<ChangeCounts>,
    /// For a preview: the `apply_preview` run that applies it.
    #[serde(default)]
    #[ts(optional)]
    pub preview_applied_by: Option<String>,
    /// For an `apply_preview` run: the preview it applies.
    #[serde(default)]
    #[ts(optional)]
    pub preview_of: Option<String>,
}

/// A run as `GET /admin/sync/status`, `/admin/sync/runs` and `/admin/sync/runs/:id` return it: every stored field
/// plus the summary fields dashboards use. The counts appear both at the top level and under `counts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunView {
    /// The run id.
    pub id: String,
    /// What started it.
    pub trigger: SyncTrigger,
    /// Its status.
    pub status: SyncRunStatus,
    /// When it started; for a queued run, when it was queued.
    pub started_at: String,
    /// When it ended.
    pub finished_at: Option<String>,
    /// How long it took, in milliseconds.
    pub duration_ms: Option<f64>,
    /// How long it took, in seconds.
    pub duration_seconds: Option<f64>,
    /// When it ended (or started, while it runs).
    pub last_sync_at: String,
    /// Products in line with the source after the run: created + updated + unchanged.
    pub products_synced: usize,
    /// Products created.
    pub products_created: usize,
    /// Products updated.
    pub products_updated: usize,
    /// Its counts.
    pub counts: RunCounts,
    /// Its counts, at the top level too.
    #[serde(flatten)]
    pub counts_at_top: RunCounts,
    /// Source requests made, retries included.
    pub requests: usize,
    /// Source requests tried again.
    pub retries: usize,
    /// Milliseconds per phase (empty before any phase ended).
    pub phase_timings: PhaseTimings,
    /// Live progress.
    pub progress: Option<RunProgress>,
    /// Why it failed, when it did.
    pub error_message: Option<String>,
    /// Per-product problems (empty when none).
    pub errors: Vec<RunError>,
    /// Source product ids of a targeted run, `null` for a full sync.
    #[ts(type = "number[] | null")]
    pub product_ids: Option<Vec<SourceId>>,
    /// The instance that ran (or runs) it; `null` while no process took it.
    pub owner: Option<RunOwner>,
    /// Its last sign of life.
    pub heartbeat_at: Option<String>,
    /// For an interrupted webhook run: the queued run its product ids went into again.
    pub requeued_run_id: Option<String>,
    /// The removals the guard held back in this run (empty when none were).
    pub held_removals: Vec<HeldRemoval>,
    /// The run that applied (or applies) them, once "Apply removals" was used.
    pub removals_applied_by: Option<String>,
    /// For an `apply_removals` run: the run whose held removals it applies.
    pub removals_of: Option<String>,
    /// When an operator asked to stop the run ("Stop"): it stops at its next batch boundary.
    pub cancel_requested_at: Option<String>,
    /// For a preview: the number of products of each kind of change (`null` for other runs, or while it runs).
    pub change_counts: Option<ChangeCounts>,
    /// For a preview: the run that applies (or applied) it, once "Apply" was used.
    pub preview_applied_by: Option<String>,
    /// For an `apply_preview` run: the preview it applies.
    pub preview_of: Option<String>,
}

/// Shapes a stored run for the admin API.
///
/// ```
/// use catalog_sync::admin_api::{run_view, RunRecord, SyncTrigger};
/// use catalog_sync::lifecycle::SyncRunStatus;
/// use catalog_sync::report::RunCounts;
/// let record = RunRecord {
///     id: "csrun_1".into(), trigger: SyncTrigger::Manual, status: SyncRunStatus::Success,
///     started_at: "2026-01-01T00:00:00.000Z".into(), finished_at: Some("2026-01-01T00:00:02.000Z".into()),
///     duration_ms: Some(2000.0), counts: RunCounts { created: 3, updated: 2, unchanged: 5, ..RunCounts::default() },
///     requests: 1, retries: 0, phase_timings: None, progress: None, error_message: None, errors: None,
///     product_ids: None, owner: None, heartbeat_at: None, requeued_run_id: None, held_removals: None,
///     removals_applied_by: None, removals_of: None, cancel_requested_at: None, change_counts: None,
///     preview_applied_by: None, preview_of: None,
/// };
/// let view = run_view(record);
/// assert_eq!(view.products_synced, 10);
/// assert_eq!(view.duration_seconds, Some(2.0));
/// assert_eq!(view.last_sync_at, "2026-01-01T00:00:02.000Z");
/// ```
pub fn run_view(record: RunRecord) -> RunView {
    let counts = record.counts;
    RunView {
        last_sync_at: record
            .finished_at
            .clone()
            .unwrap_or_else(|| record.started_at.clone()),
        id: record.id,
        trigger: record.trigger,
        status: record.status,
        started_at: record.started_at,
        finished_at: record.finished_at,
        duration_ms: record.duration_ms,
        duration_seconds: record.duration_ms.map(|ms| ms / 1000.0),
        products_synced: products_in_line(&counts),
        products_created: counts.created,
        products_updated: counts.updated,
        counts,
        counts_at_top: counts,
        requests: record.requests,
        retries: record.retries,
        phase_timings: record.phase_timings.unwrap_or_default(),
        progress: record.progress,
        error_message: record.error_message,
        errors: record.errors.unwrap_or_default(),
        product_ids: record.product_ids.map(|list| list.ids),
        owner: record.owner,
        heartbeat_at: record.heartbeat_at,
        requeued_run_id: record.requeued_run_id,
        held_removals: record.held_removals.unwrap_or_default(),
        removals_applied_by: record.removals_applied_by,
        removals_of: record.removals_of,
        cancel_requested_at: record.cancel_requested_at,
        change_counts: record.change_counts,
        preview_applied_by: record.preview_applied_by,
        preview_of: record.preview_of,
    }
}

/// Products in line with the source after a run: created + updated + unchanged.
pub fn products_in_line(counts: &RunCounts) -> usize {
    counts.created + counts.updated + counts.unchanged
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stored(fields: serde_json::Value) -> RunRecord {
        let mut record = json!({
            "id": "csrun_1", "trigger": "webhook", "status": "running",
            "started_at": "2026-01-01T00:00:00.000Z", "finished_at": null, "duration_ms": null,
            "fetched": 0, "created": 0, "updated": 0, "completed": 0, "unchanged": 0, "kept": 0, "archived": 0,
            "deleted": 0, "rejected": 0, "failed": 0, "stock_levels": 0, "images_uploaded": 0, "images_reused": 0,
            "requests": 0, "retries": 0, "phase_timings": null, "progress": null, "error_message": null,
            "errors": null, "product_ids": null, "owner": null, "heartbeat_at": null, "requeued_run_id": null,
            "held_removals": null, "removals_applied_by": null, "removals_of": null,
        });
        for (key, value) in fields.as_object().unwrap() {
            record[key] = value.clone();
        }
        serde_json::from_value(record).unwrap()
    }

    #[test]
    fn a_running_run_reads_its_start_as_last_sync_and_has_empty_lists() {
        let view = run_view(stored(json!({ "product_ids": { "ids": [4, 9] } })));
        assert_eq!(view.last_sync_at, "2026-01-01T00:00:00.000Z");
        assert_eq!(view.duration_seconds, None);
        assert!(
            view.errors.is_empty()
                && view.held_removals.is_empty()
                && view.phase_timings.0.is_empty()
        );
        assert_eq!(view.product_ids, Some(vec![4, 9]));
        assert_eq!(view.trigger, SyncTrigger::Webhook);
    }

    #[test]
    fn the_counts_appear_at_the_top_and_under_counts() {
        let view = run_view(stored(
            json!({ "status": "partial", "created": 2, "updated": 3, "unchanged": 4, "rejected": 1 }),
        ));
        let shown = serde_json::to_value(&view).unwrap();
        assert_eq!(shown["created"], 2);
        assert_eq!(shown["counts"]["created"], 2);
        assert_eq!(shown["rejected"], 1);
        assert_eq!(shown["products_synced"], 9);
        assert_eq!(shown["products_created"], 2);
        assert_eq!(shown["products_updated"], 3);
    }

    #[test]
    fn every_trigger_round_trips_through_its_stored_text() {
        for trigger in SyncTrigger::ALL {
            let text = serde_json::to_value(trigger).unwrap();
            assert_eq!(
                serde_json::from_value::<SyncTrigger>(text).unwrap(),
                *trigger
            );
        }
        assert_eq!(
            serde_json::to_value(SyncTrigger::ApplyRemovals).unwrap(),
            "apply_removals"
        );
        assert!(!SyncTrigger::ApplyRemovals.syncs_catalog());
        assert!(SyncTrigger::Webhook.syncs_catalog());
    }
}
