//! How a run ends: the transition that ends it and the message of a run that failed or was interrupted, and how
//! a final-status write that failed is tried again.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::liveness::{DeathReason, RunOwner, LEASE};
use super::status::{run_transition, RunEvent, RunTransition};
use crate::model::RunError;
use crate::report::RunStatus;

/// How a run came to its end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum RunEnding {
    /// The sync ran to its end: the report's outcome and errors (`summarizeRun`).
    Completed {
        /// The report's status.
        status: RunStatus,
        /// The report's errors.
        errors: Vec<RunError>,
    },
    /// The sync itself failed (source down, a workflow error), with the error's message when there is one.
    Failed {
        /// The error's message.
        message: Option<String>,
    },
    /// Another process judged the owner gone ([`crate::lifecycle::run_liveness`]) and takes the run over.
    Interrupted {
        /// The owner the record named (`null`: the run was handed to the workers and none took it).
        owner: Option<RunOwner>,
        /// Why the owner is gone.
        reason: DeathReason,
    },
    /// An operator asked to stop the run (`cancel_requested_at`), and its owner stopped at a batch boundary.
    Cancelled {
        /// The products written before it stopped (created, updated, completed, archived, deleted).
        written: usize,
    },
}

/// The end of a run: how its record changes, and the message it keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RunEnd {
    /// The transition to apply (a finish by the owner, or an interrupt by another process).
    pub transition: RunTransition,
    /// The run's `error_message`: why it failed or was interrupted; `null` for a run that went through.
    pub error_message: Option<String>,
}

/// The end of a run: its final status and message.
///
/// A completed run gets its report's status; when that is `failed`, the message is the first error's (or a
/// generic one). A failed sync keeps its error's message. An interrupted run says whose process stopped and how
/// the takeover knew.
///
/// ```
/// use catalog_sync::lifecycle::{end_run, RunEnding, SyncRunStatus};
/// let end = end_run(&RunEnding::Failed { message: Some("GET http://x/products: 503".into()) });
/// assert_eq!(end.transition.to, SyncRunStatus::Failed);
/// assert_eq!(end.error_message.as_deref(), Some("GET http://x/products: 503"));
/// ```
pub fn end_run(ending: &RunEnding) -> RunEnd {
    match ending {
        RunEnding::Completed { status, errors } => RunEnd {
            transition: run_transition(RunEvent::Finish { outcome: *status }),
            error_message: (*status == RunStatus::Failed).then(|| {
                errors.first().map_or_else(
                    || "the sync failed".to_string(),
                    |error| error.message.clone(),
                )
            }),
        },
        RunEnding::Failed { message } => RunEnd {
            transition: run_transition(RunEvent::Finish {
                outcome: RunStatus::Failed,
            }),
            error_message: Some(
                message
                    .clone()
                    .filter(|text| !text.trim().is_empty())
                    .unwrap_or_else(|| "the sync workflow failed".to_string()),
            ),
        },
        RunEnding::Interrupted { owner, reason } => RunEnd {
            transition: run_transition(RunEvent::Interrupt),
            error_message: Some(interrupted_message(owner.as_ref(), *reason)),
        },
        RunEnding::Cancelled { written } => RunEnd {
            transition: run_transition(RunEvent::Cancel),
            error_message: Some(format!(
                "cancelled by an operator: stopped at a batch boundary after writing {written} product(s); \
                 nothing is half-written, and the next sync completes what is left"
            )),
        },
    }
}

/// The message of an interrupted run.
fn interrupted_message(owner: Option<&RunOwner>, reason: DeathReason) -> String {
    let lease_s = LEASE.lease_ms / 1000;
    let Some(owner) = owner else {
        return format!(
            "interrupted: no worker took the run within its {lease_s} s lease (are the worker instances running?)"
        );
    };
    let who = owner.describe();
    match reason {
        DeathReason::LeaseExpired { silent_ms } => format!(
            "interrupted: its process ({who}) gave no sign of life for {} s (lease {lease_s} s); another instance took the run over",
            (silent_ms / 1000.0).floor()
        ),
        DeathReason::AbandonedHere => format!(
            "interrupted: its process ({who}) stopped executing it without saving its end"
        ),
        DeathReason::NoHeartbeat => {
            format!("interrupted: its process ({who}) never gave a sign of life")
        }
        DeathReason::ShutDown => format!(
            "interrupted: its process ({who}) was shut down while it ran; the next sync completes what is left"
        ),
    }
}

/// How many times a final-status write that failed is tried again.
pub const FINAL_WRITE_RETRIES: u32 = 4;

