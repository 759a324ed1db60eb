//! Removals: what happens to the products the sync owns that the source no longer lists, and the guard that
//! keeps a feed which suddenly lists far fewer products (a wrong `sourceUrl`, a broken upstream deploy, a
//! filtered proxy) from emptying the store.
//!
//! The plan ([`crate::plan`]) finds the owned products missing upstream and asks [`decide_removals`] what to
//! do with the ones `onMissing` would remove (archive with `"draft"`, delete with `"delete"`; products already
//! drafts and `"keep"` remove nothing). Rules decided here:
//!
//! * **Only a complete listing removes.** The plan calls [`decide_removals`] for a full run only when it
//!   received the whole catalog and trusts it (otherwise `INCOMPLETE_FETCH` / `REMOVALS_SKIPPED`, and no held
//!   set: there is nothing an operator could confirm).
//! * **The guard.** A full run holds back all of its removals when they are more than `maxRemovalRatio` of the
//!   products the sync owns: exactly when `removals / owned > maxRemovalRatio`, where `owned` is the number of
//!   distinct source products the sync owns (one per source id; the extra copies of a duplicated product, which
//!   the plan deletes whatever happens, are neither removals nor counted in `owned`). So with the default 0.2,
//!   2 removals of 10 owned products go through and 3 are held back; `maxRemovalRatio: 1` never holds anything
//!   back, `0` holds back every removal. A held-back run removes nothing, counts the products as `kept`,
//!   reports `REMOVALS_HELD_BACK` (the run is `partial`) and lists the [`HeldRemoval`]s.
//! * **Webhook runs never remove.** A targeted run answered 404 for a product leaves it as it is, with a
//!   `REMOVAL_LEFT_TO_FULL_SYNC` notice naming it: one 404 is too little to archive or delete on; the next full
//!   sync decides, with a complete listing and the guard.
//! * **Applying a held set** ([`judge_held_removals`], planned by [`crate::plan::plan_held_removals`]): each held
//!   product is removed with the action it was held with, once, and only when the source still answers 404 for
//!   it, the store still has that product (same Medusa id, same `external_id`) and, for an archive, it is not
//!   already a draft. Any other held product is left alone with a `HELD_REMOVAL_SKIPPED` notice saying why
//!   (listed upstream again: the next full sync updates it; gone from the store; no longer that product; already
//!   a draft). No guard applies: an operator confirmed exactly this set.
//! * **Once** ([`check_apply_removals`]): a held set is applied by one run. A request to apply it again is
//!   refused while the run that took it is running or once it completed; only when that run failed or was
//!   interrupted may another run take the set (applying twice is harmless: what was removed is skipped as gone or
//!   already a draft).

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::batching::Removal;
use crate::mapping::external_id;
use crate::model::{CoreErrorCode, RunError, RunErrorCode, SourceId, SyncScope};
use crate::options::OnMissing;

/// Status value of a draft product.
const DRAFT: &str = "draft";

/// How a product missing upstream is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum RemovalAction {
    /// Set to `draft` (`onMissing: "draft"`).
    Archive,
    /// Deleted (`onMissing: "delete"`).
    Delete,
}

impl RemovalAction {
    /// The action `onMissing` asks for; `None` for `"keep"`.
    pub fn for_on_missing(on_missing: OnMissing) -> Option<Self> {
        match on_missing {
            OnMissing::Draft => Some(RemovalAction::Archive),
            OnMissing::Delete => Some(RemovalAction::Delete),
            OnMissing::Keep => None,
        }
    }

    /// The past participle for messages: `set to draft`, `deleted`.
    fn done(self) -> &'static str {
        match self {
            RemovalAction::Archive => "set to draft",
            RemovalAction::Delete => "deleted",
        }
    }

    /// The present tense for messages: `sets it to draft`, `deletes it`.
    fn does(self) -> &'static str {
        match self {
            RemovalAction::Archive => "sets it to draft",
            RemovalAction::Delete => "deletes it",
        }
    }

    /// The `onMissing` value that asks for it.
    fn on_missing(self) -> &'static str {
        match self {
            RemovalAction::Archive => "draft",
            RemovalAction::Delete => "delete",
        }
    }
}

