//! Whether a preview may be applied, and whether what an apply run found is still what was previewed.
//!
//! Rules:
//! * only a run of kind `preview` that ended `success` or `partial` can be applied (a failed preview has no plan
//!   worth applying; a running one has none yet);
//! * within `previewTtlMs` of its end; an older preview must be made again;
//! * once: a second request is refused while the run that took it runs or after it ended, unless that run was
//!   interrupted (its process died before it could know);
//! * the apply run re-fetches and re-plans; it writes only if its listing fingerprint and its plan fingerprint
//!   equal the preview's ([`compare_fingerprints`]): a different listing means the source changed, a different
//!   plan over the same listing means the store changed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::CoreErrorCode;

/// What the host knows about a preview an operator asks to apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApplyPreviewRequest {
    /// The run to apply.
    pub run_id: String,
    /// Its trigger (`preview` for a preview).
    pub trigger: String,
    /// Its status.
    pub status: String,
    /// When it ended, in ms since the epoch (the database's clock); `null` while it runs.
    pub finished_at_ms: Option<f64>,
    /// Now, in ms since the epoch (the database's clock).
    pub now_ms: f64,
    /// The `previewTtlMs` option.
    pub ttl_ms: u32,
    /// The run that took the preview earlier (`preview_applied_by`), if any.
    pub applied_by: Option<String>,
    /// That run's status, or `null` when it no longer exists.
    pub applied_by_status: Option<String>,
}

/// Whether a preview may be applied now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
#[ts(export)]
pub enum ApplyPreviewVerdict {
    /// Start a run that applies the preview.
    Allowed,
    /// Start nothing: answer `status` with `{ code, message }`.
    Refused {
        /// The HTTP status: 400 (not a preview) or 409 (not ended well, expired, already applied).
        status: u16,
        /// `NOT_A_PREVIEW`, `PREVIEW_NOT_APPLICABLE`, `PREVIEW_EXPIRED` or `PREVIEW_ALREADY_APPLIED`.
        code: CoreErrorCode,
        /// What is wrong, for the operator.
        message: String,
    },
}

fn refused(status: u16, code: CoreErrorCode, message: String) -> ApplyPreviewVerdict {
    ApplyPreviewVerdict::Refused {
        status,
        code,
        message,
    }
}

/// Decides whether a preview may be applied now; see the [module](self) rules.
///
/// ```
/// use catalog_sync::changes::{check_apply_preview, ApplyPreviewRequest, ApplyPreviewVerdict};
/// let request = ApplyPreviewRequest { run_id: "csrun_1".into(), trigger: "preview".into(), status: "success".into(),
///     finished_at_ms: Some(1_000.0), now_ms: 61_000.0, ttl_ms: 3_600_000, applied_by: None, applied_by_status: None };
/// assert_eq!(check_apply_preview(&request), ApplyPreviewVerdict::Allowed);
/// let late = ApplyPreviewRequest { now_ms: 3_601_001.0, ..request };
/// assert!(matches!(check_apply_preview(&late), ApplyPreviewVerdict::Refused { status: 409, .. }));
/// ```
pub fn check_apply_preview(request: &ApplyPreviewRequest) -> ApplyPreviewVerdict {
    let run = &request.run_id;
    if request.trigger != "preview" {
        return refused(
            400,
            CoreErrorCode::NotAPreview,
            format!("run {run} is not a preview: only a preview can be applied"),
        );
    }
    let Some(finished_at) = request
        .finished_at_ms
        .filter(|_| matches!(request.status.as_str(), "success" | "partial"))
    else {
        let why = match request.status.as_str() {
            "running" | "queued" => "it has not finished yet".to_string(),
            other => format!("it ended {other}, without a plan to apply; preview again"),
        };
        return refused(
            409,
            CoreErrorCode::PreviewNotApplicable,
            format!("preview {run} cannot be applied: {why}"),
        );
    };
    let age_ms = request.now_ms - finished_at;
    if age_ms > f64::from(request.ttl_ms) {
        return refused(
            409,
            CoreErrorCode::PreviewExpired,
            format!(
                "preview {run} expired: it is {} min old and a preview may be applied for {} min (previewTtlMs); preview again",
                (age_ms / 60_000.0).floor(),
                request.ttl_ms / 60_000
            ),
        );
    }
    match (&request.applied_by, request.applied_by_status.as_deref()) {
        (Some(applier), Some(status)) if status != "interrupted" => {
            let state = if matches!(status, "running" | "queued") {
                "is applying it"
            } else {
                "applied it"
            };
            refused(
                409,
                CoreErrorCode::PreviewAlreadyApplied,
                format!("preview {run} is applied once: run {applier} {state}"),
            )
        }
        _ => ApplyPreviewVerdict::Allowed,
    }
}

/// The two fingerprints of a preview (or of what an apply run found).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewFingerprints {
    /// Of what the source listed.
    pub listing: String,
    /// Of the change list.
    pub plan: String,
}

