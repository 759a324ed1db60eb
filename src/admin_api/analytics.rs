//! The figures behind the admin's analytics charts ([`SyncAnalytics`]), computed from the finished runs of a
//! range: one point per run, or the average of consecutive runs when the range holds more runs than the charts
//! show, and totals.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::run_view::SyncTrigger;
use crate::lifecycle::SyncRunStatus;

/// The columns of a finished run that the analytics read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnalyticsRunRow {
    /// The run id.
    pub id: String,
    /// What started it.
    pub trigger: SyncTrigger,
    /// How it ended.
    pub status: SyncRunStatus,
    /// When it started, ISO 8601 in UTC (`2026-01-31T00:00:00.000Z`: the host's `toISOString()`).
    pub started_at: String,
    /// How long it took, in milliseconds.
    pub duration_ms: Option<f64>,
    /// Product entries received from the source.
    pub fetched: usize,
    /// Products created.
    pub created: usize,
    /// Products updated.
    pub updated: usize,
    /// Products already up to date.
    pub unchanged: usize,
    /// Products set to draft.
    pub archived: usize,
    /// Products rejected by validation.
    pub rejected: usize,
}

/// What [`build_analytics`] needs: the runs read and the range asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AnalyticsInput {
    /// Finished runs of the range, in any order (the newest ones, up to the host's read limit).
    pub rows: Vec<AnalyticsRunRow>,
    /// Start of the range, ISO 8601; `null` for "all time".
    pub from: Option<String>,
    /// End of the range, ISO 8601.
    pub to: String,
    /// How many finished runs the range holds (may exceed the rows read).
    pub runs_in_range: usize,
    /// Most points the charts get; more runs are averaged in consecutive groups.
    pub max_points: u32,
}

/// One point of the charts: one run, or the average of `runs` consecutive runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnalyticsPoint {
    /// The run id when the point is one run; `null` for an averaged group.
    pub run_id: Option<String>,
    /// How many runs the point stands for (1 for a single run).
    pub runs: usize,
    /// When the (first) run started, ISO 8601.
    pub started_at: String,
    /// The run's status (`null` for an averaged group).
    pub status: Option<SyncRunStatus>,
    /// The run's trigger (`null` for an averaged group).
    pub trigger: Option<SyncTrigger>,
    /// Wall-clock duration in seconds (`null` when unknown).
    pub duration_seconds: Option<f64>,
    /// Products in line with the source after the run (created + updated + unchanged) per second; `null` for a
    /// run that counts as failed or whose duration is unknown or zero.
    pub products_per_second: Option<f64>,
    /// Product entries received from the source.
    pub fetched: f64,
    /// Products created.
    pub created: f64,
    /// Products updated.
    pub updated: f64,
    /// Products already up to date.
    pub unchanged: f64,
    /// Products set to draft.
    pub archived: f64,
    /// Products rejected.
    pub rejected: f64,
}

/// Totals over every run the analytics read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnalyticsTotals {
    /// Runs read.
    pub runs: usize,
    /// Runs that ended `success`.
    pub success: usize,
    /// Runs that ended `partial`.
    pub partial: usize,
    /// Runs that ended without syncing: failed, or interrupted (their process stopped).
    pub failed: usize,
    /// Product entries received from the source.
    pub fetched: usize,
    /// Products created.
    pub created: usize,
    /// Products updated.
    pub updated: usize,
    /// Products already up to date.
    pub unchanged: usize,
    /// Products set to draft.
    pub archived: usize,
    /// Products rejected.
    pub rejected: usize,
    /// Mean duration of the runs whose duration is known, in seconds (`null` when none).
    pub avg_duration_seconds: Option<f64>,
    /// Longest run, in seconds (`null` when none).
    pub max_duration_seconds: Option<f64>,
    /// Mean products per second over the runs that have that figure (`null` when none).
    pub avg_products_per_second: Option<f64>,
    /// When the latest run read started (`null` when none).
    pub last_started_at: Option<String>,
}

/// The answer of `GET /admin/sync/analytics`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncAnalytics {
    /// Start of the range asked for (`null` for "all time").
    pub from: Option<String>,
    /// End of the range asked for.
    pub to: String,
    /// Finished runs that started in the range.
    pub runs_in_range: usize,
    /// Runs the totals and points cover: the newest of the range, up to the server's read limit.
    pub runs_analyzed: usize,
    /// Runs per point: 1, or more when the runs were grouped to keep the charts readable.
    pub group_size: usize,
    /// Oldest first.
    pub points: Vec<AnalyticsPoint>,
    /// Totals over the runs analyzed.
    pub totals: AnalyticsTotals,
}

/// Whether a finished run counts as failed in the analytics: it ended without syncing (failed, or interrupted).
pub fn counts_as_failed(status: SyncRunStatus) -> bool {
    matches!(status, SyncRunStatus::Failed | SyncRunStatus::Interrupted)
}