/// A removal the guard held back: stored on the run, shown on the run page, and applied as it is when an
/// operator confirms it. Snake-case keys, like the other parts of a stored run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HeldRemoval {
    /// Source id of the product.
    #[ts(type = "number")]
    pub source_id: SourceId,
    /// Medusa product id.
    pub product_id: String,
    /// What the run would have done.
    pub action: RemovalAction,
}

/// What [`decide_removals`] decided.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RemovalDecision {
    /// Removals to write in this run.
    pub apply: Vec<Removal>,
    /// Removals held back by the guard (full runs only).
    pub held: Vec<HeldRemoval>,
    /// Products left as they are (held back, or left to the next full sync): the plan counts them as `kept`.
    pub not_applied: usize,
    /// The `REMOVALS_HELD_BACK` error, or one `REMOVAL_LEFT_TO_FULL_SYNC` notice per product.
    pub errors: Vec<RunError>,
}

/// Decides the fate of the removals `onMissing` asks for (`removals`, all with `action`) in a run of `scope`
/// whose listing is complete and trusted: applied, held back by the guard (full run above `max_ratio` of the
/// `owned` distinct products), or left to the next full sync (targeted run). See the [module](self) rules.
///
/// ```
/// use catalog_sync::batching::Removal;
/// use catalog_sync::model::SyncScope;
/// use catalog_sync::removals::{decide_removals, RemovalAction};
/// let removals: Vec<Removal> = (1..=3).map(|id| Removal { source_id: id, product_id: format!("prod_{id}") }).collect();
/// let held = decide_removals(&SyncScope::Full, removals.clone(), RemovalAction::Delete, 10, 0.2);
/// assert_eq!((held.apply.len(), held.held.len()), (0, 3));
/// let applied = decide_removals(&SyncScope::Full, removals[..2].to_vec(), RemovalAction::Delete, 10, 0.2);
/// assert_eq!((applied.apply.len(), applied.held.len()), (2, 0));
/// ```
pub fn decide_removals(
    scope: &SyncScope,
    removals: Vec<Removal>,
    action: RemovalAction,
    owned: usize,
    max_ratio: f64,
) -> RemovalDecision {
    if removals.is_empty() {
        return RemovalDecision::default();
    }
    match scope {
        SyncScope::Targeted { .. } => RemovalDecision {
            not_applied: removals.len(),
            errors: removals
                .iter()
                .map(|removal| left_to_full_sync(removal.source_id, action))
                .collect(),
            ..RemovalDecision::default()
        },
        SyncScope::Full if exceeds(removals.len(), owned, max_ratio) => RemovalDecision {
            not_applied: removals.len(),
            errors: vec![held_back(removals.len(), owned, max_ratio, action)],
            held: removals
                .into_iter()
                .map(|removal| HeldRemoval {
                    source_id: removal.source_id,
                    product_id: removal.product_id,
                    action,
                })
                .collect(),
            ..RemovalDecision::default()
        },
        SyncScope::Full => RemovalDecision {
            apply: removals,
            ..RemovalDecision::default()
        },
    }
}

/// Whether `removals` of `owned` products is more than `max_ratio` of them. The quotient of two integers and the
/// ratio are both correctly rounded doubles, so a share exactly equal to the ratio (2 of 10 at 0.2) never
/// counts as more.
fn exceeds(removals: usize, owned: usize, max_ratio: f64) -> bool {
    removals > 0 && removals as f64 / owned.max(removals) as f64 > max_ratio
}

