//! Whether the whole requested catalog was received, and what happens to owned products no longer upstream.

use std::collections::{BTreeSet, HashSet};

use super::census::Census;
use super::owned::{OwnedProducts, OwnedRef};
use super::{Completeness, PlanCounts, DRAFT};
use crate::batching::{Removal, Writes};
use crate::model::{RunError, RunErrorCode, SourceId, SyncScope};
use crate::options::OnMissing;
use crate::removals::{decide_removals, HeldRemoval, RemovalAction};

/// Whether everything the run asked for was received.
pub(super) fn completeness(
    scope: &SyncScope,
    not_found_ids: &[SourceId],
    received: &Census,
) -> Completeness {
    let duplicate_ids: Vec<SourceId> = received.duplicate_ids.iter().copied().collect();
    match scope {
        SyncScope::Full => {
            let distinct = received.seen.len() + received.unidentified;
            let expected = received
                .expected_total
                .map(|total| usize::try_from(total).unwrap_or(usize::MAX));
            Completeness {
                expected_total: expected,
                received: distinct,
                duplicate_ids,
                complete: received.malformed_pages == 0
                    && expected.is_some_and(|expected| distinct >= expected),
            }
        }
        SyncScope::Targeted { product_ids } => {
            let requested: BTreeSet<SourceId> = product_ids.iter().copied().collect();
            let not_found: HashSet<SourceId> = not_found_ids.iter().copied().collect();
            let answered = requested
                .iter()
                .filter(|id| received.seen.contains(id) || not_found.contains(id))
                .count();
            Completeness {
                expected_total: Some(requested.len()),
                received: answered,
                duplicate_ids,
                complete: answered == requested.len(),
            }
        }
    }
}

/// What [`plan_removals`] decides from.
pub(super) struct RemovalInput<'a> {
    pub(super) scope: &'a SyncScope,
    pub(super) not_found_ids: &'a [SourceId],
    pub(super) on_missing: OnMissing,
    pub(super) max_removal_ratio: f64,
    pub(super) received: &'a Census,
    pub(super) completeness: &'a Completeness,
    pub(super) owned: &'a OwnedProducts,
}

/// Decides what happens to owned products that are no longer upstream; returns the removals the guard held
/// back.
pub(super) fn plan_removals(
    input: &RemovalInput<'_>,
    writes: &mut Writes,
    counts: &mut PlanCounts,
    errors: &mut Vec<RunError>,
) -> Vec<HeldRemoval> {
    let (received, completeness, owned) = (input.received, input.completeness, input.owned);
    let candidates: Vec<(SourceId, OwnedRef)> = match input.scope {
        SyncScope::Full => owned
            .canonical
            .iter()
            .filter(|(id, _)| !received.seen.contains(id))
            .map(|(id, product)| (*id, *product))
            .collect(),
        SyncScope::Targeted { .. } => {
            let not_found: BTreeSet<SourceId> = input.not_found_ids.iter().copied().collect();
            not_found
                .into_iter()
                .filter(|id| !received.seen.contains(id))
                .filter_map(|id| owned.canonical.get(&id).map(|product| (id, *product)))
                .collect()
        }
    };

    if !completeness.complete {
        let expected = completeness
            .expected_total
            .map_or_else(|| "an unknown number of".to_string(), |n| n.to_string());
        let consequence = match (input.scope, candidates.is_empty()) {
            (SyncScope::Full, false) => format!(
                "; {} product(s) missing upstream were neither archived nor deleted",
                candidates.len()
            ),
            _ => String::new(),
        };
        errors.push(RunError::new(
            None,
            None,
            RunErrorCode::IncompleteFetch,
            format!(
                "received {} of {expected} products{consequence}",
                completeness.received
            ),
        ));
    }
    if candidates.is_empty() {
        return Vec::new();
    }
    if let SyncScope::Full = input.scope {
        // An incomplete fetch was already reported above (INCOMPLETE_FETCH).
        let distrust = if !completeness.complete {
            Some(None)
        } else if received.unidentified > 0 {
            Some(Some(format!(
                "{} rejected product(s) had no usable id and could be any of them",
                received.unidentified
            )))
        } else if received.seen.is_empty() {
            Some(Some("the source returned no product at all".to_string()))
        } else {
            None
        };
        if let Some(reason) = distrust {
            if let Some(reason) = reason {
                errors.push(RunError::new(
                    None,
                    None,
                    RunErrorCode::RemovalsSkipped,
                    format!(
                        "{} product(s) missing upstream were neither archived nor deleted: {reason}",
                        candidates.len()
                    ),
                ));
            }
            counts.kept += candidates.len();
            return Vec::new();
        }
    }
    let Some(action) = RemovalAction::for_on_missing(input.on_missing) else {
        counts.kept += candidates.len();
        return Vec::new();
    };
    let mut removals = Vec::with_capacity(candidates.len());
    for (source_id, product) in candidates {
        if action == RemovalAction::Archive && owned.status(product) == DRAFT {
            counts.kept += 1;
        } else {
            removals.push(Removal {
                source_id,
                product_id: owned.id(product).to_string(),
            });
        }
    }
    let decision = decide_removals(
        input.scope,
        removals,
        action,
        owned.canonical.len(),
        input.max_removal_ratio,
    );
    counts.kept += decision.not_applied;
    errors.extend(decision.errors);
    match action {
        RemovalAction::Archive => writes.archive.extend(decision.apply),
        RemovalAction::Delete => writes.delete.extend(decision.apply),
    }
    decision.held
}
