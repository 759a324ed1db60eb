import {
  createStockLocationsWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateStoresWorkflow,
} from "@medusajs/medusa/core-flows"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { trackerFor } from "../../lib/run-tracker"
import type { SyncCatalogInput } from "../types"

/** Name of the stock location the sync creates when the `stockLocationId` option is not set. */
export const CATALOG_STOCK_LOCATION_NAME = "Catalog sync"

/** The store settings the sync writes with. */
export interface StoreContext {
  /** The sales channel created products are published in (`null` when the store has none). */
  salesChannelId: string | null
  /** The stock location whose levels hold the source stock. */
  stockLocationId: string
}

interface StoreRow {
  id: string
  default_sales_channel_id: string | null
  supported_currencies: { currency_code: string; is_default: boolean; is_tax_inclusive: boolean }[]
}

/**
 * Makes sure the store can hold the sync's prices and stock and knows where to publish products:
 * adds `currencyCode` to the store's currencies when missing (`updateStoresWorkflow`), resolves the
 * sales channel — the `salesChannelId` option (which must exist) or the store's default channel —
 * and the stock location — the `stockLocationId` option (which must exist) or the location named
 * {@link CATALOG_STOCK_LOCATION_NAME}, created once and linked to the sales channel.
 */
export const prepareStoreStep = createStep(
  "catalog-sync-prepare-store",
  async (input: SyncCatalogInput, { container }): Promise<StepResponse<StoreContext>> => {
    const options = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE).getSyncOptions()
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const tracker = trackerFor(input.runId)
    const context = await tracker.phase("store", async (): Promise<StoreContext> => {
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
      const salesChannelId = await resolveSalesChannel(container, options.salesChannelId, store)
      const stockLocationId = await resolveStockLocation(container, options.stockLocationId, salesChannelId)
      return { salesChannelId, stockLocationId }
    })
    return new StepResponse(context)
  }
)

/** The `salesChannelId` option's channel (which must exist), or the store's default channel. */
async function resolveSalesChannel(
  container: MedusaContainer,
  configured: string | null,
  store: StoreRow
): Promise<string | null> {
  if (configured === null) {
    return store.default_sales_channel_id ?? null
  }
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: channels } = await query.graph({ entity: "sales_channel", fields: ["id"], filters: { id: configured } })
  if (!channels.length) {
    throw new MedusaError(
      MedusaError.Types.NOT_FOUND,
      `catalog-sync: sales channel "${configured}" (option "salesChannelId") does not exist`
    )
  }
  return configured
}

/**
 * The `stockLocationId` option's location (which must exist), or the sync's own location: the oldest
 * one named {@link CATALOG_STOCK_LOCATION_NAME}, created when there is none. The sync's own location
 * is linked to the sales channel, so that the stock is sellable there.
 */
async function resolveStockLocation(
  container: MedusaContainer,
  configured: string | null,
  salesChannelId: string | null
): Promise<string> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  if (configured !== null) {
    const { data } = await query.graph({ entity: "stock_location", fields: ["id"], filters: { id: configured } })
    if (!data.length) {
      throw new MedusaError(
        MedusaError.Types.NOT_FOUND,
        `catalog-sync: stock location "${configured}" (option "stockLocationId") does not exist`
      )
    }
    return configured
  }
  const { data: found } = await query.graph({
    entity: "stock_location",
    fields: ["id", "created_at", "sales_channels.id"],
    filters: { name: CATALOG_STOCK_LOCATION_NAME },
  })
  const [existing] = [...found].sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime())
  let locationId: string
  let linked: string[]
  if (existing) {
    locationId = existing.id
    linked = (existing.sales_channels ?? []).map((channel: { id: string }) => channel.id)
  } else {
    const { result } = await createStockLocationsWorkflow(container).run({
      input: { locations: [{ name: CATALOG_STOCK_LOCATION_NAME }] },
    })
    locationId = result[0].id
    linked = []
  }
  if (salesChannelId !== null && !linked.includes(salesChannelId)) {
    await linkSalesChannelsToStockLocationWorkflow(container).run({ input: { id: locationId, add: [salesChannelId] } })
  }
  return locationId
}
