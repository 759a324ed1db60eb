import { generateEntityId } from "@medusajs/framework/utils"
import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { LedgerKey, LedgerRow, SeenFingerprint } from "catalog-sync-core"
import { readOnlyRows } from "../../lib/read-only-sql"

/** The ledger's table (model `synced_product`). */
export const LEDGER_TABLE = "catalog_sync_product"

/** The columns a ledger row writes, in order (the core's `LedgerRow` keys). */
const COLUMNS = [
  "source",
  "source_id",
  "state",
  "product_id",
  "variant_id",
  "inventory_item_id",
  "fingerprint",
  "images_fingerprint",
  "image_ids",
  "product_updated_at",
  "variant_updated_at",
  "run_id",
] as const

/** The conflict target: the unique index on the key, which covers live rows only. */
const KEY_CONFLICT = `("source", "source_id") WHERE deleted_at IS NULL`

/** A value bound into a statement. */
type Binding = Knex.Value

/** `INSERT INTO ledger (id, columns…) VALUES (…), (…)` for these rows, with its bindings. */
function insertRows(rows: LedgerRow[]): { sql: string; bindings: Binding[] } {
  const bindings: Binding[] = []
  const tuples = rows.map((row) => {
    bindings.push(generateEntityId(undefined, "csprod"))
    for (const column of COLUMNS) {
      const value = row[column]
      bindings.push(value !== null && typeof value === "object" ? JSON.stringify(value) : value)
    }
    return `(${["?", ...COLUMNS.map(() => "?")].join(", ")})`
  })
  const columns = ["id", ...COLUMNS].map((column) => `"${column}"`).join(", ")
  return { sql: `INSERT INTO "${LEDGER_TABLE}" (${columns}) VALUES ${tuples.join(", ")}`, bindings }
}

/** `("source", "source_id") IN ((?, ?), …)` for these keys, with its bindings. */
function keyList(keys: LedgerKey[]): { sql: string; bindings: Binding[] } {
  return {
    sql: `("source", "source_id") IN (${keys.map(() => "(?, ?)").join(", ")})`,
    bindings: keys.flatMap((key) => [key.source, key.source_id]),
  }
}

/**
 * Inserts `creating` rows, all of them or none, in one statement: a key that already has a row
 * (a product another attempt is creating, or one the ledger already records) makes the whole claim
 * fail with an error naming the keys, and nothing is written.
 */
export async function claimRows(knex: Knex, rows: LedgerRow[]): Promise<void> {
  if (!rows.length) {
    return
  }
  const insert = insertRows(rows)
  await knex.transaction(async (trx) => {
    const result = await trx.raw(`${insert.sql} ON CONFLICT ${KEY_CONFLICT} DO NOTHING RETURNING "source_id"`, insert.bindings)
    const claimed = new Set((result.rows as { source_id: string }[]).map((row) => row.source_id))
    const taken = rows.filter((row) => !claimed.has(row.source_id))
    if (taken.length) {
      throw new Error(
        `the sync ledger already has a row for ${taken.map((row) => `${row.source}:${row.source_id}`).join(", ")} ` +
          "(another attempt is creating it, or it exists); nothing was claimed"
      )
    }
  })
}

/** Inserts rows, or overwrites every column of the row with the same key, in one statement. */
export async function recordRows(knex: Knex, rows: LedgerRow[]): Promise<void> {
  if (!rows.length) {
    return
  }
  const insert = insertRows(rows)
  const updates = COLUMNS.filter((column) => column !== "source" && column !== "source_id")
    .map((column) => `"${column}" = EXCLUDED."${column}"`)
    .join(", ")
  await knex.raw(`${insert.sql} ON CONFLICT ${KEY_CONFLICT} DO UPDATE SET ${updates}, "updated_at" = now()`, insert.bindings)
}