/// Builds the analytics of a range.
///
/// ```
/// use catalog_sync::admin_api::{build_analytics, AnalyticsInput, AnalyticsRunRow, SyncTrigger};
/// use catalog_sync::lifecycle::SyncRunStatus;
/// let row = |id: &str, at: &str, created: usize| AnalyticsRunRow {
///     id: id.into(), trigger: SyncTrigger::Schedule, status: SyncRunStatus::Success, started_at: at.into(),
///     duration_ms: Some(2000.0), fetched: created, created, updated: 0, unchanged: 0, archived: 0, rejected: 0,
/// };
/// let analytics = build_analytics(&AnalyticsInput {
///     rows: vec![row("b", "2026-01-02T00:00:00.000Z", 10), row("a", "2026-01-01T00:00:00.000Z", 4)],
///     from: None, to: "2026-02-01T00:00:00.000Z".into(), runs_in_range: 2, max_points: 250,
/// });
/// assert_eq!(analytics.points[0].run_id.as_deref(), Some("a"));
/// assert_eq!(analytics.points[1].products_per_second, Some(5.0));
/// assert_eq!(analytics.totals.created, 14);
/// ```
pub fn build_analytics(input: &AnalyticsInput) -> SyncAnalytics {
    let mut rows: Vec<&AnalyticsRunRow> = input.rows.iter().collect();
    rows.sort_by(|a, b| a.started_at.cmp(&b.started_at));
    let runs: Vec<AnalyticsPoint> = rows.iter().map(|row| run_point(row)).collect();
    let group_size = runs.len().div_ceil(input.max_points.max(1) as usize).max(1);
    let points = runs
        .chunks(group_size)
        .map(|group| match group {
            [single] => single.clone(),
            _ => average_points(group),
        })
        .collect();
    SyncAnalytics {
        from: input.from.clone(),
        to: input.to.clone(),
        runs_in_range: input.runs_in_range,
        runs_analyzed: rows.len(),
        group_size,
        points,
        totals: totals_of(&rows, &runs),
    }
}

/// The figures of one run as a chart point.
fn run_point(row: &AnalyticsRunRow) -> AnalyticsPoint {
    let duration_seconds = row.duration_ms.map(|ms| ms / 1000.0);
    let in_line = (row.created + row.updated + row.unchanged) as f64;
    let products_per_second = match duration_seconds {
        Some(seconds) if seconds > 0.0 && !counts_as_failed(row.status) => {
            Some(round(in_line / seconds, 1))
        }
        _ => None,
    };
    AnalyticsPoint {
        run_id: Some(row.id.clone()),
        runs: 1,
        started_at: row.started_at.clone(),
        status: Some(row.status),
        trigger: Some(row.trigger),
        duration_seconds: duration_seconds.map(|seconds| round(seconds, 3)),
        products_per_second,
        fetched: row.fetched as f64,
        created: row.created as f64,
        updated: row.updated as f64,
        unchanged: row.unchanged as f64,
        archived: row.archived as f64,
        rejected: row.rejected as f64,
    }
}

/// Averages consecutive points into one.
fn average_points(points: &[AnalyticsPoint]) -> AnalyticsPoint {
    let average = |value: fn(&AnalyticsPoint) -> f64| {
        round(
            points.iter().map(value).sum::<f64>() / points.len() as f64,
            1,
        )
    };
    AnalyticsPoint {
        run_id: None,
        runs: points.len(),
        started_at: points[0].started_at.clone(),
        status: None,
        trigger: None,
        duration_seconds: mean_of(points.iter().map(|p| p.duration_seconds), 3),
        products_per_second: mean_of(points.iter().map(|p| p.products_per_second), 1),
        fetched: average(|p| p.fetched),
        created: average(|p| p.created),
        updated: average(|p| p.updated),
        unchanged: average(|p| p.unchanged),
        archived: average(|p| p.archived),
        rejected: average(|p| p.rejected),
    }
}

/// Totals over the runs (oldest first) and their single-run points.
fn totals_of(rows: &[&AnalyticsRunRow], runs: &[AnalyticsPoint]) -> AnalyticsTotals {
    let sum = |value: fn(&AnalyticsRunRow) -> usize| rows.iter().map(|row| value(row)).sum();
    let with_status =
        |wanted: fn(SyncRunStatus) -> bool| rows.iter().filter(|row| wanted(row.status)).count();
    let durations: Vec<f64> = runs.iter().filter_map(|p| p.duration_seconds).collect();
    AnalyticsTotals {
        runs: rows.len(),
        success: with_status(|status| status == SyncRunStatus::Success),
        partial: with_status(|status| status == SyncRunStatus::Partial),
        failed: with_status(counts_as_failed),
        fetched: sum(|row| row.fetched),
        created: sum(|row| row.created),
        updated: sum(|row| row.updated),
        unchanged: sum(|row| row.unchanged),
        archived: sum(|row| row.archived),
        rejected: sum(|row| row.rejected),
        avg_duration_seconds: mean_of(durations.iter().copied().map(Some), 3),
        max_duration_seconds: durations.iter().copied().reduce(f64::max),
        avg_products_per_second: mean_of(runs.iter().map(|p| p.products_per_second), 1),
        last_started_at: rows.last().map(|row| row.started_at.clone()),
    }
}

