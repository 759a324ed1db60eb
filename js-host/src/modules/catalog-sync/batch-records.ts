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
  const result = (await manager.execute(
    `UPDATE ${TABLE} b SET "claimer" = ?::jsonb, "claim_heartbeat_at" = date_trunc('milliseconds', now()), ` +
      `"updated_at" = now() FROM "catalog_sync_run" r ` +
      `WHERE b."run_id" = ? AND b."position" = ? AND b."deleted_at" IS NULL AND b."recorded_at" IS NULL ` +
      `AND b."claimer" IS NOT DISTINCT FROM ?::jsonb AND b."claim_heartbeat_at" IS NOT DISTINCT FROM ? ` +
      `AND r."id" = b."run_id" AND r."status" = 'running' AND r."cancel_requested_at" IS NULL`,
    [
      JSON.stringify(claimer),
      runId,
      position,
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
  await manager.execute(
    `UPDATE ${TABLE} SET "claim_heartbeat_at" = date_trunc('milliseconds', now()), "updated_at" = now() ` +
      `WHERE "run_id" = ? AND "position" IN (${positions.map(() => "?").join(", ")}) AND "deleted_at" IS NULL ` +
      `AND "recorded_at" IS NULL AND "claimer"->>'boot' = ?`,
    [runId, ...positions, claimerBoot],
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
  const changed = (await manager.execute(
    `UPDATE ${TABLE} SET "result" = ?::jsonb, "writer" = ?::jsonb, "recorded_at" = date_trunc('milliseconds', now()), ` +
      `"batch" = NULL, "updated_at" = now() ` +
      `WHERE "run_id" = ? AND "position" = ? AND "deleted_at" IS NULL AND "recorded_at" IS NULL`,
    [JSON.stringify(result), JSON.stringify(writer), runId, position],
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
  await manager.execute(
    `UPDATE ${TABLE} SET "claimer" = NULL, "claim_heartbeat_at" = NULL, "updated_at" = now() ` +
      `WHERE "run_id" = ? AND "position" = ? AND "deleted_at" IS NULL AND "recorded_at" IS NULL ` +
      `AND "claimer"->>'boot' = ?`,
    [runId, position, claimerBoot],
    "run"
  )
}

/** The published batches of a run at these positions as the owner judges them, and the database's time. */
export async function readPublished(
  manager: SqlEntityManager,
  runId: string,
  positions: number[]
): Promise<{ batches: PublishedBatch[]; nowMs: number }> {
  const [{ now_ms }] = (await manager.execute(`SELECT ${NOW_MS}`)) as { now_ms: number }[]
  if (!positions.length) {
    return { batches: [], nowMs: Number(now_ms) }
  }
  const rows = (await manager.execute(
    `SELECT "position", "published_at", "claimer", "claim_heartbeat_at", "recorded_at", ` +
      `coalesce(("result"->>'written')::int, 0) AS "written" FROM ${TABLE} ` +
      `WHERE "run_id" = ? AND "position" IN (${positions.map(() => "?").join(", ")}) AND "deleted_at" IS NULL`,
    [runId, ...positions]
  )) as (ClaimColumns & { position: number; published_at: Date; recorded_at: Date | null; written: number })[]
  return {
    batches: rows.map((row) => ({
      position: Number(row.position),
      publishedAtMs: new Date(row.published_at).getTime(),
      claim: claimOf(row),
      recordedAtMs: row.recorded_at === null ? null : new Date(row.recorded_at).getTime(),
      written: Number(row.written),
    })),
    nowMs: Number(now_ms),
  }
}

/** The recorded results of a run's batches at these positions, in position order. */
export async function readResults(manager: SqlEntityManager, runId: string, positions: number[]): Promise<BatchResult[]> {
  if (!positions.length) {
    return []
  }
  const rows = (await manager.execute(
    `SELECT "result" FROM ${TABLE} WHERE "run_id" = ? AND "position" IN (${positions.map(() => "?").join(", ")}) ` +
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