/** Removes the rows of these keys, in one statement. */
export async function removeRows(knex: Knex, keys: LedgerKey[]): Promise<void> {
  if (!keys.length) {
    return
  }
  const list = keyList(keys)
  await knex.raw(`DELETE FROM "${LEDGER_TABLE}" WHERE ${list.sql}`, list.bindings)
}

/** Removes the rows pointing at these (deleted) products, in one statement. */
export async function removeRowsOfProducts(knex: Knex, productIds: string[]): Promise<void> {
  if (!productIds.length) {
    return
  }
  await knex.raw(`DELETE FROM "${LEDGER_TABLE}" WHERE "product_id" IN (${productIds.map(() => "?").join(", ")})`, productIds)
}

/** Removes the rows of these keys that `runId` claimed and that are still `creating`, in one statement. */
export async function releaseClaims(knex: Knex, keys: LedgerKey[], runId: string): Promise<void> {
  if (!keys.length) {
    return
  }
  const list = keyList(keys)
  await knex.raw(`DELETE FROM "${LEDGER_TABLE}" WHERE "state" = 'creating' AND "run_id" = ? AND ${list.sql}`, [
    runId,
    ...list.bindings,
  ])
}

/**
 * Every live ledger row as one JSON text (an array of the core's `LedgerRow`), made by PostgreSQL: one row
 * per source product, so the store check takes it as text without a JavaScript object per row. The two timestamps
 * are PostgreSQL's own JSON text of a `timestamptz` (`2026-12-07T04:50:00.123+00:00`), which the core compares to the
 * millisecond (`same_instant`) like the stamps' own: formatting them with `to_char` took 20–40 % of the statement at
 * 10,000 rows.
 */
export async function ledgerRowsJson(knex: Knex): Promise<string> {
  const fields = COLUMNS.map((column) => `'${column}', "${column}"`)
  const rows = await readOnlyRows<{ rows: string }>(
    knex,
    `SELECT coalesce(json_agg(json_build_object(${fields.join(", ")})), '[]')::text AS rows
       FROM "${LEDGER_TABLE}" WHERE deleted_at IS NULL`
  )
  return rows[0].rows
}

/** A ledger row as the module service lists it (timestamps as dates), with what a preview saw upstream. */
export interface LedgerRecord extends Omit<LedgerRow, "product_updated_at" | "variant_updated_at"> {
  product_updated_at: Date | string | null
  variant_updated_at: Date | string | null
  source_fingerprint?: string | null
  source_seen_at?: Date | string | null
}

/**
 * Records on the rows of these source products the fingerprint a preview saw and when (the database's time), in
 * one statement; products without a row (not created yet) are left out. The sync's own writes do not touch these
 * columns.
 */
export async function recordSeenFingerprints(knex: Knex, seen: SeenFingerprint[]): Promise<void> {
  if (!seen.length) {
    return
  }
  const values = seen.map(() => "(?, ?, ?)").join(", ")
  await knex.raw(
    `UPDATE "${LEDGER_TABLE}" AS l SET "source_fingerprint" = v.fingerprint, "source_seen_at" = now() ` +
      `FROM (VALUES ${values}) AS v(source, source_id, fingerprint) ` +
      `WHERE l."source" = v.source AND l."source_id" = v.source_id AND l."deleted_at" IS NULL`,
    seen.flatMap((entry) => [entry.source, entry.source_id, entry.fingerprint])
  )
}

/** A listed row in the core's shape (timestamps as ISO 8601 text). */
export function toLedgerRow(record: LedgerRecord): LedgerRow {
  const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())
  return {
    source: record.source,
    source_id: record.source_id,
    state: record.state,
    product_id: record.product_id,
    variant_id: record.variant_id,
    inventory_item_id: record.inventory_item_id,
    fingerprint: record.fingerprint,
    images_fingerprint: record.images_fingerprint,
    image_ids: record.image_ids,
    product_updated_at: iso(record.product_updated_at),
    variant_updated_at: iso(record.variant_updated_at),
    run_id: record.run_id,
  }
}
