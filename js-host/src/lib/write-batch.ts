import {
  batchInventoryItemLevelsWorkflow,
  createProductsWorkflow,
  deleteProductsWorkflow,
  updateProductsWorkflow,
} from "@medusajs/medusa/core-flows"
import type { MedusaContainer } from "@medusajs/framework/types"
import { splitBatch, writeErrorFor } from "catalog-sync-core"
import { createSyncedProductsWorkflow } from "../workflows/create-synced-products"
import type { BatchResult, StockLevelWrite, WriteBatch } from "catalog-sync-core"

/** Number of products in a batch (one stock level is one product's). */
function batchSize(batch: WriteBatch): number {
  switch (batch.kind) {
    case "create":
    case "update":
      return batch.products.length
    case "archive":
    case "delete":
      return batch.productIds.length
    case "stock":
      return batch.levels.length
  }
}

/** A stock batch's levels as `batchInventoryItemLevelsWorkflow` takes them (the core says create or update). */
function levelWrites(levels: StockLevelWrite[]) {
  const level = ({ inventory_item_id, location_id, stocked_quantity }: StockLevelWrite) => ({
    inventory_item_id,
    location_id,
    stocked_quantity,
  })
  return {
    create: levels.filter((write) => write.action === "create").map(level),
    update: levels.filter((write) => write.action === "update").map(level),
  }
}

/** The messages of a failed workflow run, joined. */
function describeErrors(errors: { error?: { message?: string } }[]): string {
  return errors.map((entry) => entry.error?.message ?? "unknown error").join("; ")
}

/**
 * Runs the Medusa workflow of one batch: create (with each variant's inventory item and level when the
 * core gives them), update, archive (status `draft`), delete, or the stock levels of a stock batch.
 * Each workflow compensates its own steps when it fails, so a refused batch leaves nothing
 * half-written.
 *
 * @returns `null` when the batch landed, else the error message Medusa gave
 */
async function runBatchWorkflow(container: MedusaContainer, batch: WriteBatch): Promise<string | null> {
  let errors: { error?: { message?: string } }[]
  switch (batch.kind) {
    case "create":
      ;({ errors } = batch.inventoryItems.length
        ? await createSyncedProductsWorkflow(container).run({
            input: { products: batch.products, inventoryItems: batch.inventoryItems },
            throwOnError: false,
          })
        : await createProductsWorkflow(container).run({
            input: { products: batch.products },
            throwOnError: false,
          }))
      break
    case "update":
      ;({ errors } = await updateProductsWorkflow(container).run({
        input: { products: batch.products },
        throwOnError: false,
      }))
      break
    case "archive":
      ;({ errors } = await updateProductsWorkflow(container).run({
        input: { products: batch.productIds.map((id) => ({ id, status: "draft" as const })) },
        throwOnError: false,
      }))
      break
    case "delete":
      ;({ errors } = await deleteProductsWorkflow(container).run({
        input: { ids: batch.productIds },
        throwOnError: false,
      }))
      break
    case "stock":
      ;({ errors } = await batchInventoryItemLevelsWorkflow(container).run({
        input: levelWrites(batch.levels),
        throwOnError: false,
      }))
      break
  }
  return errors.length ? describeErrors(errors) : null
}

/**
 * Writes one planned batch. When Medusa refuses it, the core splits it in two (`splitBatch`) and
 * each half is written the same way, down to single products; a single product Medusa refuses is
 * recorded with the core's `writeErrorFor` and the others land.
 *
 * @param container - the Medusa container the workflows run in
 * @param batch - a batch of the core's plan
 * @returns the batch's result for the core's `summarizeRun`, carrying the errors of refused products
 */
export async function writeBatch(container: MedusaContainer, batch: WriteBatch): Promise<BatchResult> {
  const failure = await runBatchWorkflow(container, batch)
  if (failure === null) {
    return { kind: batch.kind, index: batch.index, written: batchSize(batch), failedSourceIds: [], errors: [] }
  }
  const halves = splitBatch(batch)
  if (!halves.length) {
    const errors = writeErrorFor({ batch, message: failure })
    const failedSourceIds = errors
      .map((error) => error.source_id)
      .filter((id): id is number => id !== null)
    return { kind: batch.kind, index: batch.index, written: 0, failedSourceIds, errors }
  }
  const result: BatchResult = { kind: batch.kind, index: batch.index, written: 0, failedSourceIds: [], errors: [] }
  for (const half of halves) {
    const part = await writeBatch(container, half)
    result.written += part.written
    result.failedSourceIds.push(...part.failedSourceIds)
    result.errors?.push(...(part.errors ?? []))
  }
  return result
}
