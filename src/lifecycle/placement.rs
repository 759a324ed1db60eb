//! Where a run executes.
//!
//! Medusa runs an instance in one of three worker modes: `server` (API routes only: no scheduled job and no event
//! subscriber runs there), `worker` (scheduled jobs and subscribers, no API route) or `shared` (everything). A run
//! executes in a process that runs background work: a `server` records the run and hands it to the workers
//! through Medusa's event bus, any other instance executes it itself. A run executing in a `worker` writes its
//! batches through the workers (see [`super::fanout`]); a `shared` instance writes them itself.

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

/// Where the write batches of a run executing in an instance are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum WriteSite {
    /// In the run's owner, as it goes (a `shared` instance: one process, Medusa's local event bus).
    ThisProcess,
    /// By every worker, the owner included: the owner publishes the batches of one kind through the event bus and
    /// waits for their results.
    Workers,
}

/// Where the batches of a run executing in an instance in `mode` are written: a `worker` spreads them across the
/// workers, a `shared` instance (and a `server`, which executes no run) writes them itself.
///
/// ```
/// use catalog_sync::lifecycle::{write_site, WorkerMode, WriteSite};
/// assert_eq!(write_site(WorkerMode::Worker), WriteSite::Workers);
/// assert_eq!(write_site(WorkerMode::Shared), WriteSite::ThisProcess);
/// ```
pub fn write_site(mode: WorkerMode) -> WriteSite {
    match mode {
        WorkerMode::Worker => WriteSite::Workers,
        WorkerMode::Shared | WorkerMode::Server => WriteSite::ThisProcess,
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

    #[test]
    fn only_a_worker_spreads_its_writes() {
        assert_eq!(write_site(WorkerMode::Worker), WriteSite::Workers);
        assert_eq!(write_site(WorkerMode::Server), WriteSite::ThisProcess);
        assert_eq!(
            serde_json::to_value(write_site(WorkerMode::Shared)).unwrap(),
            serde_json::json!("thisProcess")
        );
    }
}
