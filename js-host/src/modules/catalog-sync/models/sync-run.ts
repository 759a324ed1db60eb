import { model } from "@medusajs/framework/utils"

/**
 * One execution of the catalog sync: what started it, how it ended, what it counted, how long each
 * phase took, its live progress while it runs, and the per-product errors it recorded.
 *
 * `owner` and `heartbeat_at` identify the process that runs it, so that a run left `running` by a
 * process that died can be told apart from a run another live process is still executing.
 *
 * A `queued` run is a webhook run waiting for the sync lock: its `product_ids` collect the ids of
 * every webhook call that arrived while another sync ran, and its `started_at` is when it was queued
 * until it starts. At most one run is `queued` at a time (a partial unique index).
 */
const SyncRun = model
  .define(
    { name: "sync_run", tableName: "catalog_sync_run" },
    {
      id: model.id({ prefix: "csrun" }).primaryKey(),
      trigger: model.enum(["schedule", "manual", "webhook"]),
      status: model.enum(["queued", "running", "success", "partial", "failed"]).default("running"),
      started_at: model.dateTime(),
      finished_at: model.dateTime().nullable(),
      duration_ms: model.number().nullable(),
      fetched: model.number().default(0),
      created: model.number().default(0),
      updated: model.number().default(0),
      unchanged: model.number().default(0),
      kept: model.number().default(0),
      archived: model.number().default(0),
      deleted: model.number().default(0),
      rejected: model.number().default(0),
      failed: model.number().default(0),
      stock_levels: model.number().default(0),
      images_uploaded: model.number().default(0),
      images_reused: model.number().default(0),
      requests: model.number().default(0),
      retries: model.number().default(0),
      phase_timings: model.json().nullable(),
      progress: model.json().nullable(),
      error_message: model.text().nullable(),
      errors: model.json().nullable(),
      product_ids: model.json().nullable(),
      owner: model.text().nullable(),
      heartbeat_at: model.dateTime().nullable(),
    }
  )
  .indexes([
    { on: ["status"] },
    { on: ["started_at"] },
    { name: "IDX_catalog_sync_run_one_queued", on: ["status"], unique: true, where: "status = 'queued'" },
  ])

export default SyncRun