/// A share as a percentage for messages, with at most two decimals: `61.86%`, `20%`.
fn percent(share: f64) -> String {
    let text = format!("{:.2}", share * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

/// The `REMOVALS_HELD_BACK` error of a full run whose `held` removals the guard held back.
fn held_back(held: usize, owned: usize, max_ratio: f64, action: RemovalAction) -> RunError {
    RunError::new(
        None,
        None,
        RunErrorCode::RemovalsHeldBack,
        format!(
            "{held} product(s) missing upstream were not {} (onMissing \"{}\"): that is {} of the {owned} products \
             the sync owns, above maxRemovalRatio {}. Check the source; if the removals are right, apply them from \
             the run page.",
            action.done(),
            action.on_missing(),
            percent(held as f64 / owned.max(held) as f64),
            percent(max_ratio),
        ),
    )
}

/// The notice of a product a targeted run was answered 404 for and did not remove.
fn left_to_full_sync(source_id: SourceId, action: RemovalAction) -> RunError {
    RunError::new(
        Some(source_id),
        None,
        RunErrorCode::RemovalLeftToFullSync,
        format!(
            "product {source_id}: the source answered 404, but a webhook run removes nothing: the product stays as \
             it is until the next full sync, which {} if the source no longer lists it",
            action.does()
        ),
    )
}

/// A store product as it is when a held set is applied: a Query row `{ id, external_id, status }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProductState {
    /// Medusa product id.
    pub id: String,
    /// Its `external_id` (`dummyjson:<id>` for the sync's products), if any.
    pub external_id: Option<String>,
    /// Its status.
    pub status: String,
}

/// Input of [`judge_held_removals`] and [`crate::plan::plan_held_removals`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HeldRemovalsInput {
    /// The held set, as the held run recorded it.
    pub held: Vec<HeldRemoval>,
    /// The held products' source ids the source answers 404 for now (`GET /products/:id`); every other held
    /// product was answered, so the source lists it again.
    #[ts(type = "Array<number>")]
    pub not_found_ids: Vec<SourceId>,
    /// The store products with the held products' Medusa ids, as they are now; a held product without a row is
    /// no longer in the store.
    pub products: Vec<ProductState>,
    /// Products per write batch (`options.batchSize`).
    pub batch_size: u32,
}

/// What applying a held set comes to.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppliedRemovals {
    /// Products to set to draft, by source id.
    pub archive: Vec<Removal>,
    /// Products to delete, by source id.
    pub delete: Vec<Removal>,
    /// Held products the source answered (listed upstream again).
    pub answered: usize,
    /// One `HELD_REMOVAL_SKIPPED` notice per held product left alone.
    pub errors: Vec<RunError>,
}

/// Judges each held removal against the source and the store now (see the [module](self) rules). A product
/// listed twice in `held` is judged once.
///
/// ```
/// use catalog_sync::removals::{judge_held_removals, HeldRemoval, HeldRemovalsInput, ProductState, RemovalAction};
/// let held = |id: u64| HeldRemoval { source_id: id, product_id: format!("prod_{id}"), action: RemovalAction::Delete };
/// let state = |id: u64| ProductState { id: format!("prod_{id}"), external_id: Some(format!("dummyjson:{id}")), status: "published".into() };
/// let applied = judge_held_removals(&HeldRemovalsInput {
///     held: vec![held(1), held(2)], not_found_ids: vec![1], products: vec![state(1), state(2)], batch_size: 50,
/// });
/// assert_eq!(applied.delete.len(), 1); // 2 is listed upstream again
/// assert_eq!(applied.errors[0].code, "HELD_REMOVAL_SKIPPED");
/// ```
pub fn judge_held_removals(input: &HeldRemovalsInput) -> AppliedRemovals {
    let not_found: HashSet<SourceId> = input.not_found_ids.iter().copied().collect();
    let products: HashMap<&str, &ProductState> = input
        .products
        .iter()
        .map(|product| (product.id.as_str(), product))
        .collect();
    let mut seen = BTreeSet::new();
    let mut applied = AppliedRemovals::default();
    for held in &input.held {
        if !seen.insert(held.product_id.as_str()) {
            continue;
        }
        let id = held.source_id;
        let product = &held.product_id;
        let skip = if !not_found.contains(&id) {
            applied.answered += 1;
            Some(format!(
                "the source lists it again, so it was not {}; the next full sync updates it",
                held.action.done()
            ))
        } else {
            match products.get(product.as_str()) {
                None => Some(format!("store product {product} is no longer in the store")),
                Some(state) if state.external_id.as_deref() != Some(external_id(id).as_str()) => {
                    Some(format!(
                        "store product {product} is no longer this product (its external_id is {}), so it was left alone",
                        state.external_id.as_deref().map_or_else(|| "empty".to_string(), |e| format!("\"{e}\""))
                    ))
                }
                Some(state) if held.action == RemovalAction::Archive && state.status == DRAFT => {
                    Some(format!("store product {product} is already a draft"))
                }
                Some(_) => None,
            }
        };
        match skip {
            Some(reason) => applied.errors.push(RunError::new(
                Some(id),
                None,
                RunErrorCode::HeldRemovalSkipped,
                format!("product {id}: {reason}"),
            )),
            None => {
                let removal = Removal {
                    source_id: id,
                    product_id: product.clone(),
                };
                match held.action {
                    RemovalAction::Archive => applied.archive.push(removal),
                    RemovalAction::Delete => applied.delete.push(removal),
                }
            }
        }
    }
    applied.archive.sort();
    applied.delete.sort();
    applied
}

