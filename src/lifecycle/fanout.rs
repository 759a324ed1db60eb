//! One run's write batches spread across the workers.
//!
//! In a topology with workers, the owner of a run does not write its batches alone: it publishes the batches of
//! one kind (each a row keyed by run and position, announced by one event of Medusa's event bus), and every worker,
//! the owner included, takes batches and writes them. A worker takes a batch by claiming its row (a conditional
//! update on what it read: the claimer and the claim's heartbeat), renews the claim while it writes, and records
//! the batch's result once (the first result of a position is the one that counts). The owner waits until every
//! published batch has its result, then sums them and goes on.
//!
//! The decisions are here, the I/O in the host:
//!
//! * [`batch_take`]: whether a worker that got a batch's event takes it — a batch with a result, of a run that
//!   stopped, or claimed by a live worker, is left alone; an unclaimed batch, or one whose claimer is dead ([`run_liveness`] of the claim:
//!   the claim's lease ran out, or the asking process claimed it and no longer writes it), is taken.
//! * [`fan_out_state`]: what the owner makes of the published batches when it looks: whether every result is in,
//!   how many products they wrote, which batches to publish again — those whose claimer died (once per death),
//!   and, when the whole fan-out stood still for a lease (no claim, heartbeat or result), those nobody claimed
//!   (their event was lost, or went to a worker that died before claiming) — and how to read the rows at the next
//!   look ([`NextLook`]): most looks read only the rows changed since the last one; the decisions that act (the
//!   fan-out is complete, batches are published again) are taken on a look that read every row.
//!
//! A batch written twice (its first claimer was slow, not dead) does no harm: the sync ledger's `creating` claims
//! refuse a second create of a product, and updates write the same values again.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::liveness::{run_liveness, Liveness, LivenessInput, RunOwner, LEASE};

/// A worker's claim on a published batch: who writes it, and the claim's last heartbeat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BatchClaim {
    /// The worker writing the batch.
    pub claimer: RunOwner,
    /// The claim's last heartbeat (ms since the epoch, the database's clock): set when claimed, renewed while the
    /// batch is written.
    pub heartbeat_at_ms: f64,
}

/// Input of [`batch_take`]: a published batch as its row says, and who asks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TakeCheck {
    /// Whether the batch's row exists: the owner withdraws the batches nobody claimed when the run stops early.
    pub published: bool,
    /// Whether the batch's result is recorded.
    pub recorded: bool,
    /// Whether its run is still `running` with no request to stop it.
    pub run_writing: bool,
    /// The batch's claim, if a worker claimed it.
    pub claim: Option<BatchClaim>,
    /// The current time (ms since the epoch, the database's clock).
    pub now_ms: f64,
    /// The `boot` of the asking process.
    pub this_boot: String,
    /// Whether the asking process writes this batch right now.
    pub held_here: bool,
}

/// Why a worker leaves a batch alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SkipReason {
    /// The batch's result is recorded: it was written.
    Recorded,
    /// The batch's row is gone: the run stopped before anyone claimed it.
    Withdrawn,
    /// The run ended, or an operator asked to stop it: nothing more of it is written.
    RunStopped,
    /// A live worker (perhaps this one) is writing it.
    ClaimedLive,
}

/// Whether a worker takes a published batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum BatchTake {
    /// Claim it, on condition that the claim is still `observed` (none, or the dead claimer's).
    #[serde(rename_all = "camelCase")]
    Take {
        /// The claim the worker read (the conditional update must still find it).
        observed: Option<BatchClaim>,
    },
    /// Leave it.
    #[serde(rename_all = "camelCase")]
    Skip {
        /// Why.
        reason: SkipReason,
    },
}

/// Whether the claimer of a batch is alive: the claim's lease (its heartbeat plus [`LEASE`]'s `lease_ms`), and,
/// for a claim of the asking process, whether it still writes the batch.
fn claim_is_live(claim: &BatchClaim, now_ms: f64, this_boot: &str, held_here: bool) -> bool {
    matches!(
        run_liveness(&LivenessInput {
            owner: Some(claim.claimer.clone()),
            heartbeat_at_ms: Some(claim.heartbeat_at_ms),
            now_ms,
            this_boot: this_boot.to_string(),
            held_here,
        }),
        Liveness::Live { .. }
    )
}

