import { generateEntityId } from "@medusajs/framework/utils"
import type { SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import type { BatchClaim, BatchResult, PublishedBatch, RunOwner } from "catalog-sync-core"

/** The table of the `sync_batch` model. */
const TABLE = `"catalog_sync_batch"`

/** A published batch's row as a worker reads it before taking the batch, with the database's clock. */
export interface BatchRow {
  /** The batch's JSON text (`null` once its result is in). */
  batch: string | null
  claim: BatchClaim | null
  recorded: boolean
  /** Whether the run is `running` with no request to stop it. */
  runWriting: boolean
  nowMs: number
}

/** A claim as the table stores it: the claimer and the claim's heartbeat. */
interface ClaimColumns {
  claimer: RunOwner | null
  claim_heartbeat_at: Date | string | null
}

/** The core's `BatchClaim` of a row, or `null` when nobody claimed it. */
function claimOf(row: ClaimColumns): BatchClaim | null {
  return row.claimer === null || row.claim_heartbeat_at === null
    ? null
    : { claimer: row.claimer, heartbeatAtMs: new Date(row.claim_heartbeat_at).getTime() }
}

/** `now()` in ms since the epoch, as a selected column. */
const NOW_MS = `(extract(epoch from now()) * 1000)::float8 AS "now_ms"`

/** `?` for each of `values`, comma-separated (an `IN (...)` list). */
function marks(values: unknown[]): string {
  return values.map(() => "?").join(", ")
}

/**
 * The condition of every conditional update of a batch without result: this run, these positions, the row live,
 * no result recorded yet; and its parameters. `table` is the alias of the batch table when the update joins another.
 */
function unrecorded(runId: string, positions: number[], table = ""): { sql: string; params: unknown[] } {
  const column = (name: string) => (table ? `${table}."${name}"` : `"${name}"`)
  return {
    sql:
      `${column("run_id")} = ? AND ${column("position")} IN (${marks(positions)}) ` +
      `AND ${column("deleted_at")} IS NULL AND ${column("recorded_at")} IS NULL`,
    params: [runId, ...positions],
  }
}

/**
 * Publishes batches of a run: one row per position with the batch's text, published now; a position already
 * published (published again) keeps its row, claim and result and only gets a new publication time.
 */
export async function publishRows(
  manager: SqlEntityManager,
  runId: string,
  batches: { position: number; text: string | null }[]
): Promise<void> {
  if (!batches.length) {
    return
  }
  const tuples = batches.map(() => `(?, ?, ?, ?, date_trunc('milliseconds', now()))`).join(", ")
  const params = batches.flatMap(({ position, text }) => [generateEntityId(undefined, "csbat"), runId, position, text])
  await manager.execute(
    `INSERT INTO ${TABLE} ("id", "run_id", "position", "batch", "published_at") VALUES ${tuples} ` +
      `ON CONFLICT ("run_id", "position") WHERE "deleted_at" IS NULL ` +
      `DO UPDATE SET "published_at" = EXCLUDED."published_at", "updated_at" = now()`,
    params,
    "run"
  )
}

/** A published batch's row and its run's state, or `null` when the batch is not (or no longer) published. */
export async function readBatchRow(manager: SqlEntityManager, runId: string, position: number): Promise<BatchRow | null> {
  const rows = (await manager.execute(
    `SELECT b."batch", b."claimer", b."claim_heartbeat_at", b."recorded_at" IS NOT NULL AS "recorded", ` +
      `(r."status" = 'running' AND r."cancel_requested_at" IS NULL) AS "run_writing", ${NOW_MS} ` +
      `FROM ${TABLE} b LEFT JOIN "catalog_sync_run" r ON r."id" = b."run_id" AND r."deleted_at" IS NULL ` +
      `WHERE b."run_id" = ? AND b."position" = ? AND b."deleted_at" IS NULL`,
    [runId, position]
  )) as (ClaimColumns & { batch: string | null; recorded: boolean; run_writing: boolean | null; now_ms: number })[]
  const [row] = rows
  if (!row) {
    return null
  }
  return {
    batch: row.batch,
    claim: claimOf(row),
    recorded: row.recorded,
    runWriting: row.run_writing === true,
    nowMs: Number(row.now_ms),
  }
}

/**
 * Claims a batch for `claimer` if its claim is still `observed` (none, or the dead claimer's with the heartbeat
 * read), it has no result, and its run is still running with no request to stop it.
 *
 * @returns whether the claim applied
 */
export async function claimRow(
  manager: SqlEntityManager,
  runId: string,
  position: number,
  claimer: RunOwner,
  observed: BatchClaim | null
): Promise<boolean> {
  const where = unrecorded(runId, [position], "b")
  const result = (await manager.execute(
    `UPDATE ${TABLE} b SET "claimer" = ?::jsonb, "claim_heartbeat_at" = date_trunc('milliseconds', now()), ` +
      `"updated_at" = now() FROM "catalog_sync_run" r WHERE ${where.sql} ` +
      `AND b."claimer" IS NOT DISTINCT FROM ?::jsonb AND b."claim_heartbeat_at" IS NOT DISTINCT FROM ? ` +
      `AND r."id" = b."run_id" AND r."status" = 'running' AND r."cancel_requested_at" IS NULL`,
    [
      JSON.stringify(claimer),
      ...where.params,
      observed === null ? null : JSON.stringify(observed.claimer),
      observed === null ? null : new Date(observed.heartbeatAtMs),
    ],
    "run"
  )) as { affectedRows: number }
  return result.affectedRows === 1
}

/** Renews the claims `claimerBoot` holds on these batches of a run (the claim's heartbeat). */
export async function beatClaims(
  manager: SqlEntityManager,
  runId: string,
  positions: number[],
  claimerBoot: string
): Promise<void> {
  if (!positions.length) {
    return
  }
  const where = unrecorded(runId, positions)
  await manager.execute(
    `UPDATE ${TABLE} SET "claim_heartbeat_at" = date_trunc('milliseconds', now()), "updated_at" = now() ` +
      `WHERE ${where.sql} AND "claimer"->>'boot' = ?`,
    [...where.params, claimerBoot],
    "run"
  )
}

/**
 * Records a batch's result, written by `writer`, if the position has none yet (the first result counts), and drops
 * the batch's text.
 *
 * @returns whether this result was recorded
 */
export async function recordResult(
  manager: SqlEntityManager,
  runId: string,
  position: number,
  result: BatchResult,
  writer: RunOwner
): Promise<boolean> {
  const where = unrecorded(runId, [position])
  const changed = (await manager.execute(
    `UPDATE ${TABLE} SET "result" = ?::jsonb, "writer" = ?::jsonb, "recorded_at" = date_trunc('milliseconds', now()), ` +
      `"batch" = NULL, "updated_at" = now() WHERE ${where.sql}`,
    [JSON.stringify(result), JSON.stringify(writer), ...where.params],
    "run"
  )) as { affectedRows: number }
  return changed.affectedRows === 1
}

/** Gives up a claim of `claimerBoot` on a batch without result (its write failed): another worker may take it. */
export async function releaseClaim(
  manager: SqlEntityManager,
  runId: string,
  position: number,
  claimerBoot: string
): Promise<void> {
  const where = unrecorded(runId, [position])
  await manager.execute(
    `UPDATE ${TABLE} SET "claimer" = NULL, "claim_heartbeat_at" = NULL, "updated_at" = now() ` +
      `WHERE ${where.sql} AND "claimer"->>'boot' = ?`,
    [...where.params, claimerBoot],
    "run"
  )
}

/**
 * The published batches of a run at these positions as the owner judges them, and the database's time, in one
 * statement: every row, or (`changedSinceMs`, ms since the epoch) only the rows changed after that time — the
 * owner's looks while the workers write (the core's `fanOutState` says which).
 */
export async function readPublished(
  manager: SqlEntityManager,
  runId: string,
  positions: number[],
  changedSinceMs: number | null
): Promise<{ batches: PublishedBatch[]; nowMs: number }> {
  const changed = changedSinceMs === null ? "" : ` AND b."updated_at" > to_timestamp(?::float8 / 1000)`
  const rows = (await manager.execute(
    `SELECT n."now_ms", b."position", b."published_at", b."claimer", b."claim_heartbeat_at", b."recorded_at", ` +
      `coalesce((b."result"->>'written')::int, 0) AS "written" FROM (SELECT ${NOW_MS}) n ` +
      `LEFT JOIN ${TABLE} b ON b."run_id" = ? AND b."position" IN (${positions.length ? marks(positions) : "NULL"}) ` +
      `AND b."deleted_at" IS NULL${changed}`,
    [runId, ...positions, ...(changedSinceMs === null ? [] : [changedSinceMs])]
  )) as (ClaimColumns & {
    now_ms: number
    position: number | null
    published_at: Date | null
    recorded_at: Date | null
    written: number
  })[]
  return {
    batches: rows.flatMap((row) =>
      row.position === null || row.published_at === null
        ? []
        : [
            {
              position: Number(row.position),
              publishedAtMs: new Date(row.published_at).getTime(),
              claim: claimOf(row),
              recordedAtMs: row.recorded_at === null ? null : new Date(row.recorded_at).getTime(),
              written: Number(row.written),
            },
          ]
    ),
    nowMs: Number(rows[0].now_ms),
  }
}

/** The recorded results of a run's batches at these positions, in position order. */
export async function readResults(manager: SqlEntityManager, runId: string, positions: number[]): Promise<BatchResult[]> {
  if (!positions.length) {
    return []
  }
  const rows = (await manager.execute(
    `SELECT "result" FROM ${TABLE} WHERE "run_id" = ? AND "position" IN (${marks(positions)}) ` +
      `AND "deleted_at" IS NULL AND "recorded_at" IS NOT NULL ORDER BY "position"`,
    [runId, ...positions]
  )) as { result: BatchResult }[]
  return rows.map((row) => row.result)
}

/** Withdraws the batches of a run nobody claimed (the run stops early): their events then find nothing to take. */
export async function withdrawUnclaimed(manager: SqlEntityManager, runId: string): Promise<void> {
  await manager.execute(
    `DELETE FROM ${TABLE} WHERE "run_id" = ? AND "claimer" IS NULL AND "recorded_at" IS NULL`,
    [runId],
    "run"
  )
}

/** Removes the batch rows of every run but `runId` (a run keeps its rows until the next run publishes). */
export async function removeOtherRuns(manager: SqlEntityManager, runId: string): Promise<void> {
  await manager.execute(`DELETE FROM ${TABLE} WHERE "run_id" <> ?`, [runId], "run")
}