/// What the host knows about a run whose held removals an operator asks to apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApplyRemovalsRequest {
    /// The run whose held removals are to be applied.
    pub run_id: String,
    /// How many removals it held back.
    pub held: usize,
    /// The run that took the held set earlier (`removals_applied_by`), if any.
    pub applied_by: Option<String>,
    /// That run's status (`running`, `success`, `partial`, `failed`, `interrupted`), or `null` when it no longer
    /// exists.
    pub applied_by_status: Option<String>,
}

/// Whether a held set may be applied now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
#[ts(export)]
pub enum ApplyRemovalsVerdict {
    /// Start a run that applies the held set.
    Allowed,
    /// Start nothing: answer `status` with `{ code, message }`.
    Refused {
        /// The HTTP status: 400 (nothing held back) or 409 (already applied).
        status: u16,
        /// `NO_HELD_REMOVALS` or `REMOVALS_ALREADY_APPLIED`.
        code: CoreErrorCode,
        /// What is wrong, for the operator.
        message: String,
    },
}

/// Decides whether the held set of a run may be applied now (see the [module](self) rule "Once").
///
/// ```
/// use catalog_sync::removals::{check_apply_removals, ApplyRemovalsRequest, ApplyRemovalsVerdict};
/// let request = ApplyRemovalsRequest { run_id: "csrun_1".into(), held: 3, applied_by: None, applied_by_status: None };
/// assert_eq!(check_apply_removals(&request), ApplyRemovalsVerdict::Allowed);
/// let again = ApplyRemovalsRequest { applied_by: Some("csrun_2".into()), applied_by_status: Some("success".into()), ..request };
/// assert!(matches!(check_apply_removals(&again), ApplyRemovalsVerdict::Refused { status: 409, .. }));
/// ```
pub fn check_apply_removals(request: &ApplyRemovalsRequest) -> ApplyRemovalsVerdict {
    let run = &request.run_id;
    if request.held == 0 {
        return ApplyRemovalsVerdict::Refused {
            status: 400,
            code: CoreErrorCode::NoHeldRemovals,
            message: format!("run {run} held back no removals: there is nothing to apply"),
        };
    }
    match (&request.applied_by, request.applied_by_status.as_deref()) {
        (Some(applier), Some(status)) if !matches!(status, "failed" | "interrupted") => {
            let state = if status == "running" || status == "queued" {
                "is applying them"
            } else {
                "applied them"
            };
            ApplyRemovalsVerdict::Refused {
                status: 409,
                code: CoreErrorCode::RemovalsAlreadyApplied,
                message: format!(
                    "the removals run {run} held back are applied once: run {applier} {state}"
                ),
            }
        }
        _ => ApplyRemovalsVerdict::Allowed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removals(count: u64) -> Vec<Removal> {
        (1..=count)
            .map(|id| Removal {
                source_id: id,
                product_id: format!("prod_{id}"),
            })
            .collect()
    }

    #[test]
    fn the_guard_compares_removals_with_the_ratio_of_owned_products() {
        let held = |count, owned, ratio| {
            !decide_removals(
                &SyncScope::Full,
                removals(count),
                RemovalAction::Archive,
                owned,
                ratio,
            )
            .held
            .is_empty()
        };
        assert!(!held(2, 10, 0.2), "exactly the ratio goes through");
        assert!(held(3, 10, 0.2));
        assert!(!held(20, 100, 0.2));
        assert!(held(21, 100, 0.2));
        assert!(
            !held(3, 30, 0.1),
            "0.1 × 30 is not above 3 in floating point either"
        );
        assert!(held(1, 1_000_000, 0.0), "0 holds back every removal");
        assert!(!held(10, 10, 1.0), "1 never holds back");
        assert!(!held(0, 10, 0.0), "no removal, nothing held");
    }

    #[test]
    fn a_held_back_run_removes_nothing_and_says_why() {
        let decision = decide_removals(
            &SyncScope::Full,
            removals(120),
            RemovalAction::Delete,
            194,
            0.2,
        );
        assert!(decision.apply.is_empty());
        assert_eq!(decision.not_applied, 120);
        assert_eq!(decision.held.len(), 120);
        assert_eq!(
            decision.held[0],
            HeldRemoval {
                source_id: 1,
                product_id: "prod_1".into(),
                action: RemovalAction::Delete
            }
        );
        assert_eq!(decision.errors.len(), 1);
        assert_eq!(decision.errors[0].code, "REMOVALS_HELD_BACK");
        assert_eq!(
            decision.errors[0].message,
            "120 product(s) missing upstream were not deleted (onMissing \"delete\"): that is 61.86% of the 194 \
             products the sync owns, above maxRemovalRatio 20%. Check the source; if the removals are right, apply \
             them from the run page."
        );
        let archive = decide_removals(
            &SyncScope::Full,
            removals(5),
            RemovalAction::Archive,
            8,
            0.125,
        );
        assert!(
            archive.errors[0]
                .message
                .starts_with("5 product(s) missing upstream were not set to draft (onMissing \"draft\"): that is 62.5% of the 8 products the sync owns, above maxRemovalRatio 12.5%."),
            "{}",
            archive.errors[0].message
        );
        assert_eq!(
            serde_json::to_value(&archive.held[0]).unwrap(),
            serde_json::json!({ "source_id": 1, "product_id": "prod_1", "action": "archive" })
        );
    }

    #[test]
    fn a_targeted_run_leaves_every_removal_to_the_next_full_sync() {
        let decision = decide_removals(
            &SyncScope::Targeted {
                product_ids: vec![1, 2],
            },
            removals(2),
            RemovalAction::Delete,
            194,
            1.0,
        );
        assert!(decision.apply.is_empty() && decision.held.is_empty());
        assert_eq!(decision.not_applied, 2);
        let notices: Vec<(Option<u64>, &str)> = decision
            .errors
            .iter()
            .map(|e| (e.source_id, e.code.as_str()))
            .collect();
        assert_eq!(
            notices,
            [
                (Some(1), "REMOVAL_LEFT_TO_FULL_SYNC"),
                (Some(2), "REMOVAL_LEFT_TO_FULL_SYNC")
            ]
        );
        assert!(decision.errors.iter().all(RunError::is_notice));
        assert_eq!(
            decision.errors[0].message,
            "product 1: the source answered 404, but a webhook run removes nothing: the product stays as it is until \
             the next full sync, which deletes it if the source no longer lists it"
        );
    }

    fn held(id: u64, action: RemovalAction) -> HeldRemoval {
        HeldRemoval {
            source_id: id,
            product_id: format!("prod_{id}"),
            action,
        }
    }

    fn state(id: u64, external: Option<&str>, status: &str) -> ProductState {
        ProductState {
            id: format!("prod_{id}"),
            external_id: external.map(str::to_string),
            status: status.into(),
        }
    }

    #[test]
    fn applying_a_held_set_removes_only_what_is_still_gone_and_still_the_same() {
        use RemovalAction::{Archive, Delete};
        let input = HeldRemovalsInput {
            held: vec![
                held(1, Delete),
                held(2, Delete),
                held(3, Delete),
                held(4, Delete),
                held(5, Archive),
                held(6, Archive),
                held(1, Delete),
                held(7, Delete),
            ],
            not_found_ids: vec![1, 3, 4, 5, 6, 7],
            products: vec![
                state(1, Some("dummyjson:1"), "published"),
                state(2, Some("dummyjson:2"), "published"),
                state(4, Some("dummyjson:40"), "published"),
                state(5, Some("dummyjson:5"), "draft"),
                state(6, Some("dummyjson:6"), "published"),
                state(7, None, "published"),
            ],
            batch_size: 50,
        };
        let applied = judge_held_removals(&input);
        let ids = |list: &[Removal]| list.iter().map(|r| r.source_id).collect::<Vec<_>>();
        assert_eq!(ids(&applied.delete), [1]);
        assert_eq!(ids(&applied.archive), [6]);
        assert_eq!(applied.answered, 1);
        let messages: Vec<&str> = applied.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "product 2: the source lists it again, so it was not deleted; the next full sync updates it",
                "product 3: store product prod_3 is no longer in the store",
                "product 4: store product prod_4 is no longer this product (its external_id is \"dummyjson:40\"), so it was left alone",
                "product 5: store product prod_5 is already a draft",
                "product 7: store product prod_7 is no longer this product (its external_id is empty), so it was left alone",
            ]
        );
        assert!(applied
            .errors
            .iter()
            .all(|e| e.has_code(RunErrorCode::HeldRemovalSkipped)));
    }

    #[test]
    fn a_held_set_is_applied_once_unless_the_run_that_took_it_failed() {
        let request = |held, applied_by: Option<&str>, status: Option<&str>| ApplyRemovalsRequest {
            run_id: "csrun_held".into(),
            held,
            applied_by: applied_by.map(str::to_string),
            applied_by_status: status.map(str::to_string),
        };
        let refusal = |verdict| match verdict {
            ApplyRemovalsVerdict::Refused {
                status,
                code,
                message,
            } => (status, code.as_str(), message),
            ApplyRemovalsVerdict::Allowed => panic!("expected a refusal"),
        };
        assert_eq!(
            check_apply_removals(&request(3, None, None)),
            ApplyRemovalsVerdict::Allowed
        );
        assert_eq!(
            refusal(check_apply_removals(&request(0, None, None))),
            (
                400,
                "NO_HELD_REMOVALS",
                "run csrun_held held back no removals: there is nothing to apply".to_string()
            )
        );
        for (status, state) in [
            ("success", "applied them"),
            ("partial", "applied them"),
            ("running", "is applying them"),
        ] {
            assert_eq!(
                refusal(check_apply_removals(&request(
                    3,
                    Some("csrun_apply"),
                    Some(status)
                ))),
                (
                    409,
                    "REMOVALS_ALREADY_APPLIED",
                    format!("the removals run csrun_held held back are applied once: run csrun_apply {state}")
                )
            );
        }
        for ended_without_result in ["failed", "interrupted"] {
            assert_eq!(
                check_apply_removals(&request(3, Some("csrun_apply"), Some(ended_without_result))),
                ApplyRemovalsVerdict::Allowed
            );
        }
        assert_eq!(
            check_apply_removals(&request(3, Some("csrun_gone"), None)),
            ApplyRemovalsVerdict::Allowed
        );
    }
}