/// Whether an apply run may write: `None` when what it found is what was previewed, else the message its run ends
/// `failed` with (nothing written).
///
/// ```
/// use catalog_sync::changes::apply::compare_fingerprints;
/// use catalog_sync::changes::PreviewFingerprints;
/// let previewed = PreviewFingerprints { listing: "a".into(), plan: "b".into() };
/// assert_eq!(compare_fingerprints("csrun_1", &previewed, &previewed.clone()), None);
/// let moved = PreviewFingerprints { listing: "c".into(), plan: "b".into() };
/// assert!(compare_fingerprints("csrun_1", &previewed, &moved).unwrap().contains("the source changed"));
/// ```
pub fn compare_fingerprints(
    preview_run_id: &str,
    previewed: &PreviewFingerprints,
    found: &PreviewFingerprints,
) -> Option<String> {
    if previewed.listing != found.listing {
        Some(format!(
            "the source changed since preview {preview_run_id}: it no longer lists the same products; nothing was written, preview again"
        ))
    } else if previewed.plan != found.plan {
        Some(format!(
            "the store changed since preview {preview_run_id}: the same listing now plans different changes; nothing was written, preview again"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> ApplyPreviewRequest {
        ApplyPreviewRequest {
            run_id: "csrun_p".into(),
            trigger: "preview".into(),
            status: "success".into(),
            finished_at_ms: Some(1_000_000.0),
            now_ms: 1_000_000.0 + 60_000.0,
            ttl_ms: 3_600_000,
            applied_by: None,
            applied_by_status: None,
        }
    }

    fn refusal(request: &ApplyPreviewRequest) -> (u16, CoreErrorCode, String) {
        match check_apply_preview(request) {
            ApplyPreviewVerdict::Refused {
                status,
                code,
                message,
            } => (status, code, message),
            ApplyPreviewVerdict::Allowed => panic!("{request:?} must be refused"),
        }
    }

    #[test]
    fn a_fresh_preview_that_ended_well_is_applied() {
        assert_eq!(
            check_apply_preview(&request()),
            ApplyPreviewVerdict::Allowed
        );
        let partial = ApplyPreviewRequest {
            status: "partial".into(),
            ..request()
        };
        assert_eq!(check_apply_preview(&partial), ApplyPreviewVerdict::Allowed);
        let at_the_limit = ApplyPreviewRequest {
            now_ms: 1_000_000.0 + 3_600_000.0,
            ..request()
        };
        assert_eq!(
            check_apply_preview(&at_the_limit),
            ApplyPreviewVerdict::Allowed
        );
    }

    #[test]
    fn only_previews_that_ended_well_can_be_applied() {
        let sync = ApplyPreviewRequest {
            trigger: "manual".into(),
            ..request()
        };
        assert_eq!(
            refusal(&sync),
            (
                400,
                CoreErrorCode::NotAPreview,
                "run csrun_p is not a preview: only a preview can be applied".into()
            )
        );
        let running = ApplyPreviewRequest {
            status: "running".into(),
            finished_at_ms: None,
            ..request()
        };
        assert_eq!(
            refusal(&running).2,
            "preview csrun_p cannot be applied: it has not finished yet"
        );
        for status in ["failed", "cancelled", "interrupted"] {
            let ended = ApplyPreviewRequest {
                status: status.into(),
                ..request()
            };
            let (code, kind, message) = refusal(&ended);
            assert_eq!((code, kind), (409, CoreErrorCode::PreviewNotApplicable));
            assert!(message.contains(&format!("it ended {status}")), "{message}");
        }
    }

    #[test]
    fn a_preview_expires_after_the_ttl() {
        let late = ApplyPreviewRequest {
            now_ms: 1_000_000.0 + 3_600_001.0,
            ..request()
        };
        assert_eq!(
            refusal(&late),
            (
                409,
                CoreErrorCode::PreviewExpired,
                "preview csrun_p expired: it is 60 min old and a preview may be applied for 60 min (previewTtlMs); preview again".into()
            )
        );
    }

    #[test]
    fn a_preview_is_applied_once_unless_its_applier_was_interrupted() {
        for (status, state) in [
            ("running", "is applying it"),
            ("success", "applied it"),
            ("failed", "applied it"),
            ("cancelled", "applied it"),
        ] {
            let again = ApplyPreviewRequest {
                applied_by: Some("csrun_a".into()),
                applied_by_status: Some(status.into()),
                ..request()
            };
            assert_eq!(
                refusal(&again),
                (
                    409,
                    CoreErrorCode::PreviewAlreadyApplied,
                    format!("preview csrun_p is applied once: run csrun_a {state}")
                )
            );
        }
        for status in [Some("interrupted"), None] {
            let retry = ApplyPreviewRequest {
                applied_by: Some("csrun_a".into()),
                applied_by_status: status.map(str::to_string),
                ..request()
            };
            assert_eq!(check_apply_preview(&retry), ApplyPreviewVerdict::Allowed);
        }
    }

    #[test]
    fn an_apply_writes_only_what_was_previewed() {
        let previewed = PreviewFingerprints {
            listing: "l1".into(),
            plan: "p1".into(),
        };
        assert_eq!(compare_fingerprints("p", &previewed, &previewed), None);
        let source = compare_fingerprints(
            "p",
            &previewed,
            &PreviewFingerprints {
                listing: "l2".into(),
                plan: "p1".into(),
            },
        );
        assert_eq!(
            source.as_deref(),
            Some("the source changed since preview p: it no longer lists the same products; nothing was written, preview again")
        );
        let store = compare_fingerprints(
            "p",
            &previewed,
            &PreviewFingerprints {
                listing: "l1".into(),
                plan: "p2".into(),
            },
        );
        assert!(store
            .unwrap()
            .starts_with("the store changed since preview p"));
    }
}
