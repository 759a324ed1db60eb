import { updateStoresWorkflow } from "@medusajs/medusa/core-flows"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { trackerFor } from "../../lib/run-tracker"
import type { SyncCatalogInput } from "../types"

/** The store settings the sync writes with. */
export interface StoreContext {
  /** The sales channel created products are published in (`null` when the store has none). */
  salesChannelId: string | null
}

interface StoreRow {
  id: string
  default_sales_channel_id: string | null
  supported_currencies: { currency_code: string; is_default: boolean; is_tax_inclusive: boolean }[]
}

/**
 * Makes sure the store can hold the sync's prices and knows where to publish products: adds
 * `currencyCode` to the store's currencies when missing (`updateStoresWorkflow`), and resolves the
 * sales channel — the `salesChannelId` option (which must exist) or the store's default channel.
 */
export const prepareStoreStep = createStep(
  "catalog-sync-prepare-store",
  async (input: SyncCatalogInput, { container }): Promise<StepResponse<StoreContext>> => {
    const options = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE).getSyncOptions()
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const tracker = trackerFor(input.runId)
    const salesChannelId = await tracker.phase("store", async () => {
      const { data: stores } = await query.graph({
        entity: "store",
        fields: [
          "id",
          "default_sales_channel_id",
          "supported_currencies.currency_code",
          "supported_currencies.is_default",
          "supported_currencies.is_tax_inclusive",
        ],
      })
      const store = stores[0] as StoreRow | undefined
      if (!store) {
        throw new MedusaError(MedusaError.Types.NOT_FOUND, "catalog-sync: the Medusa store does not exist yet")
      }
      const currencies = store.supported_currencies ?? []
      if (!currencies.some((currency) => currency.currency_code === options.currencyCode)) {
        await updateStoresWorkflow(container).run({
          input: {
            selector: { id: store.id },
            update: {
              supported_currencies: [
                ...currencies.map(({ currency_code, is_default, is_tax_inclusive }) => ({
                  currency_code,
                  is_default,
                  is_tax_inclusive,
                })),
                { currency_code: options.currencyCode, is_default: currencies.length === 0 },
              ],
            },
          },
        })
      }
      if (options.salesChannelId === null) {
        return store.default_sales_channel_id ?? null
      }
      const { data: channels } = await query.graph({
        entity: "sales_channel",
        fields: ["id"],
        filters: { id: options.salesChannelId },
      })
      if (!channels.length) {
        throw new MedusaError(
          MedusaError.Types.NOT_FOUND,
          `catalog-sync: sales channel "${options.salesChannelId}" (option "salesChannelId") does not exist`
        )
      }
      return options.salesChannelId
    })
    return new StepResponse({ salesChannelId })
  }
)
