//! Where a run executes.
//!
//! Medusa runs an instance in one of three worker modes: `server` (API routes only: no scheduled job and no event
//! subscriber runs there), `worker` (scheduled jobs and subscribers, no API route) or `shared` (everything). A run
//! executes in a process that runs background work: a `server` records the run and hands it to the workers
//! through Medusa's event bus, any other instance executes it itself.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Medusa's worker mode of an instance (`projectConfig.workerMode`, or `MEDUSA_WORKER_MODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum WorkerMode {
    /// API routes, scheduled jobs and subscribers in one process (Medusa's default).
    Shared,
    /// API routes and the admin only.
    Server,
    /// Scheduled jobs and event subscribers only.
    Worker,
}

impl WorkerMode {
    /// The mode's text, as Medusa spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkerMode::Shared => "shared",
            WorkerMode::Server => "server",
            WorkerMode::Worker => "worker",
        }
    }
}

/// Where a run that an instance records executes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ExecutionSite {
    /// In the recording process, which owns the run from the start.
    ThisProcess,
    /// In a worker: the run is recorded without an owner and handed to the workers (one event, whose
    /// subscriber in a worker takes the run).
    Workers,
}

/// Where the runs an instance in `mode` records execute: a `server` hands them to the workers, any other
/// instance executes them itself.
///
/// ```
/// use catalog_sync::lifecycle::{execution_site, ExecutionSite, WorkerMode};
/// assert_eq!(execution_site(WorkerMode::Server), ExecutionSite::Workers);
/// assert_eq!(execution_site(WorkerMode::Shared), ExecutionSite::ThisProcess);
/// ```
pub fn execution_site(mode: WorkerMode) -> ExecutionSite {
    match mode {
        WorkerMode::Server => ExecutionSite::Workers,
        WorkerMode::Shared | WorkerMode::Worker => ExecutionSite::ThisProcess,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_server_hands_its_runs_over() {
        assert_eq!(
            execution_site(WorkerMode::Worker),
            ExecutionSite::ThisProcess
        );
        assert_eq!(
            serde_json::to_value(execution_site(WorkerMode::Server)).unwrap(),
            serde_json::json!("workers")
        );
        let mode: WorkerMode = serde_json::from_value(serde_json::json!("worker")).unwrap();
        assert_eq!(mode.as_str(), "worker");
    }
}
