/**
 * The figures behind the admin's sync analytics charts, computed on the server from finished runs.
 * Pure functions: the route reads the runs, this module shapes them.
 */

/** The columns of a finished `sync_run` that the analytics need. */
export interface AnalyticsRunRow {
  id: string
  trigger: string
  status: string
  started_at: Date | string
  duration_ms: number | null
  fetched: number
  created: number
  updated: number
  unchanged: number
  archived: number
  rejected: number
}

/**
 * One point of the charts: one run, or — when the range holds more runs than the charts show — the
 * average of `runs` consecutive runs.
 */
export interface AnalyticsPoint {
  /** The run id when the point is one run; `null` for an averaged group of runs. */
  run_id: string | null
  /** How many runs the point stands for (1 for a single run). */
  runs: number
  /** When the (first) run started, ISO 8601. */
  started_at: string
  /** The run's status and trigger (`null` for an averaged group). */
  status: string | null
  trigger: string | null
  /** Wall-clock duration in seconds (`null` when unknown). */
  duration_seconds: number | null
  /** Products in line with the source after the run (created + updated + unchanged) per second; `null` for failed runs. */
  products_per_second: number | null
  fetched: number
  created: number
  updated: number
  unchanged: number
  archived: number
  rejected: number
}

/** Totals over every finished run of the range. */
export interface AnalyticsTotals {
  runs: number
  success: number
  partial: number
  /** Runs that ended without syncing: failed, or interrupted (their process stopped). */
  failed: number
  fetched: number
  created: number
  updated: number
  unchanged: number
  archived: number
  rejected: number
  /** Mean duration of the runs whose duration is known, in seconds (`null` when none). */
  avg_duration_seconds: number | null
  /** Longest run, in seconds (`null` when none). */
  max_duration_seconds: number | null
  /** Mean products per second over the runs that did not fail (`null` when none). */
  avg_products_per_second: number | null
  /** When the latest run of the range started (`null` when the range is empty). */
  last_started_at: string | null
}

/** The answer of `GET /admin/sync/analytics`. */
export interface SyncAnalytics {
  /** The range asked for (ISO 8601; `from` is `null` for "all time"). */
  from: string | null
  to: string
  /** Finished runs that started in the range. */
  runs_in_range: number
  /** Runs the totals and points cover: the newest `runs_in_range` up to the server's limit. */
  runs_analyzed: number
  /** Runs per point: 1, or more when the runs were grouped to keep the charts readable. */
  group_size: number
  /** Oldest first. */
  points: AnalyticsPoint[]
  totals: AnalyticsTotals
}

/** The figures of one run as a chart point. */
export function runPoint(row: AnalyticsRunRow): AnalyticsPoint {
  const durationSeconds = row.duration_ms === null ? null : row.duration_ms / 1000
  const inSync = row.created + row.updated + row.unchanged
  return {
    run_id: row.id,
    runs: 1,
    started_at: new Date(row.started_at).toISOString(),
    status: row.status,
    trigger: row.trigger,
    duration_seconds: durationSeconds === null ? null : round(durationSeconds, 3),
    products_per_second:
      isFailure(row.status) || !durationSeconds ? null : round(inSync / durationSeconds, 1),
    fetched: row.fetched,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    archived: row.archived,
    rejected: row.rejected,
  }
}

/** Averages consecutive points into one (the charts then show one point per group). */
export function averagePoints(points: AnalyticsPoint[]): AnalyticsPoint {
  const countKeys = ["fetched", "created", "updated", "unchanged", "archived", "rejected"] as const
  const averaged = {} as Record<(typeof countKeys)[number], number>
  for (const key of countKeys) {
    averaged[key] = round(points.reduce((sum, p) => sum + p[key], 0) / points.length, 1)
  }
  return {
    run_id: null,
    runs: points.length,
    started_at: points[0].started_at,
    status: null,
    trigger: null,
    duration_seconds: meanOf(points.map((p) => p.duration_seconds), 3),
    products_per_second: meanOf(points.map((p) => p.products_per_second), 1),
    ...averaged,
  }
}

/**
 * Builds the analytics of a range.
 * @param rows - finished runs of the range, in any order
 * @param range - the range asked for
 * @param runsInRange - how many finished runs the range holds (may exceed `rows.length`)
 * @param maxPoints - most points the charts get; more runs are averaged in consecutive groups
 */
export function buildAnalytics(
  rows: AnalyticsRunRow[],
  range: { from: Date | null; to: Date },
  runsInRange: number,
  maxPoints: number
): SyncAnalytics {
  const runs = rows
    .map(runPoint)
    .sort((a, b) => a.started_at.localeCompare(b.started_at))
  const groupSize = Math.max(1, Math.ceil(runs.length / maxPoints))
  const points: AnalyticsPoint[] = []
  for (let i = 0; i < runs.length; i += groupSize) {
    const group = runs.slice(i, i + groupSize)
    points.push(group.length === 1 ? group[0] : averagePoints(group))
  }
  return {
    from: range.from ? range.from.toISOString() : null,
    to: range.to.toISOString(),
    runs_in_range: runsInRange,
    runs_analyzed: runs.length,
    group_size: groupSize,
    points,
    totals: totalsOf(runs),
  }
}

/** Totals over single-run points. */
export function totalsOf(runs: AnalyticsPoint[]): AnalyticsTotals {
  const sum = (key: "fetched" | "created" | "updated" | "unchanged" | "archived" | "rejected") =>
    runs.reduce((total, run) => total + run[key], 0)
  const durations = runs.map((r) => r.duration_seconds).filter((d): d is number => d !== null)
  return {
    runs: runs.length,
    success: runs.filter((r) => r.status === "success").length,
    partial: runs.filter((r) => r.status === "partial").length,
    failed: runs.filter((r) => isFailure(r.status)).length,
    fetched: sum("fetched"),
    created: sum("created"),
    updated: sum("updated"),
    unchanged: sum("unchanged"),
    archived: sum("archived"),
    rejected: sum("rejected"),
    avg_duration_seconds: meanOf(durations, 3),
    max_duration_seconds: durations.length ? Math.max(...durations) : null,
    avg_products_per_second: meanOf(runs.map((r) => r.products_per_second), 1),
    last_started_at: runs.length ? runs[runs.length - 1].started_at : null,
  }
}

/** A run that ended without syncing: failed, or interrupted (its process stopped). */
function isFailure(status: string | null): boolean {
  return status === "failed" || status === "interrupted"
}

function meanOf(values: (number | null)[], digits: number): number | null {
  const known = values.filter((v): v is number => v !== null)
  return known.length ? round(known.reduce((a, b) => a + b, 0) / known.length, digits) : null
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
