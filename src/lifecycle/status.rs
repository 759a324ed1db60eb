//! The statuses of a run and the transitions between them.
//!
//! ```text
//!            queue                 start queued
//!   (none) ─────────▶ queued ─────────────────────┐
//!     │                                           ▼
//!     └──────────────── begin ───────────────▶ running ──(claim, heartbeat: running)
//!                                                 │
//!                  finish (owner) ────────────────┼──▶ success | partial | failed
//!                  cancel (owner, on request) ────┼──▶ cancelled
//!                  interrupt (another process) ───┴──▶ interrupted
//! ```
//!
//! Every ended status is final: nothing moves a run out of it. A run is stopped on purpose in two moves: an operator
//! asks (the request is recorded on the run, see [`check_cancel`]), and the owner, at its next batch boundary,
//! ends the run `cancelled` ([`RunEvent::Cancel`], guarded by its ownership like a finish).

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::report::RunStatus;

/// The status of a run, as its record stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SyncRunStatus {
    /// A webhook run waiting for the running sync to end; it collects the ids of later webhook calls.
    Queued,
    /// The run executes (or has been handed to the workers and waits for one to take it).
    Running,
    /// Ended: everything fetched was valid and written.
    Success,
    /// Ended: some products were rejected or refused; the rest went through.
    Partial,
    /// Ended: nothing could be synced, or the sync itself failed (source down, workflow error).
    Failed,
    /// Ended: its process stopped (killed, crashed, lost its database) and another process took the run over.
    Interrupted,
    /// Ended: an operator stopped it; its owner stopped at a batch boundary, with what it had written so far.
    Cancelled,
}

impl SyncRunStatus {
    /// Every status, in life-cycle order.
    pub const ALL: &'static [SyncRunStatus] = &[
        SyncRunStatus::Queued,
        SyncRunStatus::Running,
        SyncRunStatus::Success,
        SyncRunStatus::Partial,
        SyncRunStatus::Failed,
        SyncRunStatus::Interrupted,
        SyncRunStatus::Cancelled,
    ];

    /// The status's text, as stored (`"running"`).
    pub fn as_str(self) -> &'static str {
        match self {
            SyncRunStatus::Queued => "queued",
            SyncRunStatus::Running => "running",
            SyncRunStatus::Success => "success",
            SyncRunStatus::Partial => "partial",
            SyncRunStatus::Failed => "failed",
            SyncRunStatus::Interrupted => "interrupted",
            SyncRunStatus::Cancelled => "cancelled",
        }
    }

    /// Whether the run has ended (a final status).
    pub fn is_ended(self) -> bool {
        match self {
            SyncRunStatus::Queued | SyncRunStatus::Running => false,
            SyncRunStatus::Success
            | SyncRunStatus::Partial
            | SyncRunStatus::Failed
            | SyncRunStatus::Interrupted
            | SyncRunStatus::Cancelled => true,
        }
    }
}

impl From<RunStatus> for SyncRunStatus {
    fn from(outcome: RunStatus) -> Self {
        match outcome {
            RunStatus::Success => SyncRunStatus::Success,
            RunStatus::Partial => SyncRunStatus::Partial,
            RunStatus::Failed => SyncRunStatus::Failed,
        }
    }
}

impl fmt::Display for SyncRunStatus {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// Something that happens to a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum RunEvent {
    /// A webhook run is recorded to wait for the running sync (its record is created `queued`).
    Queue,
    /// A run is recorded as running at once (Sync Now, the schedule): its record is created `running`.
    Begin,
    /// The queued run starts.
    StartQueued,
    /// A worker takes a run that a server recorded and handed to the workers (the run gets its owner).
    Claim,
    /// The owner proves it is alive and still owns the run (timer, progress, each batch boundary).
    Heartbeat,
    /// The owner ends the run with the outcome of its report, or `failed` when the sync itself failed.
    Finish {
        /// The outcome.
        outcome: RunStatus,
    },
    /// Another process ends a running run whose owner it judged gone ([`crate::lifecycle::run_liveness`]).
    Interrupt,
    /// The owner stops a run an operator asked to stop, at a batch boundary.
    Cancel,
}

/// What a transition's update must match besides the run's id and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RunGuard {
    /// Nothing more: any process may apply it (creating a record, starting the queued run).
    None,
    /// The run's owner must be the calling process: a process that lost its run changes nothing.
    Owner,
    /// The run must have no owner yet (handed to the workers, not yet taken): one worker takes it.
    Unclaimed,
    /// The run's owner and heartbeat must still be those the caller observed when it judged the owner gone: an
    /// owner that proved alive meanwhile keeps its run.
    Observed,
}

