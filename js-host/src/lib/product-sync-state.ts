import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { productStatus } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import type { ProductSyncView } from "./product-sync-view"

/** Milliseconds of a timestamp, or `null`. */
function ms(value: Date | string | null | undefined): number | null {
  return value === null || value === undefined ? null : new Date(value).getTime()
}

/**
 * Where one store product stands for the sync, or `null` when the sync does not own it (no ledger row): its
 * source id and link, the run that last wrote it, and the core's `productStatus` from the ledger (what was written,
 * when, and what a preview last saw upstream) and the product and its variant as they are now.
 */
export async function readProductSyncState(container: MedusaContainer, productId: string): Promise<ProductSyncView | null> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const ledger = await service.findLedgerRecordOfProduct(productId)
  if (!ledger || ledger.state !== "complete") {
    return null
  }
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "product",
    fields: ["id", "updated_at", "metadata", "variants.id", "variants.updated_at"],
    filters: { id: productId },
  })
  const product = data[0]
  if (!product) {
    return null
  }
  const variant = (product.variants ?? []).find(
    (candidate: { id?: string } | null) => candidate?.id === ledger.variant_id
  ) as { updated_at?: Date | string | null } | undefined
  const sourceId = Number(ledger.source_id)
  const state = productStatus({
    sourceUrl: service.getSyncOptions().sourceUrl,
    sourceId,
    writtenFingerprint: ledger.fingerprint,
    writtenProductUpdatedMs: ms(ledger.product_updated_at),
    writtenVariantUpdatedMs: ms(ledger.variant_updated_at),
    productUpdatedMs: ms(product.updated_at as Date | string | null),
    variantUpdatedMs: ms(variant?.updated_at),
    metadata: (product.metadata as Record<string, unknown> | null) ?? null,
    seenFingerprint: ledger.source_fingerprint ?? null,
    seenAtMs: ms(ledger.source_seen_at),
  })
  const run = ledger.run_id ? await service.findRun(ledger.run_id) : null
  return {
    owned: true,
    product_id: productId,
    source_id: sourceId,
    source_link: state.sourceLink,
    status: state.status,
    reasons: state.reasons,
    written_at: ledger.product_updated_at === null ? null : new Date(ledger.product_updated_at).toISOString(),
    last_run: run
      ? {
          id: run.id,
          trigger: run.trigger,
          status: run.status,
          finished_at: run.finished_at === null ? null : new Date(run.finished_at).toISOString(),
        }
      : null,
  }
}