/// The wait before trying again a final-status write that failed `attempt` times (1, 2, …): 0.5 s, 1 s, 2 s,
/// 4 s; `None` after [`FINAL_WRITE_RETRIES`]. The owner keeps its heartbeat while it retries (7.5 s in all, well
/// within the lease); then it gives the run up: the lease runs out and another process interrupts the run, so a
/// live process never keeps a run `running` that it no longer executes.
///
/// ```
/// use catalog_sync::lifecycle::final_write_retry_delay;
/// assert_eq!(final_write_retry_delay(1), Some(500));
/// assert_eq!(final_write_retry_delay(5), None);
/// ```
pub fn final_write_retry_delay(attempt: u32) -> Option<u32> {
    (1..=FINAL_WRITE_RETRIES)
        .contains(&attempt)
        .then(|| 500 * 2u32.pow(attempt - 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::{RunGuard, SyncRunStatus, WorkerMode};
    use crate::model::RunErrorCode;

    fn completed(status: RunStatus, messages: &[&str]) -> RunEnd {
        end_run(&RunEnding::Completed {
            status,
            errors: messages
                .iter()
                .map(|message| RunError::new(Some(1), None, RunErrorCode::WriteFailed, *message))
                .collect(),
        })
    }

    #[test]
    fn a_completed_run_takes_its_reports_status_and_a_failed_one_its_first_error() {
        let success = completed(RunStatus::Success, &[]);
        assert_eq!(success.transition.to, SyncRunStatus::Success);
        assert_eq!(success.transition.guard, RunGuard::Owner);
        assert_eq!(success.error_message, None);
        assert_eq!(completed(RunStatus::Partial, &["a"]).error_message, None);
        let failed = completed(RunStatus::Failed, &["first", "second"]);
        assert_eq!(failed.transition.to, SyncRunStatus::Failed);
        assert_eq!(failed.error_message.as_deref(), Some("first"));
        assert_eq!(
            completed(RunStatus::Failed, &[]).error_message.as_deref(),
            Some("the sync failed")
        );
    }

    #[test]
    fn a_failed_sync_keeps_its_message_or_gets_a_generic_one() {
        for message in [None, Some(String::new()), Some("  ".to_string())] {
            assert_eq!(
                end_run(&RunEnding::Failed { message })
                    .error_message
                    .as_deref(),
                Some("the sync workflow failed")
            );
        }
    }

    #[test]
    fn an_interrupted_run_says_whose_process_stopped_and_how_it_was_known() {
        let owner = RunOwner {
            host: "box".into(),
            pid: 7,
            boot: "b".into(),
            mode: WorkerMode::Worker,
        };
        let expired = end_run(&RunEnding::Interrupted {
            owner: Some(owner.clone()),
            reason: DeathReason::LeaseExpired {
                silent_ms: 23_400.0,
            },
        });
        assert_eq!(expired.transition.to, SyncRunStatus::Interrupted);
        assert_eq!(expired.transition.guard, RunGuard::Observed);
        assert_eq!(
            expired.error_message.as_deref(),
            Some("interrupted: its process (worker pid 7 on box) gave no sign of life for 23 s (lease 20 s); another instance took the run over")
        );
        let abandoned = end_run(&RunEnding::Interrupted {
            owner: Some(owner.clone()),
            reason: DeathReason::AbandonedHere,
        });
        assert!(abandoned
            .error_message
            .unwrap()
            .contains("stopped executing it"));
        let shut_down = end_run(&RunEnding::Interrupted {
            owner: Some(owner),
            reason: DeathReason::ShutDown,
        });
        assert_eq!(shut_down.transition.guard, RunGuard::Observed);
        assert_eq!(
            shut_down.error_message.as_deref(),
            Some("interrupted: its process (worker pid 7 on box) was shut down while it ran; the next sync completes what is left")
        );
        let unclaimed = end_run(&RunEnding::Interrupted {
            owner: None,
            reason: DeathReason::LeaseExpired {
                silent_ms: 30_000.0,
            },
        });
        assert!(unclaimed
            .error_message
            .unwrap()
            .contains("no worker took the run"));
    }

    #[test]
    fn a_cancelled_run_ends_by_its_owner_and_says_what_it_wrote() {
        let end = end_run(&RunEnding::Cancelled { written: 50 });
        assert_eq!(end.transition.to, SyncRunStatus::Cancelled);
        assert_eq!(end.transition.guard, RunGuard::Owner);
        assert_eq!(
            end.error_message.as_deref(),
            Some("cancelled by an operator: stopped at a batch boundary after writing 50 product(s); nothing is half-written, and the next sync completes what is left")
        );
    }

    #[test]
    fn final_writes_are_retried_a_bounded_number_of_times_within_the_lease() {
        let delays: Vec<u32> = (1..).map_while(final_write_retry_delay).collect();
        assert_eq!(delays, vec![500, 1000, 2000, 4000]);
        assert_eq!(final_write_retry_delay(0), None);
        assert!(delays.iter().sum::<u32>() < LEASE.lease_ms);
    }
}
