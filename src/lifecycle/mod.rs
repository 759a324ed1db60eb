//! The life of a run across Medusa instances: its statuses and the transitions between them, who owns a running
//! run and whether that owner is still alive, how a run ends and with which message, and where it executes.
//!
//! Several Medusa processes (one or more `server` instances, one or more `worker` instances) share one database.
//! At most one run may be `running` at a time, and a run belongs to one process at a time. The host enforces both
//! with conditional updates (compare-and-set) whose preconditions come from here:
//!
//! * [`status`]: the statuses of a run ([`SyncRunStatus`]), the events that move it ([`RunEvent`]) and, for each
//!   event, the transition ([`RunTransition`]: the status required, the status reached, and what else the update
//!   must match — [`RunGuard`]). Invalid transitions are refused ([`RunTransition::apply`]). Whether an
//!   operator's request to stop a run is recorded ([`check_cancel`]).
//! * [`liveness`]: who owns a run ([`RunOwner`]), the heartbeat and lease figures ([`LEASE`]), and whether the
//!   owner of a running run is alive ([`run_liveness`]): a pure function of the owner, its last heartbeat, the
//!   current time (the database's clock, so all instances agree) and the calling process.
//! * [`ending`]: how a run ends ([`RunEnding`] → [`RunEnd`]: the transition and the message of a failed or
//!   interrupted run), and how often a final-status write that failed is tried again ([`final_write_retry_delay`]).
//! * [`placement`]: where a run executes, from the instance's worker mode ([`execution_site`]), and where its
//!   batches are written ([`write_site`]).
//! * [`fanout`]: one run's write batches spread across the workers — whether a worker takes a published batch
//!   ([`batch_take`]: a claim whose lease ran out is taken over) and what the owner makes of the published batches
//!   ([`fan_out_state`]: complete, products written, which to publish again, how to read the rows next).

pub mod ending;
pub mod fanout;
pub mod liveness;
pub mod placement;
pub mod status;

pub use ending::{end_run, final_write_retry_delay, RunEnd, RunEnding, FINAL_WRITE_RETRIES};
pub use fanout::{
    batch_take, fan_out_state, BatchClaim, BatchTake, FanOutCheck, FanOutState, NextLook,
    PublishedBatch, SkipReason, TakeCheck, FULL_LOOK_EVERY_MS, LOOK_OVERLAP_MS,
};
pub use liveness::{
    run_liveness, DeathReason, LeaseFigures, Liveness, LivenessInput, RunOwner, LEASE,
};
pub use placement::{execution_site, write_site, ExecutionSite, WorkerMode, WriteSite};
pub use status::{
    check_cancel, run_transition, CancelVerdict, RunEvent, RunGuard, RunTransition, SyncRunStatus,
    TransitionRefused,
};

#[cfg(test)]
mod protocol_tests;