/// The mean of the known values, rounded; `None` when none is known.
fn mean_of(values: impl Iterator<Item = Option<f64>>, digits: i32) -> Option<f64> {
    let known: Vec<f64> = values.flatten().collect();
    (!known.is_empty()).then(|| round(known.iter().sum::<f64>() / known.len() as f64, digits))
}

/// Rounds a non-negative figure to `digits` decimals.
fn round(value: f64, digits: i32) -> f64 {
    let factor = 10f64.powi(digits);
    (value * factor).round() / factor
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        id: usize,
        status: SyncRunStatus,
        duration_ms: Option<f64>,
        created: usize,
    ) -> AnalyticsRunRow {
        AnalyticsRunRow {
            id: format!("csrun_{id}"),
            trigger: SyncTrigger::Schedule,
            status,
            started_at: format!("2026-01-01T00:{:02}:{:02}.000Z", id / 60, id % 60),
            duration_ms,
            fetched: created + 1,
            created,
            updated: 1,
            unchanged: 2,
            archived: 0,
            rejected: 1,
        }
    }

    fn analytics(rows: Vec<AnalyticsRunRow>, max_points: u32) -> SyncAnalytics {
        let runs_in_range = rows.len();
        build_analytics(&AnalyticsInput {
            rows,
            from: None,
            to: "2026-02-01T00:00:00.000Z".into(),
            runs_in_range,
            max_points,
        })
    }

    #[test]
    fn an_empty_range_has_no_points_and_empty_totals() {
        let result = analytics(vec![], 250);
        assert!(result.points.is_empty());
        assert_eq!(result.group_size, 1);
        assert_eq!(result.totals.runs, 0);
        assert_eq!(result.totals.avg_duration_seconds, None);
        assert_eq!(result.totals.max_duration_seconds, None);
        assert_eq!(result.totals.last_started_at, None);
    }

    #[test]
    fn failed_and_interrupted_runs_count_as_failed_and_have_no_speed() {
        let result = analytics(
            vec![
                row(0, SyncRunStatus::Success, Some(1000.0), 7),
                row(1, SyncRunStatus::Failed, Some(500.0), 0),
                row(2, SyncRunStatus::Interrupted, Some(800.0), 3),
                row(3, SyncRunStatus::Partial, Some(0.0), 1),
            ],
            250,
        );
        assert_eq!(
            (
                result.totals.success,
                result.totals.partial,
                result.totals.failed
            ),
            (1, 1, 2)
        );
        let speeds: Vec<Option<f64>> = result
            .points
            .iter()
            .map(|p| p.products_per_second)
            .collect();
        assert_eq!(speeds, vec![Some(10.0), None, None, None]);
        assert_eq!(result.totals.avg_products_per_second, Some(10.0));
        assert_eq!(result.totals.max_duration_seconds, Some(1.0));
        assert_eq!(result.totals.avg_duration_seconds, Some(0.575));
    }

    #[test]
    fn more_runs_than_points_are_averaged_in_consecutive_groups_oldest_first() {
        let rows: Vec<AnalyticsRunRow> = (0..7)
            .rev()
            .map(|id| {
                row(
                    id,
                    SyncRunStatus::Success,
                    Some(1000.0 * (id as f64 + 1.0)),
                    id,
                )
            })
            .collect();
        let result = analytics(rows, 3);
        assert_eq!(result.group_size, 3);
        assert_eq!(result.points.len(), 3);
        let first = &result.points[0];
        assert_eq!(
            (first.run_id.clone(), first.runs, first.status),
            (None, 3, None)
        );
        assert_eq!(first.started_at, "2026-01-01T00:00:00.000Z");
        assert_eq!(first.created, 1.0);
        assert_eq!(first.duration_seconds, Some(2.0));
        let last = &result.points[2];
        assert_eq!((last.run_id.as_deref(), last.runs), (Some("csrun_6"), 1));
        assert_eq!(result.totals.created, 21);
        assert_eq!(
            result.totals.last_started_at.as_deref(),
            Some("2026-01-01T00:00:06.000Z")
        );
    }

    #[test]
    fn averages_round_to_one_decimal_and_durations_to_milliseconds() {
        let rows = vec![
            row(0, SyncRunStatus::Success, Some(1234.5678), 1),
            row(1, SyncRunStatus::Success, Some(1000.0), 2),
            row(2, SyncRunStatus::Success, Some(1000.0), 2),
        ];
        let result = analytics(rows, 1);
        let point = &result.points[0];
        assert_eq!(point.created, 1.7);
        assert_eq!(point.duration_seconds, Some(1.078));
    }
}
