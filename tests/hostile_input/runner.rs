//! The runner of every target: proptest cases, the allocation bound, and one line of figures per target.
//!
//! The number of cases is the target's default (small enough for the test command), or
//! `HOSTILE_INPUT_CASES` when set (the long mode, `.ci/fuzz-core`). Each target prints one line (`cargo test`
//! shows it with `--nocapture`; the long mode collects them):
//!
//! `hostile-input: <target>: <n> cases in <t> s; inputs up to <b> B; peak/input up to <r> (inputs >= 1 KiB);
//! peak up to <p>% of the bound (<k> B per input byte + <c> B); failures: <f>; outcomes: <outcome> <n>, ...`
//!
//! The outcomes (what the core answered: accepted, or the code of the refusal) show that the inputs reach past
//! the first checks.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::time::Instant;

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

use crate::allocation::peak_during;

/// The most bytes a call may hold at once: `per_byte` bytes per input byte plus `constant` bytes.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    /// Bytes per input byte.
    pub per_byte: usize,
    /// Bytes whatever the input.
    pub constant: usize,
}

impl Bound {
    /// The most bytes a call may hold for an input of `input_size` bytes.
    pub fn limit(self, input_size: usize) -> usize {
        self.per_byte
            .saturating_mul(input_size)
            .saturating_add(self.constant)
    }
}

/// A case's input, with the size the allocation bound is computed from.
pub trait InputSize {
    /// Bytes the bound counts for this input.
    fn input_size(&self) -> usize;
}

/// Measures the core calls of one case against the target's bound.
pub struct Meter {
    bound: Bound,
    input_size: usize,
    /// The highest peak of the calls measured so far.
    peak: Cell<usize>,
    /// What the core answered, as the test names it.
    outcome: RefCell<Option<String>>,
}

impl Meter {
    /// Runs `call` under the allocation counter; the case fails when the call held more than the bound allows.
    pub fn measure<R>(&self, call: impl FnOnce() -> R) -> Result<R, TestCaseError> {
        let (result, peak) = peak_during(call);
        self.peak.set(self.peak.get().max(peak));
        let limit = self.bound.limit(self.input_size);
        if peak > limit {
            return Err(TestCaseError::fail(format!(
                "held {peak} bytes at once for an input of {} bytes, more than the bound {limit} \
                 ({} B per input byte + {} B)",
                self.input_size, self.bound.per_byte, self.bound.constant
            )));
        }
        Ok(result)
    }

    /// Names what the core answered to this case (e.g. `accepted`, or a refusal's code), for the figures.
    pub fn outcome(&self, outcome: impl Into<String>) {
        *self.outcome.borrow_mut() = Some(outcome.into());
    }
}

/// Figures of one target's run.
#[derive(Default)]
struct Figures {
    largest_input: Cell<usize>,
    /// Highest peak per input byte, over inputs of at least 1 KiB (below, the constant dominates).
    peak_per_byte: Cell<f64>,
    /// Highest share of the bound used.
    bound_used: Cell<f64>,
    /// Cases per outcome.
    outcomes: RefCell<BTreeMap<String, u64>>,
}

impl Figures {
    fn record(&self, bound: Bound, meter: &Meter) {
        let (input_size, peak) = (meter.input_size, meter.peak.get());
        if let Some(outcome) = meter.outcome.borrow_mut().take() {
            *self.outcomes.borrow_mut().entry(outcome).or_default() += 1;
        }
        self.largest_input
            .set(self.largest_input.get().max(input_size));
        if input_size >= 1024 {
            let ratio = peak as f64 / input_size as f64;
            self.peak_per_byte.set(self.peak_per_byte.get().max(ratio));
        }
        let used = peak as f64 / bound.limit(input_size) as f64;
        self.bound_used.set(self.bound_used.get().max(used));
    }
}

/// The cases of a target: `HOSTILE_INPUT_CASES` when set, else `default_cases`.
fn cases(default_cases: u32) -> u32 {
    std::env::var("HOSTILE_INPUT_CASES")
        .ok()
        .and_then(|cases| cases.trim().parse().ok())
        .unwrap_or(default_cases)
}

/// Runs `test` on inputs drawn from `strategy` (shrinking a failure to a small input), prints the target's line
/// of figures, and panics with the smallest failing input when a case fails. `test` runs the core calls through
/// the [`Meter`] it is given, which holds them to `bound`, and checks their results.
pub fn check<S>(
    target: &str,
    default_cases: u32,
    bound: Bound,
    strategy: S,
    test: impl Fn(&S::Value, &Meter) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: InputSize + Debug,
{
    let cases = cases(default_cases);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let figures = Figures::default();
    let started = Instant::now();
    let outcome = runner.run(&strategy, |input| {
        let meter = Meter {
            bound,
            input_size: input.input_size(),
            peak: Cell::new(0),
            outcome: RefCell::new(None),
        };
        test(&input, &meter)?;
        figures.record(bound, &meter);
        Ok(())
    });
    let outcomes: Vec<String> = figures
        .outcomes
        .borrow()
        .iter()
        .map(|(outcome, count)| format!("{outcome} {count}"))
        .collect();
    println!(
        "hostile-input: {target}: {cases} cases in {:.1} s; inputs up to {} B; peak/input up to {:.1} \
         (inputs >= 1 KiB); peak up to {:.0}% of the bound ({} B per input byte + {} B); failures: {}; \
         outcomes: {}",
        started.elapsed().as_secs_f64(),
        figures.largest_input.get(),
        figures.peak_per_byte.get(),
        figures.bound_used.get() * 100.0,
        bound.per_byte,
        bound.constant,
        usize::from(outcome.is_err()),
        outcomes.join(", "),
    );
    match outcome {
        Ok(()) => {}
        Err(TestError::Fail(reason, input)) => {
            let shown: String = format!("{input:?}").chars().take(4000).collect();
            panic!(
                "{target}: {reason}\nsmallest failing input ({} B): {shown}",
                input.input_size()
            );
        }
        Err(TestError::Abort(reason)) => panic!("{target}: aborted: {reason}"),
    }
}
