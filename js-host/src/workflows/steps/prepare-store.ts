import {
  createStockLocationsWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateStoresWorkflow,
} from "@medusajs/medusa/core-flows"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { planStoreSetup } from "catalog-sync-core"
import type { StockLocationRow, StoreRow, StoreSetup, SyncOptions } from "catalog-sync-core"
import type { MedusaContainer } from "@medusajs/framework/types"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { trackerFor } from "../../lib/run-tracker"
import type { SyncCatalogInput } from "../types"

/** The store settings the sync writes with. */
export interface StoreContext {
  /** The sales channel created products are published in (`null` when the store has none). */
  salesChannelId: string | null
  /** The stock location whose levels hold the source stock. */
  stockLocationId: string
}

/**
 * Reads the store, its sales channels and stock locations, and asks the core's `planStoreSetup` what the sync needs
 * of them. Read-only: a preview uses it as it is, a run executes it ({@link prepareStoreStep}).
 */
export async function readStoreSetup(container: MedusaContainer, options: SyncOptions): Promise<StoreSetup> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const [{ data: stores }, { data: channels }, { data: locations }] = await Promise.all([
    query.graph({
      entity: "store",
      fields: [
        "id",
        "default_sales_channel_id",
        "supported_currencies.currency_code",
        "supported_currencies.is_default",
        "supported_currencies.is_tax_inclusive",
      ],
    }),
    query.graph({ entity: "sales_channel", fields: ["id"] }),
    query.graph({ entity: "stock_location", fields: ["id", "name", "created_at", "sales_channels.id"] }),
  ])
  return planStoreSetup({
    options,
    store: (stores[0] as StoreRow | undefined) ?? null,
    salesChannels: channels.map(({ id }) => ({ id })),
    stockLocations: locations.map((location): StockLocationRow => ({
      id: location.id,
      name: location.name ?? null,
      created_at: location.created_at ? new Date(location.created_at).toISOString() : null,
      sales_channels: (location.sales_channels ?? []).map((channel: { id: string }) => ({ id: channel.id })),
    })),
  })
}

/**
 * Reads what the store holds for the sync (`readStoreSetup`): its currencies, sales channels and stock locations,
 * and the core's plan for them. Read-only: it runs while the source is being fetched, so that the store is ready to
 * be prepared as soon as the fetch is complete. An option naming a channel or location the store does not have
 * fails the run here, before any write, with a message naming the option. Forward-only: it writes nothing.
 */
export const readStoreStep = createStep(
  "catalog-sync-read-store",
  async (input: SyncCatalogInput, { container }): Promise<StepResponse<StoreSetup>> => {
    const options = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE).getSyncOptions()
    const setup = await trackerFor(input.runId).phase("store", () => readStoreSetup(container, options))
    return new StepResponse(setup)
  }
)

/** Input of {@link prepareStoreStep}. */
export interface PrepareStoreInput {
  run: SyncCatalogInput
  /** The store as {@link readStoreStep} read it, with the core's plan. */
  setup: StoreSetup
}

/**
 * Makes sure the store can hold the sync's prices and stock and knows where to publish products, as
 * the core's `planStoreSetup` decided from the store, its sales channels and stock locations ({@link readStoreStep}):
 * adds the sync's currency when missing (`updateStoresWorkflow`), resolves the sales channel and the stock
 * location (the sync's own "Catalog sync" location is created once, `createStockLocationsWorkflow`,
 * and linked to the sales channel, `linkSalesChannelsToStockLocationWorkflow`). When the plan asks for nothing (every
 * run after the first), it only hands the ids on.
 *
 * Forward-only, with no compensation on purpose: a currency added, the sync's stock location and its link are
 * what the store needs for every later run, and prices may use them as soon as they exist; removing them when a
 * later step fails would break what other runs wrote. Idempotent: `planStoreSetup` finds them and plans nothing.
 */
export const prepareStoreStep = createStep(
  "catalog-sync-prepare-store",
  async ({ run, setup }: PrepareStoreInput, { container }): Promise<StepResponse<StoreContext>> => {
    if (!setup.writes && setup.stockLocation.action === "use") {
      return new StepResponse({ salesChannelId: setup.salesChannelId, stockLocationId: setup.stockLocation.id })
    }
    const context = await trackerFor(run.runId).phase("store", async (): Promise<StoreContext> => {
      if (setup.supportedCurrencies) {
        await updateStoresWorkflow(container).run({
          input: { selector: { id: setup.storeId }, update: { supported_currencies: setup.supportedCurrencies } },
        })
      }
      let stockLocationId: string
      if (setup.stockLocation.action === "use") {
        stockLocationId = setup.stockLocation.id
      } else {
        const { result } = await createStockLocationsWorkflow(container).run({
          input: { locations: [{ name: setup.stockLocation.name }] },
        })
        stockLocationId = result[0].id
      }
      if (setup.linkStockLocation && setup.salesChannelId !== null) {
        await linkSalesChannelsToStockLocationWorkflow(container).run({
          input: { id: stockLocationId, add: [setup.salesChannelId] },
        })
      }
      return { salesChannelId: setup.salesChannelId, stockLocationId }
    })
    return new StepResponse(context)
  }
)
