import type { MedusaContainer } from "@medusajs/framework/types"
import type { LedgerRow } from "catalog-sync-core"
import type CatalogSyncModuleService from "../../src/modules/catalog-sync/service"

/** The sync ledger's rows, keyed by source id. */
export async function ledgerBySourceId(container: MedusaContainer): Promise<Map<number, LedgerRow>> {
  const rows = await container.resolve<CatalogSyncModuleService>("catalogSync").listLedgerRows()
  return new Map(rows.map((row) => [Number(row.source_id), row]))
}
