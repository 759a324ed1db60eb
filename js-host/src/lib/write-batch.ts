import {
  batchInventoryItemLevelsWorkflow,
  createProductsWorkflow,
  deleteProductsWorkflow,
  updateProductsWorkflow,
} from "@medusajs/medusa/core-flows"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { ledgerClaims, ledgerWritesAfterBatch, splitBatch, writeErrorFor } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import { completeSyncedProductsWorkflow } from "../workflows/complete-synced-products"
import { createSyncedProductsWorkflow } from "../workflows/create-synced-products"
import { readProductRows } from "./owned-products"
import type { BatchResult, StockLevelWrite, StoreProductRow, WriteBatch } from "catalog-sync-core"

/** Number of products in a batch (one stock level is one product's). */
function batchSize(batch: WriteBatch): number {
  switch (batch.kind) {
    case "create":
    case "update":
      return batch.products.length
    case "complete":
      return batch.completions.length
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
 * What a batch's workflow did: Medusa's error message, or the ids of the products it wrote (and, for a
 * create batch, their rows as the workflow's result gives them, so they need no read back).
 */
type WorkflowOutcome = { failure: string } | { failure: null; productIds: string[]; rows?: StoreProductRow[] }

/** A product as `createProductsWorkflow` returns it (the fields the ledger records). */
interface CreatedProduct {
  id: string
  external_id: string
  handle: string
  status: string
  updated_at: Date | string
  metadata: Record<string, unknown> | null
  images?: { id: string; url: string }[]
  variants?: { id: string; sku: string | null; manage_inventory: boolean; updated_at: Date | string }[]
}

/**
 * The created products as the snapshot's Query would read them (what the core records in the ledger),
 * from the create workflow's result and the inventory item it gave each one's variant; `undefined`
 * when the result lacks a product's images or variants (the products are then read back).
 */
function createdRows(products: CreatedProduct[], itemIds: Record<string, string>): StoreProductRow[] | undefined {
  if (products.some((product) => !product.images || !product.variants)) {
    return undefined
  }
  return products.map((product) => ({
    id: product.id,
    external_id: product.external_id,
    handle: product.handle,
    status: product.status,
    updated_at: new Date(product.updated_at).toISOString(),
    metadata: product.metadata,
    images: (product.images ?? []).map(({ id, url }) => ({ id, url })),
    sales_channels: null,
    variants: (product.variants ?? []).map((variant) => ({
      id: variant.id,
      sku: variant.sku,
      manage_inventory: variant.manage_inventory,
      updated_at: new Date(variant.updated_at).toISOString(),
      price_set: null,
      prices: null,
      inventory_items: itemIds[product.external_id]
        ? [{ inventory_item_id: itemIds[product.external_id], inventory: { id: itemIds[product.external_id] } }]
        : null,
    })),
  }))
}

/** The products a batch writes that already exist (a create batch's come from its workflow's result). */
function existingProductIds(batch: WriteBatch): string[] {
  switch (batch.kind) {
    case "update":
      return batch.products.map((product) => product.id)
    case "complete":
      return batch.completions.map((completion) => completion.product_id)
    case "archive":
      return batch.productIds
    case "create":
    case "delete":
    case "stock":
      return []
  }
}

/**
 * Runs the Medusa workflow of one batch: create (with each variant's inventory item and level when the
 * core gives them), update, complete (what owned products lack), archive (the status the core's batch names), delete, or
 * the stock levels of a stock batch. Each workflow compensates its own steps when it fails, so a
 * refused batch leaves nothing half-written.
 */
async function runBatchWorkflow(container: MedusaContainer, batch: WriteBatch): Promise<WorkflowOutcome> {
  let errors: { error?: { message?: string } }[]
  let productIds = existingProductIds(batch)
  switch (batch.kind) {
    case "create": {
      if (!batch.inventoryItems.length) {
        const { errors: failed, result } = await createProductsWorkflow(container).run({
          input: { products: batch.products },
          throwOnError: false,
        })
        errors = failed
        productIds = failed.length ? [] : result.map((product) => product.id)
        break
      }
      const { errors: failed, result } = await createSyncedProductsWorkflow(container).run({
        input: { products: batch.products, inventoryItems: batch.inventoryItems },
        throwOnError: false,
      })
      if (failed.length) {
        return { failure: describeErrors(failed) }
      }
      const products = result.products as unknown as CreatedProduct[]
      return {
        failure: null,
        productIds: products.map((product) => product.id),
        rows: createdRows(products, result.inventoryItemIds),
      }
    }
    case "update":
      ;({ errors } = await updateProductsWorkflow(container).run({
        input: { products: batch.products },
        throwOnError: false,
      }))
      break
    case "complete":
      ;({ errors } = await completeSyncedProductsWorkflow(container).run({
        input: { completions: batch.completions },
        throwOnError: false,
      }))
      break
    case "archive":
      ;({ errors } = await updateProductsWorkflow(container).run({
        input: { products: batch.productIds.map((id) => ({ id, status: batch.status })) },
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
  return errors.length ? { failure: describeErrors(errors) } : { failure: null, productIds }
}

/**
 * Runs a batch's workflow between its ledger writes: a create batch first claims its products'
 * `creating` rows (all or none; a claim refused fails the batch like a refused write) and releases
 * them when the workflow fails; a batch that landed has its products read back and its rows written
 * as the core's `ledgerWritesAfterBatch` says (complete rows, or removed rows for a delete).
 *
 * @returns `null` when the batch landed, else the error message
 */
async function writeRecorded(container: MedusaContainer, batch: WriteBatch, runId: string): Promise<string | null> {
  if (batch.kind === "stock") {
    const outcome = await runBatchWorkflow(container, batch)
    return outcome.failure
  }
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const claims = ledgerClaims({ batch, runId })
  if (claims.length) {
    try {
      await service.claimLedgerRows(claims)
    } catch (error) {
      return (error as Error).message
    }
  }
  const outcome = await runBatchWorkflow(container, batch)
  if (outcome.failure !== null) {
    await service.releaseLedgerClaims(claims.map(({ source, source_id }) => ({ source, source_id })), runId)
    return outcome.failure
  }
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const rows = outcome.rows ?? (outcome.productIds.length ? await readProductRows(query, outcome.productIds) : [])
  await service.writeLedger(ledgerWritesAfterBatch({ batch, rows, runId }))
  return null
}

/**
 * Writes one planned batch, with its ledger rows. When Medusa refuses it, the core splits it in two
 * (`splitBatch`) and each half is written the same way, down to single products; a single product
 * Medusa refuses is recorded with the core's `writeErrorFor` and the others land.
 *
 * @param container - the Medusa container the workflows run in
 * @param batch - a batch of the core's plan
 * @param runId - the run writing it (recorded in the ledger)
 * @returns the batch's result for the core's `summarizeRun`, carrying the errors of refused products
 */
export async function writeBatch(container: MedusaContainer, batch: WriteBatch, runId: string): Promise<BatchResult> {
  const failure = await writeRecorded(container, batch, runId)
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
    const part = await writeBatch(container, half, runId)
    result.written += part.written
    result.failedSourceIds.push(...part.failedSourceIds)
    result.errors?.push(...(part.errors ?? []))
  }
  return result
}
