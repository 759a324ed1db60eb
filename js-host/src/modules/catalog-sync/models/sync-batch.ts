import { model } from "@medusajs/framework/utils"

/**
 * One write batch of a run that its owner published to the workers (the core's `writeSite` is `workers`): the
 * batch's JSON text, when its event was last published, the worker that claimed it and the claim's heartbeat, and,
 * once written, its result (the core's `BatchResult`), who wrote it and when.
 *
 * The unique index on (run, position) makes a position one row: a republished batch is the same row, and its result
 * is recorded once (the first result of a position counts). A claim is a conditional update on the claim the worker
 * read; a claim whose lease ran out is taken over (the core's `batchTake`). The batch text is dropped once the
 * result is in; the rows of a run stay until a later run publishes its first batches (the writer of each batch
 * can be read meanwhile).
 */
const SyncBatch = model
  .define(
    { name: "sync_batch", tableName: "catalog_sync_batch" },
    {
      id: model.id({ prefix: "csbat" }).primaryKey(),
      run_id: model.text(),
      position: model.number(),
      batch: model.text().nullable(),
      published_at: model.dateTime(),
      claimer: model.json().nullable(),
      claim_heartbeat_at: model.dateTime().nullable(),
      result: model.json().nullable(),
      writer: model.json().nullable(),
      recorded_at: model.dateTime().nullable(),
    }
  )
  .indexes([{ name: "IDX_catalog_sync_batch_run_position", on: ["run_id", "position"], unique: true }])

export default SyncBatch
