//! Admin notifications: which ended runs create one in the admin's notification drawer, and what it says.
//!
//! Rules ([`run_notification`]):
//! * only a run nobody watched: trigger `schedule` or `webhook`. A run an operator started (Sync Now, a preview,
//!   an apply) is followed on its page, so it creates none;
//! * only a run that ended `failed` or `partial`. A `success` creates none; a `cancelled` run was stopped by an
//!   operator; an `interrupted` run is completed by the next run (an interrupted webhook run is queued again), which
//!   creates a notification itself if it fails — so one breakage is not reported twice;
//! * one per run: its idempotency key is `catalog-sync-run:<run id>`, so a notification sent again (a retried end)
//!   is not shown twice.
//!
//! The title names the run's trigger and outcome; the description the run, its first errors (at most
//! [`ERRORS_SHOWN`], notices left out) and the path of its page in the admin.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::lifecycle::SyncRunStatus;
use crate::model::{excerpt, RunError};

/// How many of a run's errors a notification quotes.
pub const ERRORS_SHOWN: usize = 3;

/// An ended run, as [`run_notification`] judges it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EndedRun {
    /// The run's id.
    pub run_id: String,
    /// Its trigger (`schedule`, `webhook`, `manual`, `preview`, ...).
    pub trigger: String,
    /// How it ended.
    pub status: SyncRunStatus,
    /// Its `error_message` (a failed run's reason).
    pub error_message: Option<String>,
    /// Its errors.
    pub errors: Vec<RunError>,
}

/// A notification for the admin's drawer (the Notification module's `feed` channel; the host sends it with
/// `to: ""`, `channel: "feed"`, `template: "admin-ui"`, `data: { title, description }`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RunNotification {
    /// The drawer's title.
    pub title: String,
    /// The drawer's text.
    pub description: String,
    /// The run's page in the admin (`/app` is the admin's base path by default).
    pub path: String,
    /// The Notification module's `idempotency_key`: one notification per run.
    pub idempotency_key: String,
}

/// The notification an ended run creates, or `None`; see the [module](self) rules.
///
/// ```
/// use catalog_sync::lifecycle::SyncRunStatus;
/// use catalog_sync::notify::{run_notification, EndedRun};
/// let run = EndedRun { run_id: "csrun_1".into(), trigger: "schedule".into(), status: SyncRunStatus::Failed,
///     error_message: Some("GET http://x/products: HTTP 503".into()), errors: vec![] };
/// let notification = run_notification(&run).unwrap();
/// assert_eq!(notification.title, "Scheduled catalog sync failed");
/// assert!(run_notification(&EndedRun { status: SyncRunStatus::Success, ..run }).is_none());
/// ```
pub fn run_notification(run: &EndedRun) -> Option<RunNotification> {
    let trigger = match run.trigger.as_str() {
        "schedule" => "Scheduled",
        "webhook" => "Webhook",
        _ => return None,
    };
    let outcome = match run.status {
        SyncRunStatus::Failed => "failed",
        SyncRunStatus::Partial => "ended with errors",
        _ => return None,
    };
    let path = format!("/app/catalog-sync/runs/{}", run.run_id);
    let problems: Vec<&RunError> = run
        .errors
        .iter()
        .filter(|error| !error.is_notice())
        .collect();
    let mut description = format!("Run {}", run.run_id);
    if let Some(message) = run
        .error_message
        .as_deref()
        .filter(|m| !m.trim().is_empty())
    {
        description.push_str(&format!(": {}", excerpt(message)));
    }
    description.push('.');
    if !problems.is_empty() {
        let shown: Vec<String> = problems
            .iter()
            .take(ERRORS_SHOWN)
            .map(|error| excerpt(&error.message))
            .collect();
        description.push_str(&format!(
            " {} error{}: {}",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            shown.join("; ")
        ));
        if problems.len() > ERRORS_SHOWN {
            description.push_str(&format!("; and {} more", problems.len() - ERRORS_SHOWN));
        }
        description.push('.');
    }
    description.push_str(&format!(" Details: {path}"));
    Some(RunNotification {
        title: format!("{trigger} catalog sync {outcome}"),
        description,
        path,
        idempotency_key: format!("catalog-sync-run:{}", run.run_id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RunErrorCode;

    fn run(trigger: &str, status: SyncRunStatus, errors: Vec<RunError>) -> EndedRun {
        EndedRun {
            run_id: "csrun_9".into(),
            trigger: trigger.into(),
            status,
            error_message: None,
            errors,
        }
    }

    fn error(id: u64) -> RunError {
        RunError::new(
            Some(id),
            Some("price"),
            RunErrorCode::InvalidField,
            format!("product {id}: field \"price\" must be a non-negative number"),
        )
    }

    #[test]
    fn only_unwatched_runs_that_went_wrong_notify() {
        for trigger in ["schedule", "webhook"] {
            for status in [SyncRunStatus::Failed, SyncRunStatus::Partial] {
                assert!(run_notification(&run(trigger, status, vec![error(1)])).is_some());
            }
            for status in [
                SyncRunStatus::Success,
                SyncRunStatus::Cancelled,
                SyncRunStatus::Interrupted,
                SyncRunStatus::Running,
            ] {
                assert!(run_notification(&run(trigger, status, vec![error(1)])).is_none());
            }
        }
        for trigger in ["manual", "preview", "apply_preview", "apply_removals"] {
            assert!(
                run_notification(&run(trigger, SyncRunStatus::Failed, vec![error(1)])).is_none()
            );
        }
    }

    #[test]
    fn the_notification_names_the_run_its_first_errors_and_its_page() {
        let errors = (1..=5).map(error).collect();
        let notification =
            run_notification(&run("webhook", SyncRunStatus::Partial, errors)).unwrap();
        assert_eq!(notification.title, "Webhook catalog sync ended with errors");
        assert_eq!(
            notification.description,
            "Run csrun_9. 5 errors: product 1: field \"price\" must be a non-negative number; product 2: field \"price\" must be a non-negative number; product 3: field \"price\" must be a non-negative number; and 2 more. Details: /app/catalog-sync/runs/csrun_9"
        );
        assert_eq!(notification.path, "/app/catalog-sync/runs/csrun_9");
        assert_eq!(notification.idempotency_key, "catalog-sync-run:csrun_9");
    }

    #[test]
    fn a_failed_run_gives_its_reason_and_notices_are_left_out() {
        let notice = RunError::new(
            Some(4),
            None,
            RunErrorCode::RemovalLeftToFullSync,
            "product 4: left to the full sync",
        );
        let mut failed = run("schedule", SyncRunStatus::Failed, vec![notice]);
        failed.error_message = Some("GET http://127.0.0.1/products: HTTP 500".into());
        let notification = run_notification(&failed).unwrap();
        assert_eq!(notification.title, "Scheduled catalog sync failed");
        assert_eq!(
            notification.description,
            "Run csrun_9: GET http://127.0.0.1/products: HTTP 500. Details: /app/catalog-sync/runs/csrun_9"
        );
    }
}
