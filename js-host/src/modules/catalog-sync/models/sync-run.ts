import { model } from "@medusajs/framework/utils"
import type { RunCounts } from "catalog-sync-core"
import { RUN_COUNT_COLUMNS, SYNC_RUN_STATUSES, SYNC_TRIGGERS } from "../types"

/** A number column that starts at 0. */
const countColumn = () => model.number().default(0)

/** One column per count of the core's `RunCounts` (the core lists them). */
const countColumns = Object.fromEntries(RUN_COUNT_COLUMNS.map((name) => [name, countColumn()])) as Record<
  keyof RunCounts,
  ReturnType<typeof countColumn>
>

/**
 * One execution of the catalog sync: what started it, how it ended, what it counted, how long each
 * phase took, its live progress while it runs, and the per-product errors it recorded.
 *
 * `owner` (the core's `RunOwner`: host, pid, boot, worker mode) names the process that executes a running
 * run, and `heartbeat_at` (the database's clock) is its last sign of life: a run whose lease ran out is
 * taken over (status `interrupted`) by another process. A run a server handed to the workers has no owner
 * until a worker claims it. Status changes are conditional updates (see the module service).
 *
 * A `queued` run is a webhook run waiting for the running sync: its `product_ids` collect the ids of
 * every webhook call that arrived while another sync ran, and its `started_at` is when it was queued
 * until it starts. At most one run is `queued` and at most one is `running` (two partial unique indexes).
 * An interrupted webhook run whose ids were queued again names that run in `requeued_run_id`.
 *
 * A full run whose removals the core's guard held back keeps them in `held_removals` (source id, product
 * id, action each); `removals_applied_by` names the `apply_removals` run that took them, which in turn
 * names the held run in `removals_of`.
 *
 * An operator's request to stop a running run is `cancel_requested_at`; its owner stops at the next batch boundary
 * and ends it `cancelled`. A preview (trigger `preview`) keeps the fingerprints of what it fetched and planned and
 * its change counts (its product list is in `catalog_sync_change`); `preview_applied_by` names the `apply_preview`
 * run that applies it, which names the preview in `preview_of`.
 */
const SyncRun = model
  .define(
    { name: "sync_run", tableName: "catalog_sync_run" },
    {
      id: model.id({ prefix: "csrun" }).primaryKey(),
      trigger: model.enum(SYNC_TRIGGERS),
      status: model.enum(SYNC_RUN_STATUSES).default("running"),
      started_at: model.dateTime(),
      finished_at: model.dateTime().nullable(),
      duration_ms: model.number().nullable(),
      ...countColumns,
      requests: model.number().default(0),
      retries: model.number().default(0),
      phase_timings: model.json().nullable(),
      progress: model.json().nullable(),
      error_message: model.text().nullable(),
      errors: model.json().nullable(),
      product_ids: model.json().nullable(),
      owner: model.json().nullable(),
      heartbeat_at: model.dateTime().nullable(),
      requeued_run_id: model.text().nullable(),
      held_removals: model.json().nullable(),
      removals_applied_by: model.text().nullable(),
      removals_of: model.text().nullable(),
      cancel_requested_at: model.dateTime().nullable(),
      listing_fingerprint: model.text().nullable(),
      plan_fingerprint: model.text().nullable(),
      change_counts: model.json().nullable(),
      preview_applied_by: model.text().nullable(),
      preview_of: model.text().nullable(),
    }
  )
  .indexes([
    { on: ["status"] },
    { on: ["started_at"] },
    { name: "IDX_catalog_sync_run_one_queued", on: ["status"], unique: true, where: "status = 'queued'" },
    { name: "IDX_catalog_sync_run_one_running", on: ["status"], unique: true, where: "status = 'running'" },
  ])

export default SyncRun
