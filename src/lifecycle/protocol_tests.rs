//! The protocol the host builds from this module, checked as a model: processes that record, take, heartbeat,
//! write, finish and take over one run through conditional updates (a database row applying [`RunTransition`]s
//! with their guards), while the clock moves and processes pause, resume and die. Whatever the sequence, one run
//! never has two live owners, a takeover never takes a run from an owner whose lease still runs, nothing writes
//! to a run that ended, and an owner that stopped is seen dead once its lease ran out.

use proptest::prelude::*;

use super::*;
use crate::report::RunStatus;

const PROCESSES: usize = 3;

/// The run's record, as the database holds it.
#[derive(Debug, Clone, Copy)]
struct Row {
    status: SyncRunStatus,
    owner: Option<usize>,
    heartbeat_at_ms: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Life {
    Alive,
    Paused,
    Crashed,
}

/// One process: whether it executes the run (it believes it owns it), when its last guarded update on the run
/// applied (the start of the lease it knows of), and a takeover it prepared (what it observed).
#[derive(Debug, Clone)]
struct Process {
    life: Life,
    holds: bool,
    lease_from_ms: Option<f64>,
    observed: Option<(Row, DeathReason)>,
}

#[derive(Debug, Clone)]
enum Step {
    Begin { process: usize, here: bool },
    Claim { process: usize },
    Heartbeat { process: usize },
    Write { process: usize },
    Finish { process: usize, outcome: RunStatus },
    GiveUp { process: usize },
    Observe { process: usize },
    Interrupt { process: usize },
    Advance { ms: u32 },
    Pause { process: usize },
    Resume { process: usize },
    Crash { process: usize },
}

fn steps() -> impl Strategy<Value = Step> {
    let process = 0..PROCESSES;
    let outcome = prop_oneof![
        Just(RunStatus::Success),
        Just(RunStatus::Partial),
        Just(RunStatus::Failed)
    ];
    prop_oneof![
        (process.clone(), any::<bool>()).prop_map(|(process, here)| Step::Begin { process, here }),
        process.clone().prop_map(|process| Step::Claim { process }),
        process
            .clone()
            .prop_map(|process| Step::Heartbeat { process }),
        process.clone().prop_map(|process| Step::Write { process }),
        (process.clone(), outcome).prop_map(|(process, outcome)| Step::Finish { process, outcome }),
        process.clone().prop_map(|process| Step::GiveUp { process }),
        process
            .clone()
            .prop_map(|process| Step::Observe { process }),
        process
            .clone()
            .prop_map(|process| Step::Interrupt { process }),
        (0u32..30_000).prop_map(|ms| Step::Advance { ms }),
        process.clone().prop_map(|process| Step::Pause { process }),
        process.clone().prop_map(|process| Step::Resume { process }),
        process.prop_map(|process| Step::Crash { process }),
    ]
}

/// The world: the database row, the clock (the database's), the processes and what they wrote.
struct World {
    row: Option<Row>,
    now_ms: f64,
    processes: Vec<Process>,
    writes: Vec<(usize, f64)>,
    ended_at_ms: Option<f64>,
}

fn boot(process: usize) -> String {
    format!("boot-{process}")
}

fn owner(process: usize) -> RunOwner {
    // Every process on one host with one pid: only the boot tells them apart.
    RunOwner {
        host: "one-host".into(),
        pid: 1,
        boot: boot(process),
        mode: WorkerMode::Worker,
    }
}

impl World {
    fn new() -> Self {
        World {
            row: None,
            now_ms: 1_000_000.0,
            processes: vec![
                Process {
                    life: Life::Alive,
                    holds: false,
                    lease_from_ms: None,
                    observed: None,
                };
                PROCESSES
            ],
            writes: Vec::new(),
            ended_at_ms: None,
        }
    }

