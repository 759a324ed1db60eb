import { model } from "@medusajs/framework/utils"
import { CHANGE_KINDS } from "../types"

/**
 * One product of a preview's change list (the core's `ProductChange`): what the sync would do to it — `kind`
 * `created`, `updated`, `removed`, `kept`, `rejected` or `held` — with the field changes (`diff`: field, old,
 * new), what it would complete, and its errors. Written once when the preview ends; read a page at a time by
 * `GET /admin/sync/runs/:id/changes` (index on run and kind).
 */
const SyncChange = model
  .define(
    { name: "sync_change", tableName: "catalog_sync_change" },
    {
      id: model.id({ prefix: "cschg" }).primaryKey(),
      run_id: model.text(),
      position: model.number(),
      source_id: model.number().nullable(),
      product_id: model.text().nullable(),
      kind: model.enum(CHANGE_KINDS),
      title: model.text().nullable(),
      diff: model.json().nullable(),
      completes: model.json().nullable(),
      errors: model.json().nullable(),
    }
  )
  .indexes([{ on: ["run_id", "kind"] }, { on: ["run_id", "position"] }])

export default SyncChange
