//! The deadline of a run: `runTimeoutMs` after its start.
//!
//! The host passes the run's start and the current time; the core says whether the run is past its deadline
//! and, when it is, what the run reports. The fetch stops at once (nothing is written yet: the run fails), the
//! image copy stops before its next download (the run fails), the writes stop at the next batch boundary (the
//! run ends `partial` when some batches were written, `failed` otherwise).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{RunError, RunErrorCode};

/// The phase of a run that can reach the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum RunPhase {
    /// Fetching the source.
    Fetch,
    /// Copying images into the store.
    Images,
    /// Writing products.
    Write,
    /// Writing stock levels.
    Stock,
}

impl RunPhase {
    /// The phase in a sentence: `while fetching the source`.
    fn describe(self) -> &'static str {
        match self {
            RunPhase::Fetch => "while fetching the source",
            RunPhase::Images => "while copying images",
            RunPhase::Write => "while writing products",
            RunPhase::Stock => "while writing stock levels",
        }
    }
}

/// When a run must end: `run_timeout_ms` after `started_at_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RunDeadline {
    /// When the run started, in milliseconds since the Unix epoch.
    pub started_at_ms: f64,
    /// The `runTimeoutMs` option.
    pub run_timeout_ms: u32,
}

impl RunDeadline {
    /// The deadline, in milliseconds since the Unix epoch.
    pub fn at_ms(&self) -> f64 {
        self.started_at_ms + f64::from(self.run_timeout_ms)
    }

    /// Whether the run is past its deadline at `now_ms` (a time that is not a number counts as past it).
    pub fn passed(&self, now_ms: f64) -> bool {
        now_ms.partial_cmp(&self.at_ms()) != Some(std::cmp::Ordering::Less)
    }

    /// The timeout to report when the run is past its deadline at `now_ms` in `phase`, else `None`.
    pub fn check(&self, now_ms: f64, phase: RunPhase) -> Option<RunTimeout> {
        self.passed(now_ms)
            .then(|| RunTimeout::new(phase, self.run_timeout_ms))
    }
}

/// A run reached its deadline in a phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RunTimeout {
    /// Where the run was.
    pub phase: RunPhase,
    /// The `runTimeoutMs` option.
    pub run_timeout_ms: u32,
    /// What the run reports: names the option and the phase, and says what happens to the rest.
    pub message: String,
}

impl RunTimeout {
    /// The timeout of a run that reached its `run_timeout_ms` deadline in `phase`.
    pub fn new(phase: RunPhase, run_timeout_ms: u32) -> Self {
        RunTimeout {
            phase,
            run_timeout_ms,
            message: Self::describe(phase, run_timeout_ms),
        }
    }

    fn describe(phase: RunPhase, run_timeout_ms: u32) -> String {
        let rest = match phase {
            RunPhase::Fetch | RunPhase::Images => "nothing was written",
            RunPhase::Write | RunPhase::Stock => {
                "it stopped at a batch boundary; the next sync writes what is left"
            }
        };
        format!(
            "the run reached its deadline (runTimeoutMs: {run_timeout_ms} ms) {}: {rest}",
            phase.describe()
        )
    }

    /// The run error the report carries (code `RUN_TIMEOUT`).
    pub fn run_error(&self) -> RunError {
        RunError::new(None, None, RunErrorCode::RunTimeout, &self.message)
    }
}

/// Input of the boundary's deadline check.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeadlineCheck {
    /// The run's deadline.
    pub deadline: RunDeadline,
    /// The current time, in milliseconds since the Unix epoch.
    pub now_ms: f64,
    /// The phase the run is in.
    pub phase: RunPhase,
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: f64 = 1_700_000_000_000.0;

    fn deadline(ms: u32) -> RunDeadline {
        RunDeadline {
            started_at_ms: START,
            run_timeout_ms: ms,
        }
    }

    #[test]
    fn a_run_is_past_its_deadline_from_start_plus_the_timeout_on() {
        let d = deadline(3000);
        assert_eq!(d.at_ms(), START + 3000.0);
        assert!(!d.passed(START));
        assert!(!d.passed(START + 2999.0));
        assert!(d.passed(START + 3000.0));
        assert!(d.passed(START + 1e9));
        assert!(
            d.passed(f64::NAN),
            "a broken clock stops the run rather than never"
        );
        assert_eq!(d.check(START + 10.0, RunPhase::Write), None);
    }

    #[test]
    fn the_timeout_names_the_option_and_the_phase() {
        let fetch = deadline(3000)
            .check(START + 3000.0, RunPhase::Fetch)
            .unwrap();
        assert_eq!(
            fetch.message,
            "the run reached its deadline (runTimeoutMs: 3000 ms) while fetching the source: nothing was written"
        );
        let write = deadline(3000)
            .check(START + 5000.0, RunPhase::Write)
            .unwrap();
        assert!(write.message.contains("while writing products"));
        assert!(write.message.contains("batch boundary"));
        let error = write.run_error();
        assert!(error.has_code(RunErrorCode::RunTimeout));
        assert_eq!(error.source_id, None);
        let images = deadline(1000)
            .check(START + 1000.0, RunPhase::Images)
            .unwrap();
        assert!(images
            .message
            .contains("while copying images: nothing was written"));
    }

    #[test]
    fn inputs_use_the_contract_shapes() {
        let check: DeadlineCheck = serde_json::from_value(serde_json::json!({
            "deadline": { "startedAtMs": START, "runTimeoutMs": 1000 }, "nowMs": START, "phase": "stock"
        }))
        .unwrap();
        assert_eq!(check.phase, RunPhase::Stock);
        assert_eq!(check.deadline.run_timeout_ms, 1000);
    }
}