/// Whether a worker that got a batch's event takes the batch: not when it has a result, was withdrawn, its run
/// stopped, or a live worker claimed it; else it claims it (conditionally on the claim it read).
///
/// ```
/// use catalog_sync::lifecycle::{batch_take, BatchTake, TakeCheck};
/// let check = TakeCheck { published: true, recorded: false, run_writing: true, claim: None, now_ms: 0.0,
///                         this_boot: "b1".into(), held_here: false };
/// assert_eq!(batch_take(&check), BatchTake::Take { observed: None });
/// ```
pub fn batch_take(check: &TakeCheck) -> BatchTake {
    let skip = |reason| BatchTake::Skip { reason };
    if !check.published {
        return skip(SkipReason::Withdrawn);
    }
    if check.recorded {
        return skip(SkipReason::Recorded);
    }
    if !check.run_writing {
        return skip(SkipReason::RunStopped);
    }
    match &check.claim {
        Some(claim) if claim_is_live(claim, check.now_ms, &check.this_boot, check.held_here) => {
            skip(SkipReason::ClaimedLive)
        }
        observed => BatchTake::Take {
            observed: observed.clone(),
        },
    }
}

/// One published batch as the owner reads it while it waits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PublishedBatch {
    /// The batch's position in the run's plan.
    pub position: u32,
    /// When its event was last published (ms since the epoch, the database's clock).
    pub published_at_ms: f64,
    /// Its claim, if a worker claimed it.
    pub claim: Option<BatchClaim>,
    /// When its result was recorded, if it was.
    pub recorded_at_ms: Option<f64>,
    /// The products its result says were written (0 until recorded).
    pub written: u32,
}

/// How often, at least, the owner reads every published row of the kind (ms), whatever the rows changed since
/// the last look say: a change committed later than its timestamp says, and missed by the looks that read the
/// rows changed since, is seen within this time.
pub const FULL_LOOK_EVERY_MS: u32 = LEASE.heartbeat_interval_ms;

/// How far back before the last look a look that reads only the changed rows starts (ms): a row's `updated_at` is
/// the start of the statement that changed it, which commits a little later.
pub const LOOK_OVERLAP_MS: u32 = 1_000;

/// How the owner reads the published rows at its next look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum NextLook {
    /// Every published row of the kind: the fan-out may be complete, batches may be published again, or the last
    /// such look is [`FULL_LOOK_EVERY_MS`] old.
    Every,
    /// Only the rows changed (their `updated_at`) after `since_ms`, merged into what the owner read before.
    #[serde(rename_all = "camelCase")]
    ChangedSince {
        /// The database's time from which changed rows are read (ms since the epoch): the last look's time less
        /// [`LOOK_OVERLAP_MS`].
        since_ms: f64,
    },
}

/// Input of [`fan_out_state`]: the published batches of one kind, and who asks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FanOutCheck {
    /// The batches the owner published, as it last read each one's row (every row at a full look; else the rows
    /// changed since the last look, merged into the previous ones).
    pub batches: Vec<PublishedBatch>,
    /// Whether this look read every row of the kind ([`NextLook::Every`]).
    pub full_look: bool,
    /// When the owner last read every row (ms since the epoch, the database's clock; `now_ms` on a full look).
    pub last_full_look_ms: f64,
    /// The current time (ms since the epoch, the database's clock).
    pub now_ms: f64,
    /// The `boot` of the owner (it writes batches too).
    pub this_boot: String,
    /// The positions of the batches the owner writes right now.
    pub held_here: Vec<u32>,
    /// The run stops (its deadline passed, or an operator asked): the batches nobody claimed were withdrawn, and
    /// only the batches live workers are writing are waited for.
    pub closing: bool,
}

/// What the owner makes of its published batches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FanOutState {
    /// Every batch has its result (when closing: every batch a live worker writes): the owner sums them and goes on.
    pub complete: bool,
    /// How many batches have their result.
    pub recorded: u32,
    /// The products the recorded results wrote.
    pub written: u32,
    /// The batches to announce again (their claimer died; or nobody claimed them while the fan-out stood still for
    /// a lease), in position order. Only on a full look.
    pub republish: Vec<u32>,
    /// How to read the rows at the next look.
    pub next_look: NextLook,
}