    /// The conditional update of `event` by `process`, as the host issues it: applies when the row has the
    /// transition's `from` status and matches its guard; `observed` is what an interrupting process saw.
    fn update(&mut self, process: usize, event: RunEvent, observed: Option<Row>) -> bool {
        let transition = run_transition(event);
        let current = self.row.map(|row| row.status);
        let Ok(to) = transition.apply(current, event) else {
            return false;
        };
        let guard_holds = match (transition.guard, self.row) {
            (RunGuard::None, _) => true,
            (RunGuard::Owner, Some(row)) => row.owner == Some(process),
            (RunGuard::Unclaimed, Some(row)) => row.owner.is_none(),
            (RunGuard::Observed, Some(row)) => observed.is_some_and(|seen| {
                seen.owner == row.owner && seen.heartbeat_at_ms == row.heartbeat_at_ms
            }),
            (_, None) => false,
        };
        if !guard_holds {
            return false;
        }
        let before = self.row;
        let owner = match event {
            RunEvent::Begin | RunEvent::StartQueued | RunEvent::Queue => None,
            RunEvent::Claim => Some(process),
            _ => before.and_then(|row| row.owner),
        };
        self.row = Some(Row {
            status: to,
            owner,
            heartbeat_at_ms: self.now_ms,
        });
        if to.is_ended() {
            self.ended_at_ms = Some(self.now_ms);
        }
        true
    }

    fn liveness_for(&self, asking: usize, row: Row) -> Liveness {
        run_liveness(&LivenessInput {
            owner: row.owner.map(owner),
            heartbeat_at_ms: Some(row.heartbeat_at_ms),
            now_ms: self.now_ms,
            this_boot: boot(asking),
            held_here: self.processes[asking].holds,
        })
    }

    /// Applies one step; returns the owner's lease end when a takeover applied (for the safety check).
    fn step(&mut self, step: &Step) -> Result<(), TestCaseError> {
        let active = |world: &World, process: usize| world.processes[process].life == Life::Alive;
        match *step {
            Step::Begin { process, here } if active(self, process) => self.begin(process, here),
            Step::Claim { process } if active(self, process) && !self.processes[process].holds => {
                self.claim(process)
            }
            Step::Heartbeat { process } | Step::Write { process }
                if active(self, process) && self.processes[process].holds =>
            {
                // A heartbeat, or a batch boundary: the guarded heartbeat first, the write only if it applied.
                if self.update(process, RunEvent::Heartbeat, None) {
                    self.processes[process].lease_from_ms = Some(self.now_ms);
                    if matches!(step, Step::Write { .. }) {
                        prop_assert!(self.ended_at_ms.is_none(), "a write after the run ended");
                        self.writes.push((process, self.now_ms));
                    }
                } else {
                    self.release(process);
                }
            }
            Step::Finish { process, outcome }
                if active(self, process) && self.processes[process].holds =>
            {
                self.update(process, RunEvent::Finish { outcome }, None);
                self.release(process);
            }
            Step::GiveUp { process } if active(self, process) => self.release(process),
            Step::Observe { process } if active(self, process) => {
                self.processes[process].observed = self
                    .row
                    .filter(|row| row.status == SyncRunStatus::Running)
                    .and_then(|row| match self.liveness_for(process, row) {
                        Liveness::Dead { reason } => Some((row, reason)),
                        Liveness::Live { .. } => None,
                    });
            }
            Step::Interrupt { process } if active(self, process) => {
                if let Some((seen, _reason)) = self.processes[process].observed.take() {
                    let holder_lease_end = seen.owner.and_then(|holder| {
                        let holder = &self.processes[holder];
                        (holder.holds && holder.life != Life::Crashed)
                            .then_some(holder.lease_from_ms)
                            .flatten()
                            .map(|from| from + f64::from(LEASE.lease_ms))
                    });
                    if self.update(process, RunEvent::Interrupt, Some(seen)) {
                        if let (Some(end), Some(holder)) = (holder_lease_end, seen.owner) {
                            prop_assert!(
                                end <= self.now_ms || holder == process,
                                "process {process} took the run from {holder}, whose lease runs until {end} (now {})",
                                self.now_ms
                            );
                        }
                    }
                }
            }
            Step::Advance { ms } => self.now_ms += f64::from(ms),
            Step::Pause { process } if active(self, process) => {
                self.processes[process].life = Life::Paused
            }
            Step::Resume { process } if self.processes[process].life == Life::Paused => {
                self.processes[process].life = Life::Alive
            }
            Step::Crash { process } => {
                self.processes[process].life = Life::Crashed;
                self.processes[process].holds = false;
            }
            _ => {}
        }
        Ok(())
    }

