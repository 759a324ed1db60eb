//! Who owns a running run, and whether that owner is still alive.
//!
//! A running run belongs to one process, its [`RunOwner`] (a run handed to the workers has none until a worker
//! takes it). The owner proves it is alive by writing a heartbeat every [`LeaseFigures::heartbeat_interval_ms`];
//! the heartbeat gives it a lease of [`LeaseFigures::lease_ms`]. A run whose lease has run out has no live owner,
//! whatever the owner's host name or process id: instances in separate PID namespaces may share both, so neither
//! says anything about another instance. The times are the database's clock (`now()`), so every instance judges
//! with the same clock.
//!
//! The only thing a process knows better than the lease is itself: a run it owns but no longer executes (it gave
//! up saving the final status) is dead at once for it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::placement::WorkerMode;

/// The process that owns a running run: stored on the run record, shown in the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunOwner {
    /// Host name of the machine (or container) the process runs on.
    pub host: String,
    /// Process id (within its PID namespace).
    pub pid: u32,
    /// Random per process start: the identity of the owner (two processes never share one).
    pub boot: String,
    /// The Medusa worker mode of the instance.
    pub mode: WorkerMode,
}

/// The heartbeat and lease of a running run, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LeaseFigures {
    /// How often the owner of a running run writes its heartbeat (besides every batch boundary).
    pub heartbeat_interval_ms: u32,
    /// How long a heartbeat keeps the run its owner's: a run whose last heartbeat is older has no live owner and
    /// is taken over. Four heartbeats fit in it, so an owner survives three missed ones (a busy event loop, a slow
    /// database), and a killed run is taken over within the lease plus one tick of the job that looks for them.
    pub lease_ms: u32,
}

/// The figures every instance uses: a heartbeat every 5 s, a lease of 20 s.
pub const LEASE: LeaseFigures = LeaseFigures {
    heartbeat_interval_ms: 5_000,
    lease_ms: 20_000,
};

/// Input of [`run_liveness`]: a running run as its record says, and who asks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LivenessInput {
    /// The run's owner; `null` for a run handed to the workers that no worker took yet.
    pub owner: Option<RunOwner>,
    /// The run's last heartbeat (ms since the epoch, the database's clock); a run gets one when it starts.
    pub heartbeat_at_ms: Option<f64>,
    /// The current time (ms since the epoch, the database's clock).
    pub now_ms: f64,
    /// The `boot` of the process that asks.
    pub this_boot: String,
    /// Whether the asking process executes the run right now (meaningful when it is the owner).
    pub held_here: bool,
}

/// Why a running run has no live owner.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum DeathReason {
    /// No heartbeat for `silentMs`, at least the lease.
    #[serde(rename_all = "camelCase")]
    LeaseExpired {
        /// Milliseconds since the last heartbeat.
        silent_ms: f64,
    },
    /// The asking process owns the run but no longer executes it.
    AbandonedHere,
    /// The run has no heartbeat at all.
    NoHeartbeat,
    /// Its own process is shutting down (Medusa's graceful shutdown, on SIGTERM) and gives the run up at once, so
    /// the next run need not wait for the lease.
    ShutDown,
}

/// Whether a running run has a live owner.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum Liveness {
    /// The owner (or, for a run handed to the workers, the worker that will take it) has the run until
    /// `leaseEndsAtMs`.
    #[serde(rename_all = "camelCase")]
    Live {
        /// When the lease runs out unless the owner renews it.
        lease_ends_at_ms: f64,
    },
    /// Nobody runs it any more: another process may interrupt it.
    Dead {
        /// Why.
        reason: DeathReason,
    },
}