/// What the owner makes of the published batches of one kind: whether all results are in, how many products they
/// wrote so far (the run's progress), which batches to publish again, and how to read the rows at the next look.
///
/// A batch is published again when its claimer is dead (its claim's lease ran out: the worker was killed) and it
/// was not published since that claim (once per death), or when nobody claimed it and nothing happened in the whole
/// fan-out for a lease — no publication, claim, claim heartbeat or result: its event was lost, or taken by a worker
/// that died before claiming (a dead claim's batch too, then). Batches waiting in the event bus's queue behind
/// others are not published again while the workers make progress. When the run stops (`closing`), nothing is
/// published again and the owner waits only for the batches live workers are writing.
///
/// A look that read only the changed rows (`full_look` false) reports the progress of what the owner read, but
/// neither completes nor publishes anything: when its rows say it would, or the last full look is
/// [`FULL_LOOK_EVERY_MS`] old, the next look reads every row ([`NextLook::Every`]); else the rows changed since
/// this look's time less [`LOOK_OVERLAP_MS`]. So every decision that acts stands on every row as the database has
/// it, and a missed change only delays it.
///
/// ```
/// use catalog_sync::lifecycle::{fan_out_state, FanOutCheck, NextLook, PublishedBatch};
/// let batch = PublishedBatch { position: 0, published_at_ms: 0.0, claim: None, recorded_at_ms: Some(10.0),
///                              written: 50 };
/// let check = FanOutCheck { batches: vec![batch], full_look: false, last_full_look_ms: 0.0, now_ms: 20.0,
///                           this_boot: "b".into(), held_here: vec![], closing: false };
/// let changed = fan_out_state(&check);
/// assert_eq!((changed.complete, changed.written, changed.next_look), (false, 50, NextLook::Every));
/// let full = fan_out_state(&FanOutCheck { full_look: true, last_full_look_ms: 20.0, ..check });
/// assert!(full.complete);
/// ```
pub fn fan_out_state(check: &FanOutCheck) -> FanOutState {
    let last_activity_ms = check
        .batches
        .iter()
        .flat_map(|batch| {
            [
                Some(batch.published_at_ms),
                batch.claim.as_ref().map(|claim| claim.heartbeat_at_ms),
                batch.recorded_at_ms,
            ]
        })
        .flatten()
        .fold(f64::NEG_INFINITY, f64::max);
    let standing_still = check.now_ms - last_activity_ms >= f64::from(LEASE.lease_ms);
    let claim_is_dead = |batch: &PublishedBatch| {
        !batch.claim.as_ref().is_some_and(|claim| {
            claim_is_live(
                claim,
                check.now_ms,
                &check.this_boot,
                check.held_here.contains(&batch.position),
            )
        })
    };
    let pending: Vec<&PublishedBatch> = check
        .batches
        .iter()
        .filter(|batch| batch.recorded_at_ms.is_none())
        .collect();
    let (mut complete, mut republish) = if check.closing {
        // Nothing is published again: only the batches live workers write are awaited.
        (pending.iter().all(|batch| claim_is_dead(batch)), Vec::new())
    } else {
        // A dead claim's batch is published again once: not when it was published since it was claimed.
        let not_published_since_claim = |batch: &PublishedBatch| {
            batch
                .claim
                .as_ref()
                .is_some_and(|claim| batch.published_at_ms <= claim.heartbeat_at_ms)
        };
        let republish = pending
            .iter()
            .filter(|batch| {
                claim_is_dead(batch) && (not_published_since_claim(batch) || standing_still)
            })
            .map(|batch| batch.position)
            .collect();
        (pending.is_empty(), republish)
    };
    republish.sort_unstable();
    let would_act = complete || !republish.is_empty();
    let next_look = if (!check.full_look && would_act)
        || check.now_ms - check.last_full_look_ms >= f64::from(FULL_LOOK_EVERY_MS)
    {
        NextLook::Every
    } else {
        NextLook::ChangedSince {
            since_ms: check.now_ms - f64::from(LOOK_OVERLAP_MS),
        }
    };
    if !check.full_look {
        complete = false;
        republish.clear();
    }
    let recorded = check
        .batches
        .iter()
        .filter(|batch| batch.recorded_at_ms.is_some());
    FanOutState {
        complete,
        recorded: u32::try_from(recorded.clone().count()).unwrap_or(u32::MAX),
        written: recorded.map(|batch| batch.written).sum(),
        republish,
        next_look,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::WorkerMode;

    const LEASE_MS: f64 = LEASE.lease_ms as f64;

    fn worker(boot: &str) -> RunOwner {
        RunOwner {
            host: "host".into(),
            pid: 1,
            boot: boot.into(),
            mode: WorkerMode::Worker,
        }
    }

    fn claim(boot: &str, heartbeat_at_ms: f64) -> Option<BatchClaim> {
        Some(BatchClaim {
            claimer: worker(boot),
            heartbeat_at_ms,
        })
    }

    fn take(claim: Option<BatchClaim>, now_ms: f64, held_here: bool) -> BatchTake {
        batch_take(&TakeCheck {
            published: true,
            recorded: false,
            run_writing: true,
            claim,
            now_ms,
            this_boot: "me".into(),
            held_here,
        })
    }

    fn batch(
        position: u32,
        claim: Option<BatchClaim>,
        recorded_at_ms: Option<f64>,
        written: u32,
    ) -> PublishedBatch {
        PublishedBatch {
            position,
            published_at_ms: 0.0,
            claim,
            recorded_at_ms,
            written,
        }
    }

    /// A look that read every row.
    fn state(batches: Vec<PublishedBatch>, now_ms: f64, held_here: Vec<u32>) -> FanOutState {
        fan_out_state(&FanOutCheck {
            batches,
            full_look: true,
            last_full_look_ms: now_ms,
            now_ms,
            this_boot: "owner".into(),
            held_here,
            closing: false,
        })
    }

    /// A look that read only the rows changed since the last one, the last full look at `last_full_look_ms`.
    fn changed(batches: Vec<PublishedBatch>, now_ms: f64, last_full_look_ms: f64) -> FanOutState {
        fan_out_state(&FanOutCheck {
            batches,
            full_look: false,
            last_full_look_ms,
            now_ms,
            this_boot: "owner".into(),
            held_here: vec![],
            closing: false,
        })
    }

    fn closing(batches: Vec<PublishedBatch>, now_ms: f64) -> FanOutState {
        fan_out_state(&FanOutCheck {
            batches,
            full_look: true,
            last_full_look_ms: now_ms,
            now_ms,
            this_boot: "owner".into(),
            held_here: vec![],
            closing: true,
        })
    }

    /// The next look after a look at `now_ms` that needs no full one.
    fn changed_since(now_ms: f64) -> NextLook {
        NextLook::ChangedSince {
            since_ms: now_ms - f64::from(LOOK_OVERLAP_MS),
        }
    }

    #[test]
    fn an_unclaimed_batch_is_taken_on_condition_nobody_claimed_it_meanwhile() {
        assert_eq!(take(None, 5.0, false), BatchTake::Take { observed: None });
    }

    #[test]
    fn a_recorded_or_withdrawn_batch_is_left_alone_whoever_claimed_it() {
        let recorded = TakeCheck {
            published: true,
            recorded: true,
            run_writing: false,
            claim: claim("dead", 0.0),
            now_ms: 10.0 * LEASE_MS,
            this_boot: "me".into(),
            held_here: false,
        };
        assert_eq!(
            batch_take(&recorded),
            BatchTake::Skip {
                reason: SkipReason::Recorded
            }
        );
        let withdrawn = TakeCheck {
            published: false,
            recorded: false,
            claim: None,
            ..recorded.clone()
        };
        assert_eq!(
            batch_take(&withdrawn),
            BatchTake::Skip {
                reason: SkipReason::Withdrawn
            }
        );
        let stopped = TakeCheck {
            recorded: false,
            ..recorded
        };
        assert_eq!(
            batch_take(&stopped),
            BatchTake::Skip {
                reason: SkipReason::RunStopped
            }
        );
    }

    #[test]
    fn a_claim_is_taken_over_only_when_its_lease_ran_out() {
        let live = take(claim("other", 1_000.0), 1_000.0 + LEASE_MS - 1.0, false);
        assert_eq!(
            live,
            BatchTake::Skip {
                reason: SkipReason::ClaimedLive
            }
        );
        let dead = take(claim("other", 1_000.0), 1_000.0 + LEASE_MS, false);
        assert_eq!(
            dead,
            BatchTake::Take {
                observed: claim("other", 1_000.0)
            }
        );
    }

    #[test]
    fn a_process_takes_again_a_batch_it_claimed_but_no_longer_writes() {
        // The same event delivered twice to this worker while it writes the batch: left alone.
        assert_eq!(
            take(claim("me", 0.0), 1.0, true),
            BatchTake::Skip {
                reason: SkipReason::ClaimedLive
            }
        );
        // Its claim outlived the write (the process gave the batch up): taken again at once.
        assert_eq!(
            take(claim("me", 0.0), 1.0, false),
            BatchTake::Take {
                observed: claim("me", 0.0)
            }
        );
    }

    #[test]
    fn the_fan_out_is_complete_when_every_batch_has_its_result() {
        let waiting = state(
            vec![
                batch(0, claim("a", 100.0), Some(200.0), 50),
                batch(1, claim("b", 150.0), None, 0),
            ],
            300.0,
            vec![],
        );
        assert_eq!(
            waiting,
            FanOutState {
                complete: false,
                recorded: 1,
                written: 50,
                republish: vec![],
                next_look: changed_since(300.0)
            }
        );
        let done = state(
            vec![
                batch(0, claim("a", 100.0), Some(200.0), 50),
                batch(1, claim("b", 150.0), Some(400.0), 48),
            ],
            500.0,
            vec![],
        );
        assert!(done.complete);
        assert_eq!((done.recorded, done.written), (2, 98));
        assert!(state(vec![], 0.0, vec![]).complete);
    }

    #[test]
    fn the_batches_of_a_dead_claimer_are_published_again() {
        let now = 10_000.0 + LEASE_MS;
        let batches = vec![
            batch(3, claim("killed", 10_000.0), None, 0),
            batch(1, claim("killed", 9_000.0), None, 0),
            batch(2, claim("alive", now - 1.0), None, 0),
            batch(0, claim("killed", 5_000.0), Some(6_000.0), 20),
        ];
        let seen = state(batches, now, vec![]);
        assert_eq!(seen.republish, vec![1, 3]);
        assert!(!seen.complete);
    }

    #[test]
    fn a_dead_claims_batch_is_published_again_once_unless_the_fan_out_stands_still() {
        let now = 10_000.0 + LEASE_MS;
        let republished = PublishedBatch {
            published_at_ms: now,
            ..batch(1, claim("killed", 10_000.0), None, 0)
        };
        let busy = batch(2, claim("alive", now + 100.0), None, 0);
        assert!(state(vec![republished.clone(), busy], now + 100.0, vec![])
            .republish
            .is_empty());
        // Its event lost too: published again once nothing moved for a lease.
        assert_eq!(
            state(vec![republished], now + LEASE_MS, vec![]).republish,
            vec![1]
        );
    }

    #[test]
    fn the_owners_own_claims_are_judged_by_what_it_writes_now() {
        let batches = vec![
            batch(0, claim("owner", 100.0), None, 0),
            batch(1, claim("owner", 100.0), None, 0),
        ];
        assert_eq!(state(batches, 200.0, vec![0]).republish, vec![1]);
    }

    #[test]
    fn unclaimed_batches_are_published_again_only_when_the_fan_out_stood_still_for_a_lease() {
        // Waiting in the queue while another batch's claim beats: left as they are.
        let busy = vec![
            batch(0, claim("a", 2.0 * LEASE_MS), None, 0),
            batch(1, None, None, 0),
        ];
        assert!(state(busy, 2.5 * LEASE_MS, vec![]).republish.is_empty());
        // A result recorded recently also counts as progress.
        let progressing = vec![
            batch(0, claim("a", 0.0), Some(2.0 * LEASE_MS), 10),
            batch(1, None, None, 0),
        ];
        assert!(state(progressing, 2.5 * LEASE_MS, vec![])
            .republish
            .is_empty());
        // Nothing for a lease: the unclaimed batch's event was lost.
        let still = vec![
            batch(0, claim("a", 0.0), Some(LEASE_MS / 2.0), 10),
            batch(1, None, None, 0),
        ];
        assert_eq!(state(still, 1.5 * LEASE_MS, vec![]).republish, vec![1]);
    }

    #[test]
    fn a_closing_fan_out_waits_only_for_the_batches_live_workers_write() {
        let now = 10_000.0 + LEASE_MS;
        let writing = batch(1, claim("alive", now - 1.0), None, 0);
        let batches = vec![
            batch(0, claim("a", 0.0), Some(100.0), 30),
            writing.clone(),
            batch(2, claim("killed", 10_000.0), None, 0),
        ];
        let waiting = closing(batches.clone(), now);
        assert!(!waiting.complete);
        assert!(
            waiting.republish.is_empty(),
            "a stopping run publishes nothing again"
        );
        let recorded = PublishedBatch {
            recorded_at_ms: Some(now),
            written: 50,
            ..writing
        };
        let done = closing(vec![batches[0].clone(), recorded, batches[2].clone()], now);
        assert_eq!(
            done,
            FanOutState {
                complete: true,
                recorded: 2,
                written: 80,
                republish: vec![],
                next_look: changed_since(now)
            }
        );
        // The same batches while the run goes on: the dead claimer's batch is published again.
        assert_eq!(state(batches, now, vec![]).republish, vec![2]);
    }

    #[test]
    fn a_look_at_the_changed_rows_acts_on_nothing_and_asks_for_a_full_look_when_it_would() {
        let now = 10_000.0 + LEASE_MS;
        let recorded = batch(0, claim("a", 100.0), Some(now - 50.0), 40);
        let writing = batch(1, claim("b", now - 10.0), None, 0);
        // Progress from what the owner read; the next look reads the rows changed since shortly before this one.
        let going = changed(vec![recorded.clone(), writing.clone()], now, now - 1_000.0);
        assert_eq!(
            going,
            FanOutState {
                complete: false,
                recorded: 1,
                written: 40,
                republish: vec![],
                next_look: changed_since(now)
            }
        );
        // Every result in as read: not complete until a look that read every row says so.
        let done = PublishedBatch {
            recorded_at_ms: Some(now),
            written: 10,
            ..writing.clone()
        };
        let seems_done = changed(vec![recorded.clone(), done.clone()], now, now - 1_000.0);
        assert_eq!(
            (
                seems_done.complete,
                seems_done.written,
                seems_done.next_look
            ),
            (false, 50, NextLook::Every)
        );
        assert!(state(vec![recorded.clone(), done], now, vec![]).complete);
        // A claim that died as read: published again only by a full look.
        let dead = batch(1, claim("killed", 10_000.0), None, 0);
        let seems_dead = changed(vec![recorded.clone(), dead.clone()], now, now - 1_000.0);
        assert_eq!(
            (seems_dead.republish.clone(), seems_dead.next_look),
            (vec![], NextLook::Every)
        );
        assert_eq!(
            state(vec![recorded.clone(), dead], now, vec![]).republish,
            vec![1]
        );
        // Whatever the changed rows say, every row is read again once the last full look is old enough.
        let every = f64::from(FULL_LOOK_EVERY_MS);
        assert_eq!(
            changed(
                vec![recorded.clone(), writing.clone()],
                now,
                now - every + 1.0
            )
            .next_look,
            changed_since(now)
        );
        assert_eq!(
            changed(vec![recorded, writing], now, now - every).next_look,
            NextLook::Every
        );
    }

    #[test]
    fn the_decisions_cross_the_boundary_in_camel_case() {
        let value = serde_json::to_value(batch_take(&TakeCheck {
            published: true,
            recorded: false,
            run_writing: true,
            claim: claim("x", 1.0),
            now_ms: 1.0 + LEASE_MS,
            this_boot: "me".into(),
            held_here: false,
        }))
        .unwrap();
        assert_eq!(value["kind"], "take");
        assert_eq!(value["observed"]["heartbeatAtMs"], 1.0);
        let skip = serde_json::to_value(SkipReason::ClaimedLive).unwrap();
        assert_eq!(skip, "claimedLive");
        let look = serde_json::to_value(NextLook::ChangedSince { since_ms: 5.0 }).unwrap();
        assert_eq!(
            look,
            serde_json::json!({ "kind": "changedSince", "sinceMs": 5.0 })
        );
    }
}