    /// Records the run; `here`: the recording process executes it and owns it from the start.
    fn begin(&mut self, process: usize, here: bool) {
        if self.update(process, RunEvent::Begin, None) && here {
            if let Some(row) = self.row.as_mut() {
                row.owner = Some(process);
            }
            self.hold(process);
        }
    }

    /// Takes a run handed to the workers.
    fn claim(&mut self, process: usize) {
        if self.update(process, RunEvent::Claim, None) {
            self.hold(process);
        }
    }

    fn hold(&mut self, process: usize) {
        self.processes[process].holds = true;
        self.processes[process].lease_from_ms = Some(self.now_ms);
    }

    fn release(&mut self, process: usize) {
        self.processes[process].holds = false;
        self.processes[process].lease_from_ms = None;
    }

    /// The invariants that hold after every step.
    fn check(&self) -> Result<(), TestCaseError> {
        let lease = f64::from(LEASE.lease_ms);
        // Live owners: processes that execute the run and whose lease (their last applied update) still runs.
        let live: Vec<usize> = (0..PROCESSES)
            .filter(|&p| {
                let process = &self.processes[p];
                process.holds
                    && process.life != Life::Crashed
                    && process
                        .lease_from_ms
                        .is_some_and(|from| self.now_ms < from + lease)
            })
            .collect();
        prop_assert!(live.len() <= 1, "two live owners: {live:?}");
        if let Some(&only) = live.first() {
            let row = self.row.expect("a live owner has a record");
            prop_assert_eq!(row.status, SyncRunStatus::Running);
            prop_assert_eq!(row.owner, Some(only));
        }
        if let Some(row) = self.row.filter(|row| row.status == SyncRunStatus::Running) {
            // An owner that stopped (or a run nobody took) is dead for every other process once its lease ran out.
            let owner_executes = row.owner.is_some_and(|p| {
                self.processes[p].holds && self.processes[p].life != Life::Crashed
            });
            if !owner_executes && self.now_ms >= row.heartbeat_at_ms + lease {
                for asking in (0..PROCESSES).filter(|&p| Some(p) != row.owner) {
                    prop_assert!(
                        matches!(self.liveness_for(asking, row), Liveness::Dead { .. }),
                        "process {asking} sees a stopped owner alive"
                    );
                }
            }
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn one_run_never_has_two_live_owners_and_a_takeover_never_cuts_a_live_lease(
        steps in prop::collection::vec(steps(), 1..60),
    ) {
        let mut world = World::new();
        for step in &steps {
            world.step(step)?;
            world.check()?;
        }
        // Every write happened before the run ended.
        if let Some(end) = world.ended_at_ms {
            prop_assert!(world.writes.iter().all(|&(_, at)| at <= end));
        }
    }
}

#[test]
fn a_paused_owner_that_resumes_after_the_takeover_writes_nothing_more() {
    let mut world = World::new();
    let lease = LEASE.lease_ms;
    for step in [
        Step::Begin {
            process: 0,
            here: true,
        },
        Step::Write { process: 0 },
        Step::Pause { process: 0 },
        Step::Advance { ms: lease },
        Step::Observe { process: 1 },
        Step::Interrupt { process: 1 },
        Step::Resume { process: 0 },
        Step::Write { process: 0 },
        Step::Finish {
            process: 0,
            outcome: RunStatus::Success,
        },
    ] {
        world.step(&step).unwrap();
        world.check().unwrap();
    }
    assert_eq!(world.writes.len(), 1);
    assert_eq!(world.row.unwrap().status, SyncRunStatus::Interrupted);
    assert!(!world.processes[0].holds);
}

#[test]
fn an_owner_that_heartbeats_between_observation_and_takeover_keeps_its_run() {
    let mut world = World::new();
    for step in [
        Step::Begin {
            process: 0,
            here: false,
        },
        Step::Advance {
            ms: LEASE.lease_ms + 1,
        },
        Step::Observe { process: 2 },
        Step::Claim { process: 1 },
        Step::Interrupt { process: 2 },
        Step::Write { process: 1 },
    ] {
        world.step(&step).unwrap();
        world.check().unwrap();
    }
    assert_eq!(world.row.unwrap().status, SyncRunStatus::Running);
    assert_eq!(world.writes, vec![(1, world.now_ms)]);
}