/// Whether the owner of a running run is alive: its lease (the last heartbeat plus [`LEASE`]'s `lease_ms`) has not
/// run out, and, when the asking process is the owner, it still executes the run.
///
/// ```
/// use catalog_sync::lifecycle::{run_liveness, Liveness, LivenessInput};
/// let input = LivenessInput { owner: None, heartbeat_at_ms: Some(1_000.0), now_ms: 15_000.0,
///                             this_boot: "b1".into(), held_here: false };
/// assert_eq!(run_liveness(&input), Liveness::Live { lease_ends_at_ms: 21_000.0 });
/// ```
pub fn run_liveness(input: &LivenessInput) -> Liveness {
    let owned_here = input
        .owner
        .as_ref()
        .is_some_and(|owner| owner.boot == input.this_boot);
    if owned_here && !input.held_here {
        return Liveness::Dead {
            reason: DeathReason::AbandonedHere,
        };
    }
    let Some(heartbeat_at_ms) = input.heartbeat_at_ms else {
        return Liveness::Dead {
            reason: DeathReason::NoHeartbeat,
        };
    };
    let lease_ends_at_ms = heartbeat_at_ms + f64::from(LEASE.lease_ms);
    if input.now_ms < lease_ends_at_ms {
        Liveness::Live { lease_ends_at_ms }
    } else {
        Liveness::Dead {
            reason: DeathReason::LeaseExpired {
                silent_ms: input.now_ms - heartbeat_at_ms,
            },
        }
    }
}

impl RunOwner {
    /// The owner as a person reads it: `worker pid 42 on host-a`.
    pub fn describe(&self) -> String {
        format!("{} pid {} on {}", self.mode.as_str(), self.pid, self.host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(boot: &str) -> RunOwner {
        RunOwner {
            host: "same-host".into(),
            pid: 1,
            boot: boot.into(),
            mode: WorkerMode::Worker,
        }
    }

    fn ask(
        owner_boot: Option<&str>,
        heartbeat: Option<f64>,
        now: f64,
        me: &str,
        held: bool,
    ) -> Liveness {
        run_liveness(&LivenessInput {
            owner: owner_boot.map(owner),
            heartbeat_at_ms: heartbeat,
            now_ms: now,
            this_boot: me.into(),
            held_here: held,
        })
    }

    #[test]
    fn the_lease_decides_for_every_other_process() {
        let lease = f64::from(LEASE.lease_ms);
        assert_eq!(
            ask(Some("a"), Some(0.0), lease - 1.0, "b", false),
            Liveness::Live {
                lease_ends_at_ms: lease
            }
        );
        assert_eq!(
            ask(Some("a"), Some(0.0), lease, "b", false),
            Liveness::Dead {
                reason: DeathReason::LeaseExpired { silent_ms: lease }
            }
        );
        // A run handed to the workers that nobody took: the lease of its start.
        assert!(matches!(
            ask(None, Some(0.0), 1.0, "b", false),
            Liveness::Live { .. }
        ));
        assert!(matches!(
            ask(None, Some(0.0), lease + 1.0, "b", false),
            Liveness::Dead { .. }
        ));
    }

    #[test]
    fn same_host_and_pid_say_nothing_only_the_boot_identifies_an_owner() {
        // Two containers with one host name, both pid 1: the other one's run is live while its lease runs.
        assert!(matches!(
            ask(Some("other"), Some(0.0), 5_000.0, "mine", false),
            Liveness::Live { .. }
        ));
        // This very process, which no longer executes the run: dead at once.
        assert_eq!(
            ask(Some("mine"), Some(0.0), 1.0, "mine", false),
            Liveness::Dead {
                reason: DeathReason::AbandonedHere
            }
        );
        // This process executes it: the lease applies as for everyone, so all instances agree.
        assert!(matches!(
            ask(Some("mine"), Some(0.0), 1.0, "mine", true),
            Liveness::Live { .. }
        ));
        assert!(matches!(
            ask(
                Some("mine"),
                Some(0.0),
                f64::from(LEASE.lease_ms),
                "mine",
                true
            ),
            Liveness::Dead {
                reason: DeathReason::LeaseExpired { .. }
            }
        ));
    }

    #[test]
    fn a_run_without_heartbeat_is_dead() {
        assert_eq!(
            ask(Some("a"), None, 0.0, "b", false),
            Liveness::Dead {
                reason: DeathReason::NoHeartbeat
            }
        );
    }

    #[test]
    fn the_figures_leave_room_for_missed_heartbeats() {
        const { assert!(LEASE.lease_ms >= 4 * LEASE.heartbeat_interval_ms) };
        assert_eq!(owner("b").describe(), "worker pid 1 on same-host");
    }
}