/// How an event moves a run: the host applies it as one conditional update (or insert) and checks that it
/// applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RunTransition {
    /// The status the run must have; `null`: the run must not exist yet (its record is created).
    pub from: Option<SyncRunStatus>,
    /// The status the run has afterwards.
    pub to: SyncRunStatus,
    /// What else the update must match.
    pub guard: RunGuard,
}

/// An event that does not apply to a run in its current status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a run {} cannot {event:?}: it must be {}", describe(*current), describe(*required))]
pub struct TransitionRefused {
    /// The run's status (`None`: no record).
    pub current: Option<SyncRunStatus>,
    /// The status the event requires.
    pub required: Option<SyncRunStatus>,
    /// The refused event.
    pub event: RunEvent,
}

/// "queued", or "absent" for a run without record.
fn describe(status: Option<SyncRunStatus>) -> &'static str {
    status.map_or("absent", SyncRunStatus::as_str)
}

/// The transition an event makes.
///
/// ```
/// use catalog_sync::lifecycle::{run_transition, RunEvent, RunGuard, SyncRunStatus};
/// let start = run_transition(RunEvent::StartQueued);
/// assert_eq!((start.from, start.to, start.guard), (Some(SyncRunStatus::Queued), SyncRunStatus::Running, RunGuard::None));
/// ```
pub fn run_transition(event: RunEvent) -> RunTransition {
    use SyncRunStatus::{Queued, Running};
    let (from, to, guard) = match event {
        RunEvent::Queue => (None, Queued, RunGuard::None),
        RunEvent::Begin => (None, Running, RunGuard::None),
        RunEvent::StartQueued => (Some(Queued), Running, RunGuard::None),
        RunEvent::Claim => (Some(Running), Running, RunGuard::Unclaimed),
        RunEvent::Heartbeat => (Some(Running), Running, RunGuard::Owner),
        RunEvent::Finish { outcome } => (Some(Running), outcome.into(), RunGuard::Owner),
        RunEvent::Interrupt => (
            Some(Running),
            SyncRunStatus::Interrupted,
            RunGuard::Observed,
        ),
        RunEvent::Cancel => (Some(Running), SyncRunStatus::Cancelled, RunGuard::Owner),
    };
    RunTransition { from, to, guard }
}

impl RunTransition {
    /// The status after `event` (whose transition this is) for a run in status `current`, or the refusal. The
    /// guard is the host's to check (it compares the record's owner and heartbeat in the same update).
    pub fn apply(
        self,
        current: Option<SyncRunStatus>,
        event: RunEvent,
    ) -> Result<SyncRunStatus, TransitionRefused> {
        if current == self.from {
            Ok(self.to)
        } else {
            Err(TransitionRefused {
                current,
                required: self.from,
                event,
            })
        }
    }
}

/// Whether an operator's request to stop a run is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum CancelVerdict {
    /// Record the request on the run (a conditional update on status `running`); its owner stops at its next batch
    /// boundary and ends the run `cancelled`.
    Accepted,
    /// The request was already recorded: nothing more to do (answered like an accepted one).
    AlreadyRequested,
    /// Nothing to stop: answer 409 with the message.
    Refused {
        /// Why, for the operator.
        message: String,
    },
}

