import type { SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import type { RunOwner, RunTransition } from "catalog-sync-core"
import type { SyncRunRecord } from "./types"

/** The table of the `sync_run` model. */
const TABLE = `"catalog_sync_run"`

/** PostgreSQL's code for a unique-constraint violation (a second running or queued run). */
const UNIQUE_VIOLATION = "23505"

/** A value computed by the database in the statement itself. */
export class SqlValue {
  constructor(readonly sql: string) {}
}

/**
 * The database's current time, to the millisecond. Every time of the run life cycle (start, heartbeat, end) is the
 * database's, so that instances on different machines judge leases with one clock; heartbeats are compared by
 * value in takeovers, so they keep no finer part than a JavaScript `Date` reads back.
 */
export const DB_NOW = new SqlValue(`date_trunc('milliseconds', now())`)

/** Milliseconds since the run started, by the database's clock. */
export const DB_DURATION_MS = new SqlValue(`round(extract(epoch from (now() - "started_at")) * 1000)`)

/** A column value: plain values are bound, objects and arrays stored as `jsonb`, `SqlValue`s computed. */
export type ColumnValue = string | number | boolean | null | Date | SqlValue | object

/** What the caller knows for the transition's guard (see the core's `RunGuard`). */
export interface GuardValues {
  /** The calling process's `boot` (guard `owner`). */
  ownerBoot?: string
  /** The owner and heartbeat the caller observed when it judged the run dead (guard `observed`). */
  observed?: { owner: RunOwner | null; heartbeatAt: Date | null }
}

/** A running run as takeovers read it, with the database's clock. */
export interface RunningRun {
  id: string
  owner: RunOwner | null
  heartbeat_at: Date | null
}

/** The columns of the changes, the SQL expression of each value (in the same order), and the bound values. */
function assignments(changes: Record<string, ColumnValue>): { columns: string[]; values: string[]; params: unknown[] } {
  const columns: string[] = []
  const values: string[] = []
  const params: unknown[] = []
  for (const [column, value] of Object.entries(changes)) {
    const [expression, bound] = columnValue(value)
    columns.push(`"${column}"`)
    values.push(expression)
    params.push(...bound)
  }
  return { columns, values, params }
}

/** `"column" = value, …` of assignments. */
function setClause({ columns, values }: { columns: string[]; values: string[] }): string {
  return columns.map((column, i) => `${column} = ${values[i]}`).join(", ")
}

/** The SQL of one value and what it binds. */
function columnValue(value: ColumnValue): [string, unknown[]] {
  if (value instanceof SqlValue) {
    return [value.sql, []]
  }
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return ["?::jsonb", [JSON.stringify(value)]]
  }
  return ["?", [value]]
}

/** The guard's SQL and bound values. */
function guardCondition(transition: RunTransition, guard: GuardValues): [string, unknown[]] {
  switch (transition.guard) {
    case "none":
      return ["", []]
    case "owner":
      if (guard.ownerBoot === undefined) {
        throw new Error(`catalog-sync: the transition to ${transition.to} needs the owner's boot`)
      }
      return [` AND "owner"->>'boot' = ?`, [guard.ownerBoot]]
    case "unclaimed":
      return [` AND "owner" IS NULL`, []]
    case "observed":
      if (!guard.observed) {
        throw new Error(`catalog-sync: the transition to ${transition.to} needs what the caller observed`)
      }
      return [
        ` AND "owner" IS NOT DISTINCT FROM ?::jsonb AND "heartbeat_at" IS NOT DISTINCT FROM ?`,
        [guard.observed.owner === null ? null : JSON.stringify(guard.observed.owner), guard.observed.heartbeatAt],
      ]
  }
}

/** Runs a statement that changes at most one run; `null` when it changed none or a unique index refused it. */
async function changeOne(manager: SqlEntityManager, sql: string, params: unknown[]): Promise<SyncRunRecord | null> {
  try {
    const result = (await manager.execute(sql, params, "run")) as { affectedRows: number; row?: SyncRunRecord }
    return result.affectedRows === 1 ? (result.row ?? null) : null
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
      return null
    }
    throw error
  }
}

/**
 * Applies one of the core's run transitions as a single conditional statement: an insert when the run must not
 * exist yet (`from: null`), else `UPDATE … WHERE id = ? AND status = from` plus the guard (the owner's boot, no
 * owner, or the observed owner and heartbeat). The partial unique indexes (one running run, one queued run)
 * refuse a second one.
 *
 * @returns the run as it is afterwards, or `null` when the transition did not apply (the run was not in the
 *   required state, the guard did not match, or another run holds the running or queued place)
 */
export async function applyTransition(
  manager: SqlEntityManager,
  id: string,
  transition: RunTransition,
  changes: Record<string, ColumnValue>,
  guard: GuardValues = {}
): Promise<SyncRunRecord | null> {
  const set = assignments({ ...changes, status: transition.to })
  if (transition.from === null) {
    return changeOne(
      manager,
      `INSERT INTO ${TABLE} ("id", ${set.columns.join(", ")}) VALUES (?, ${set.values.join(", ")}) RETURNING *`,
      [id, ...set.params]
    )
  }
  const [condition, guardParams] = guardCondition(transition, guard)
  return changeOne(
    manager,
    `UPDATE ${TABLE} SET ${setClause(set)}, "updated_at" = now() ` +
      `WHERE "id" = ? AND "deleted_at" IS NULL AND "status" = ?${condition} RETURNING *`,
    [...set.params, id, transition.from, ...guardParams]
  )
}

/**
 * Changes one run when `column` still has the value the caller read (a compare-and-set on a field the status
 * does not cover: the queued run's ids, the run an interrupted run's ids were queued into).
 *
 * @returns whether the run changed
 */
export async function compareAndSet(
  manager: SqlEntityManager,
  id: string,
  expected: { status: string; column: string; value: ColumnValue },
  changes: Record<string, ColumnValue>
): Promise<boolean> {
  const set = assignments(changes)
  const [expression, bound] = expected.value === null ? ["NULL", []] : columnValue(expected.value)
  const changed = await changeOne(
    manager,
    `UPDATE ${TABLE} SET ${setClause(set)}, "updated_at" = now() WHERE "id" = ? AND "deleted_at" IS NULL ` +
      `AND "status" = ? AND "${expected.column}" IS NOT DISTINCT FROM ${expression} RETURNING "id"`,
    [...set.params, id, expected.status, ...bound]
  )
  return changed !== null
}

/** The running runs (normally one) as takeovers judge them, and the database's current time in ms. */
export async function readRunningRuns(manager: SqlEntityManager): Promise<{ runs: RunningRun[]; nowMs: number }> {
  const rows = (await manager.execute(
    `SELECT "id", "owner", "heartbeat_at", (extract(epoch from now()) * 1000)::float8 AS "now_ms" FROM ${TABLE} ` +
      `WHERE "status" = 'running' AND "deleted_at" IS NULL ORDER BY "started_at" DESC`
  )) as (RunningRun & { now_ms: number })[]
  return {
    runs: rows.map(({ id, owner, heartbeat_at }) => ({ id, owner, heartbeat_at })),
    nowMs: rows.length ? Number(rows[0].now_ms) : 0,
  }
}

/** The database's current time in ms (every time of the run life cycle is the database's). */
export async function readNowMs(manager: SqlEntityManager): Promise<number> {
  const [row] = (await manager.execute(`SELECT (extract(epoch from now()) * 1000)::float8 AS "now_ms"`)) as { now_ms: number }[]
  return Number(row.now_ms)
}
