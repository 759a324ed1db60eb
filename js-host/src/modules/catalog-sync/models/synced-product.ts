import { model } from "@medusajs/framework/utils"

/**
 * The sync ledger: one row per source product, keyed by `(source, source_id)` — `source` is the
 * namespace of the external id (`dummyjson`) — under a unique index, so the database, not the
 * plugin's care, guarantees that a source product maps to one row (and so to one store product).
 *
 * `state` is `creating` from just before a create batch's workflow runs until the products are read
 * back after it, then `complete`: a row still `creating` after its run ended is a create the process
 * never finished, the only kind of product the sync may delete to create again. The row keeps the
 * product, variant and inventory item ids, the fingerprints and image ids written, the `updated_at`
 * of the product and of the sync's variant as read after the write, and the run that last wrote it.
 * A preview records the content fingerprint it saw upstream (`source_fingerprint`, `source_seen_at`; the sync's
 * writes leave both alone): the product widget compares it with what was written (the core's `productStatus`).
 * Every decision about the rows is the core's (`readSnapshot`, `ledgerClaims`,
 * `ledgerWritesAfterBatch`); the module service writes them, one statement per batch.
 */
const SyncedProduct = model
  .define(
    { name: "synced_product", tableName: "catalog_sync_product" },
    {
      id: model.id({ prefix: "csprod" }).primaryKey(),
      source: model.text(),
      source_id: model.text(),
      state: model.enum(["creating", "complete"]),
      product_id: model.text().nullable(),
      variant_id: model.text().nullable(),
      inventory_item_id: model.text().nullable(),
      fingerprint: model.text().nullable(),
      images_fingerprint: model.text().nullable(),
      image_ids: model.json().nullable(),
      product_updated_at: model.dateTime().nullable(),
      variant_updated_at: model.dateTime().nullable(),
      run_id: model.text().nullable(),
      source_fingerprint: model.text().nullable(),
      source_seen_at: model.dateTime().nullable(),
    }
  )
  .indexes([
    { name: "IDX_catalog_sync_product_source_key", on: ["source", "source_id"], unique: true },
    { on: ["product_id"] },
  ])

export default SyncedProduct