/// Decides an operator's request to stop run `run_id` in status `status` (`cancel_requested`: whether a request is
/// already recorded). Only a running run can be stopped: a queued run has not started, an ended one is over.
///
/// ```
/// use catalog_sync::lifecycle::{check_cancel, CancelVerdict, SyncRunStatus};
/// assert_eq!(check_cancel("csrun_1", SyncRunStatus::Running, false), CancelVerdict::Accepted);
/// assert!(matches!(check_cancel("csrun_1", SyncRunStatus::Success, false), CancelVerdict::Refused { .. }));
/// ```
pub fn check_cancel(run_id: &str, status: SyncRunStatus, cancel_requested: bool) -> CancelVerdict {
    match status {
        SyncRunStatus::Running if cancel_requested => CancelVerdict::AlreadyRequested,
        SyncRunStatus::Running => CancelVerdict::Accepted,
        SyncRunStatus::Queued => CancelVerdict::Refused {
            message: format!(
                "run {run_id} is queued and has not started: there is nothing to stop yet"
            ),
        },
        ended => CancelVerdict::Refused {
            message: format!("run {run_id} already ended ({ended}): there is nothing to stop"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event, the finishes with each outcome.
    fn events() -> Vec<RunEvent> {
        let mut events = vec![
            RunEvent::Queue,
            RunEvent::Begin,
            RunEvent::StartQueued,
            RunEvent::Claim,
            RunEvent::Heartbeat,
            RunEvent::Interrupt,
            RunEvent::Cancel,
        ];
        for outcome in [RunStatus::Success, RunStatus::Partial, RunStatus::Failed] {
            events.push(RunEvent::Finish { outcome });
        }
        events
    }

    fn step(
        current: Option<SyncRunStatus>,
        event: RunEvent,
    ) -> Result<SyncRunStatus, TransitionRefused> {
        run_transition(event).apply(current, event)
    }

    #[test]
    fn the_life_of_a_run() {
        let queued = step(None, RunEvent::Queue).unwrap();
        let running = step(Some(queued), RunEvent::StartQueued).unwrap();
        assert_eq!(running, SyncRunStatus::Running);
        assert_eq!(
            step(Some(running), RunEvent::Claim),
            Ok(SyncRunStatus::Running)
        );
        assert_eq!(
            step(Some(running), RunEvent::Heartbeat),
            Ok(SyncRunStatus::Running)
        );
        let finish = |outcome| step(Some(running), RunEvent::Finish { outcome });
        assert_eq!(finish(RunStatus::Success), Ok(SyncRunStatus::Success));
        assert_eq!(finish(RunStatus::Partial), Ok(SyncRunStatus::Partial));
        assert_eq!(finish(RunStatus::Failed), Ok(SyncRunStatus::Failed));
        assert_eq!(
            step(Some(running), RunEvent::Interrupt),
            Ok(SyncRunStatus::Interrupted)
        );
        assert_eq!(step(None, RunEvent::Begin), Ok(SyncRunStatus::Running));
        assert_eq!(
            step(Some(running), RunEvent::Cancel),
            Ok(SyncRunStatus::Cancelled)
        );
        assert!(step(Some(queued), RunEvent::Cancel).is_err());
    }

    #[test]
    fn only_a_running_run_can_be_asked_to_stop() {
        assert_eq!(
            check_cancel("r", SyncRunStatus::Running, false),
            CancelVerdict::Accepted
        );
        assert_eq!(
            check_cancel("r", SyncRunStatus::Running, true),
            CancelVerdict::AlreadyRequested
        );
        let queued = check_cancel("r", SyncRunStatus::Queued, false);
        assert_eq!(
            queued,
            CancelVerdict::Refused {
                message: "run r is queued and has not started: there is nothing to stop yet".into()
            }
        );
        for ended in SyncRunStatus::ALL.iter().filter(|status| status.is_ended()) {
            let CancelVerdict::Refused { message } = check_cancel("r", *ended, true) else {
                panic!("{ended} must be refused");
            };
            assert_eq!(
                message,
                format!("run r already ended ({ended}): there is nothing to stop")
            );
        }
    }

    #[test]
    fn an_ended_run_never_moves_again() {
        for ended in SyncRunStatus::ALL.iter().filter(|status| status.is_ended()) {
            for event in events() {
                let refused = step(Some(*ended), event).unwrap_err();
                assert_eq!(refused.current, Some(*ended));
            }
        }
    }

    #[test]
    fn invalid_transitions_are_refused_with_a_message() {
        let refused = step(Some(SyncRunStatus::Running), RunEvent::StartQueued).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "a run running cannot StartQueued: it must be queued"
        );
        assert!(step(Some(SyncRunStatus::Queued), RunEvent::Heartbeat).is_err());
        assert!(step(Some(SyncRunStatus::Queued), RunEvent::Interrupt).is_err());
        assert!(step(None, RunEvent::Heartbeat).is_err());
        assert!(step(Some(SyncRunStatus::Running), RunEvent::Begin).is_err());
        assert!(step(Some(SyncRunStatus::Queued), RunEvent::Queue).is_err());
    }

    #[test]
    fn only_owner_guarded_events_let_a_process_write_to_its_run() {
        for event in events() {
            let transition = run_transition(event);
            let expected = match event {
                RunEvent::Heartbeat | RunEvent::Finish { .. } | RunEvent::Cancel => RunGuard::Owner,
                RunEvent::Claim => RunGuard::Unclaimed,
                RunEvent::Interrupt => RunGuard::Observed,
                RunEvent::Queue | RunEvent::Begin | RunEvent::StartQueued => RunGuard::None,
            };
            assert_eq!(transition.guard, expected, "{event:?}");
            assert!(
                !matches!(transition.from, Some(from) if from.is_ended()),
                "{event:?}"
            );
        }
    }

    #[test]
    fn statuses_serialize_as_their_text() {
        for status in SyncRunStatus::ALL {
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::json!(status.as_str())
            );
        }
        let finish: RunEvent =
            serde_json::from_value(serde_json::json!({ "kind": "finish", "outcome": "partial" }))
                .unwrap();
        assert_eq!(
            finish,
            RunEvent::Finish {
                outcome: RunStatus::Partial
            }
        );
        assert_eq!(
            serde_json::to_value(run_transition(RunEvent::Claim)).unwrap(),
            serde_json::json!({ "from": "running", "to": "running", "guard": "unclaimed" })
        );
    }
}
