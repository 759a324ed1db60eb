import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import {
  createProductVariantsWorkflow,
  createSalesChannelsWorkflow,
  createStockLocationsWorkflow,
  deleteInventoryItemWorkflow,
  deleteInventoryLevelsWorkflow,
  deleteProductsWorkflow,
  deleteProductVariantsWorkflow,
  updateInventoryLevelsWorkflow,
  updateProductsWorkflow,
  updateProductVariantsWorkflow,
} from "@medusajs/medusa/core-flows"
import type { SyncOptions } from "catalog-sync-core"
import { readOnlyRows } from "../../src/lib/read-only-sql"
import type CatalogSyncModuleService from "../../src/modules/catalog-sync/service"
import { ledgerBySourceId } from "../helpers/ledger"
import { syncNow } from "../helpers/runs"
import type { SourceProduct } from "../helpers/stand-in"
import { storeProductsBySourceId } from "../helpers/store"
import type { StoreProduct } from "../helpers/store"
import { pluginSuite } from "../helpers/suite"

jest.setTimeout(240_000)

/** Product id and every variant id of each product, by source id. */
function idsOf(products: Map<number, StoreProduct>): Map<number, { product: string; variants: string[] }> {
  return new Map(
    [...products].map(([sourceId, product]) => [
      sourceId,
      { product: product.id, variants: product.variants.map((variant) => variant.id).sort() },
    ])
  )
}

/** A variant as {@link variantState} gives it. */
interface VariantState {
  sku: string
  prices: { id: string; currency_code: string; amount: number }[]
  items: { id: string; levels: { location_id: string; stocked_quantity: number }[] }[]
}

/** The store's variants with their prices (id, currency, amount) and inventory items with levels, by variant id. */
async function variantState(container: MedusaContainer, variantIds: string[]): Promise<Map<string, VariantState>> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
    entity: "product_variant",
    fields: [
      "id",
      "sku",
      "prices.id",
      "prices.currency_code",
      "prices.amount",
      "inventory_items.inventory.id",
      "inventory_items.inventory.location_levels.location_id",
      "inventory_items.inventory.location_levels.stocked_quantity",
    ],
    filters: { id: variantIds },
  })
  return new Map(
    (data as any[]).map((variant) => [
      variant.id as string,
      {
        sku: variant.sku as string,
        prices: (variant.prices ?? [])
          .map((price: any) => ({ id: price.id as string, currency_code: price.currency_code as string, amount: Number(price.amount) }))
          .sort((a: { currency_code: string }, b: { currency_code: string }) => a.currency_code.localeCompare(b.currency_code)),
        items: (variant.inventory_items ?? []).filter((link: any) => link.inventory).map((link: any) => ({
          id: link.inventory.id as string,
          levels: (link.inventory.location_levels ?? []).map((level: any) => ({
            location_id: level.location_id as string,
            stocked_quantity: Number(level.stocked_quantity),
          })),
        })),
      },
    ])
  )
}

pluginSuite(
  {
    options: (standIn) => ({ sourceUrl: standIn.url, schedule: false, images: "link" }),
    syncedFirst: 194,
  },
  (suite) => {
    const { api, auth, getContainer } = suite

    /** The source's product `id` as the stand-in serves it. */
    function source(id: number): SourceProduct {
      return suite.standIn.state.catalog.find((product) => product.id === id) as SourceProduct
    }

    /** Runs the next syncs with these options changed (the module service is the one every step asks). */
    function withOptions(overrides: Partial<SyncOptions>): void {
      const service = getContainer().resolve<CatalogSyncModuleService>("catalogSync")
      const options = { ...service.getSyncOptions(), ...overrides }
      jest.spyOn(service, "getSyncOptions").mockReturnValue(options)
    }

    afterEach(() => {
      jest.restoreAllMocks()
    })

    it("records every product in the ledger, complete, pointing at its product, variant and inventory item", async () => {
      const products = await storeProductsBySourceId(api, auth)
      const ledger = await ledgerBySourceId(getContainer())
      expect(ledger.size).toBe(194)
      const states = await variantState(getContainer(), [...products.values()].map((p) => p.variants[0].id))
      for (const [sourceId, product] of products) {
        const row = ledger.get(sourceId)
        expect(row).toMatchObject({
          source: "dummyjson",
          source_id: String(sourceId),
          state: "complete",
          product_id: product.id,
          variant_id: product.variants[0].id,
          inventory_item_id: states.get(product.variants[0].id)?.items[0].id,
          fingerprint: product.metadata?.catalog_sync_fingerprint,
          images_fingerprint: product.metadata?.catalog_sync_images_fingerprint,
          product_updated_at: new Date(product.updated_at).toISOString(),
          variant_updated_at: new Date(product.variants[0].updated_at).toISOString(),
        })
        expect(row?.image_ids?.map((image) => image.url).sort()).toEqual(product.images.map((image) => image.url).sort())
      }
      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "success", unchanged: 194, updated: 0, completed: 0 })
      expect(await ledgerBySourceId(getContainer())).toEqual(ledger)
    })

    it("an unchanged resync reads the stamps and the ledger only: no full row, no write", async () => {
      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "success", unchanged: 194, created: 0, updated: 0, completed: 0, archived: 0, deleted: 0 })
      expect(run.progress).toMatchObject({ products_written: 0 })
      expect(run.phase_timings.stamps_read).toBe(194)
      expect(run.phase_timings.full_rows_read ?? 0).toBe(0)
    })

    it("reads the store in a read-only transaction with PostgreSQL's JIT off, and leaves the connection's settings as they were", async () => {
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      const serverJit = (await knex.raw("SELECT current_setting('jit') AS jit")).rows[0].jit
      const [settings] = await readOnlyRows<{ jit: string; read_only: string }>(
        knex,
        "SELECT current_setting('jit') AS jit, current_setting('transaction_read_only') AS read_only"
      )
      expect(settings).toEqual({ jit: "off", read_only: "on" })
      await expect(readOnlyRows(knex, "DELETE FROM catalog_sync_product")).rejects.toThrow(/read-only transaction/)
      expect((await ledgerBySourceId(getContainer())).size).toBe(194)
      expect((await knex.raw("SELECT current_setting('jit') AS jit")).rows[0].jit).toBe(serverJit)
    })

    it("notices products edited in the admin (title; price through the variant): reads their full rows only, writes nothing, records them again", async () => {
      const container = getContainer()
      const before = await storeProductsBySourceId(api, auth)
      const titled = before.get(21) as StoreProduct
      const priced = before.get(22) as StoreProduct
      await updateProductsWorkflow(container).run({ input: { products: [{ id: titled.id, title: "Renamed in the admin" }] } })
      await updateProductVariantsWorkflow(container).run({
        input: { product_variants: [{ id: priced.variants[0].id, prices: [{ currency_code: "usd", amount: 12345 }] }] },
      })
      const ledgerBefore = await ledgerBySourceId(container)
      const run = await syncNow(api, auth)
      // As before the ledger: the sync's fields come back only when the source changes them.
      expect(run).toMatchObject({ status: "success", unchanged: 194, created: 0, updated: 0, completed: 0 })
      expect(run.progress).toMatchObject({ products_written: 0 })
      expect(run.phase_timings.full_rows_read).toBe(2)
      const after = await storeProductsBySourceId(api, auth)
      expect(after.get(21)?.title).toBe("Renamed in the admin")
      expect(idsOf(after)).toEqual(idsOf(before))
      const ledger = await ledgerBySourceId(container)
      expect(ledger.get(21)?.product_updated_at).toBe(new Date(after.get(21)!.updated_at).toISOString())
      expect(ledger.get(21)?.product_updated_at).not.toBe(ledgerBefore.get(21)?.product_updated_at)
      expect(ledger.get(22)?.variant_updated_at).toBe(new Date(after.get(22)!.variants[0].updated_at).toISOString())
      const again = await syncNow(api, auth)
      expect(again).toMatchObject({ status: "success", unchanged: 194, updated: 0, completed: 0 })
      expect(again.phase_timings.full_rows_read ?? 0).toBe(0)
    })

    it("reads the full rows of the products changed upstream only, and updates them", async () => {
      suite.standIn.mutate({ update: [{ id: 30, price: source(30).price + 1 }, { id: 31, title: "Changed upstream" }] })
      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "success", updated: 2, unchanged: 192, created: 0, completed: 0 })
      expect(run.phase_timings.full_rows_read).toBe(2)
      const again = await syncNow(api, auth)
      expect(again).toMatchObject({ updated: 0, unchanged: 194 })
      expect(again.phase_timings.full_rows_read ?? 0).toBe(0)
    })

    it("adopts a store synced before the ledger existed: rows filled, ids unchanged, no product written", async () => {
      const container = getContainer()
      const before = await storeProductsBySourceId(api, auth)
      await container.resolve(ContainerRegistrationKeys.PG_CONNECTION).raw(`DELETE FROM catalog_sync_product`)
      expect((await ledgerBySourceId(container)).size).toBe(0)
      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "success", created: 0, updated: 0, completed: 0, unchanged: 194, archived: 0, deleted: 0 })
      expect(run.progress).toMatchObject({ products_written: 0 })
      const after = await storeProductsBySourceId(api, auth)
      expect(idsOf(after)).toEqual(idsOf(before))
      for (const [sourceId, product] of after) {
        expect(product.updated_at).toBe(before.get(sourceId)?.updated_at)
      }
      const ledger = await ledgerBySourceId(container)
      expect(ledger.size).toBe(194)
      for (const [sourceId, row] of ledger) {
        expect(row).toMatchObject({ state: "complete", product_id: before.get(sourceId)?.id, run_id: run.id })
      }
    })

    it("refuses a second claim of the same source product: one row, a clear error", async () => {
      const service = getContainer().resolve<CatalogSyncModuleService>("catalogSync")
      const claim = (runId: string) =>
        service.claimLedgerRows([
          {
            source: "dummyjson",
            source_id: "987654",
            state: "creating",
            product_id: null,
            variant_id: null,
            inventory_item_id: null,
            fingerprint: null,
            images_fingerprint: null,
            image_ids: null,
            product_updated_at: null,
            variant_updated_at: null,
            run_id: runId,
          },
        ])
      const outcomes = await Promise.allSettled([claim("csrun_a"), claim("csrun_b")])
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["fulfilled", "rejected"])
      const refused = outcomes.find((outcome) => outcome.status === "rejected") as PromiseRejectedResult
      expect(String(refused.reason.message)).toContain("the sync ledger already has a row for dummyjson:987654")
      const rows = (await service.listLedgerRows()).filter((row) => row.source_id === "987654")
      expect(rows).toHaveLength(1)
      await expect(claim("csrun_c")).rejects.toThrow("already has a row")
    })

    it("a currency change adds the new price to every variant, keeps every id and the old price", async () => {
      const container = getContainer()
      const before = await storeProductsBySourceId(api, auth)
      const variantIds = [...before.values()].map((product) => product.variants[0].id)
      const pricesBefore = await variantState(container, variantIds)
      withOptions({ currencyCode: "eur" })
      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "success", created: 0, updated: 194, archived: 0, deleted: 0 })
      const after = await storeProductsBySourceId(api, auth)
      expect(idsOf(after)).toEqual(idsOf(before))
      const pricesAfter = await variantState(container, variantIds)
      for (const [sourceId, product] of after) {
        const variantId = product.variants[0].id
        const usd = pricesBefore.get(variantId)?.prices[0]
        expect(pricesAfter.get(variantId)?.prices).toEqual([
          { id: expect.any(String), currency_code: "eur", amount: source(sourceId).price },
          usd,
        ])
      }
      const again = await syncNow(api, auth)
      expect(again).toMatchObject({ status: "success", updated: 0, completed: 0, unchanged: 194 })
    })

    it("re-adds a price deleted in the admin with the ids kept, and keeps an operator's other-currency price", async () => {
      const container = getContainer()
      const before = await storeProductsBySourceId(api, auth)
      const product = before.get(5) as StoreProduct
      const variantId = product.variants[0].id
      // The admin's price editor sends the full list: USD left out (deleted), EUR added.
      await updateProductVariantsWorkflow(container).run({
        input: { product_variants: [{ id: variantId, prices: [{ currency_code: "eur", amount: 7 }] }] },
      })
      const edited = (await variantState(container, [variantId])).get(variantId)
      expect(edited?.prices.map((price) => price.currency_code)).toEqual(["eur"])
      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "success", created: 0, updated: 1, deleted: 0 })
      const after = await storeProductsBySourceId(api, auth)
      expect(idsOf(after)).toEqual(idsOf(before))
      expect((await variantState(container, [variantId])).get(variantId)?.prices).toEqual([
        edited?.prices[0],
        { id: expect.any(String), currency_code: "usd", amount: source(5).price },
      ])
    })

    it("re-creates a variant deleted in the admin on the same product, with its price, item and level", async () => {
      const container = getContainer()
      const before = await storeProductsBySourceId(api, auth)
      const product = before.get(8) as StoreProduct
      await deleteProductVariantsWorkflow(container).run({ input: { ids: [product.variants[0].id] } })
      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "success", created: 0, completed: 1, deleted: 0 })
      const after = await storeProductsBySourceId(api, auth)
      const repaired = after.get(8) as StoreProduct
      expect(repaired.id).toBe(product.id)
      expect(repaired.variants).toHaveLength(1)
      const state = (await variantState(container, [repaired.variants[0].id])).get(repaired.variants[0].id)
      expect(state?.sku).toBe(source(8).sku)
      expect(state?.prices.map(({ currency_code, amount }) => ({ currency_code, amount }))).toEqual([
        { currency_code: "usd", amount: source(8).price },
      ])
      expect(state?.items).toHaveLength(1)
      expect(state?.items[0].levels.map((level) => level.stocked_quantity)).toEqual([source(8).stock])
      expect((await ledgerBySourceId(container)).get(8)).toMatchObject({
        product_id: product.id,
        variant_id: repaired.variants[0].id,
        inventory_item_id: state?.items[0].id,
      })
      const again = await syncNow(api, auth)
      expect(again).toMatchObject({ updated: 0, completed: 0, created: 0 })
    })

    it("gives a variant whose inventory item was deleted a new item with its level, keeping the variant id", async () => {
      const container = getContainer()
      const before = await storeProductsBySourceId(api, auth)
      const variantId = (before.get(9) as StoreProduct).variants[0].id
      const [old] = (await variantState(container, [variantId])).get(variantId)?.items ?? []
      await deleteInventoryItemWorkflow(container).run({ input: [old.id] })
      expect((await variantState(container, [variantId])).get(variantId)?.items).toEqual([])
      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "success", created: 0, completed: 1 })
      expect(idsOf(await storeProductsBySourceId(api, auth))).toEqual(idsOf(before))
      const [item] = (await variantState(container, [variantId])).get(variantId)?.items ?? []
      expect(item.id).not.toBe(old.id)
      expect(item.levels).toEqual([{ location_id: old.levels[0].location_id, stocked_quantity: source(9).stock }])
    })

    it("sets back a stock level edited in the admin and re-creates one deleted there, writing those two levels only", async () => {
      const container = getContainer()
      const before = await storeProductsBySourceId(api, auth)
      const [edited, deleted] = [11, 12].map((sourceId) => (before.get(sourceId) as StoreProduct).variants[0].id)
      const states = await variantState(container, [edited, deleted])
      const [editedItem] = states.get(edited)?.items ?? []
      const [deletedItem] = states.get(deleted)?.items ?? []
      const locationId = editedItem.levels[0].location_id
      await updateInventoryLevelsWorkflow(container).run({
        input: {
          updates: [{ inventory_item_id: editedItem.id, location_id: locationId, stocked_quantity: source(11).stock + 7 }],
        },
      })
      await deleteInventoryLevelsWorkflow(container).run({
        input: { inventory_item_id: [deletedItem.id], location_id: [locationId], force: true },
      })
      expect((await variantState(container, [deleted])).get(deleted)?.items[0].levels).toEqual([])
      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "success", created: 0, updated: 0, completed: 0, stock_levels: 2 })
      expect(run.phase_timings.full_rows_read ?? 0).toBe(0)
      const after = await variantState(container, [edited, deleted])
      expect(after.get(edited)?.items[0].levels).toEqual([{ location_id: locationId, stocked_quantity: source(11).stock }])
      expect(after.get(deleted)?.items[0].levels).toEqual([{ location_id: locationId, stocked_quantity: source(12).stock }])
      const again = await syncNow(api, auth)
      expect(again).toMatchObject({ status: "success", stock_levels: 0 })
    })

    it("gives a variant that lost its price set a new one with the source price, keeping the variant id", async () => {
      const container = getContainer()
      const before = await storeProductsBySourceId(api, auth)
      const variantId = (before.get(10) as StoreProduct).variants[0].id
      const query = container.resolve(ContainerRegistrationKeys.QUERY)
      const priceSetOf = async () =>
        (await query.graph({ entity: "product_variant", fields: ["price_set.id"], filters: { id: variantId } })).data[0]
          .price_set?.id as string | undefined
      const oldPriceSet = await priceSetOf()
      await container.resolve(ContainerRegistrationKeys.LINK).dismiss({
        [Modules.PRODUCT]: { variant_id: variantId },
        [Modules.PRICING]: { price_set_id: oldPriceSet },
      })
      expect(await priceSetOf()).toBeUndefined()
      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "success", created: 0, updated: 0, completed: 1 })
      expect(idsOf(await storeProductsBySourceId(api, auth))).toEqual(idsOf(before))
      const newPriceSet = await priceSetOf()
      expect(newPriceSet).toBeDefined()
      expect(newPriceSet).not.toBe(oldPriceSet)
      const prices = (await variantState(container, [variantId])).get(variantId)?.prices
      expect(prices?.map(({ currency_code, amount }) => ({ currency_code, amount }))).toEqual([
        { currency_code: "usd", amount: source(10).price },
      ])
      const again = await syncNow(api, auth)
      expect(again).toMatchObject({ updated: 0, completed: 0 })
    })

    it("links every product to a new sales channel and keeps the old links and every id", async () => {
      const container = getContainer()
      const before = await storeProductsBySourceId(api, auth)
      const {
        result: [channel],
      } = await createSalesChannelsWorkflow(container).run({ input: { salesChannelsData: [{ name: "Second shop" }] } })
      withOptions({ salesChannelId: channel.id })
      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "success", created: 0, deleted: 0 })
      const after = await storeProductsBySourceId(api, auth)
      expect(idsOf(after)).toEqual(idsOf(before))
      for (const [sourceId, product] of after) {
        const channels = product.sales_channels.map((c) => c.id).sort()
        expect(channels).toEqual([...(before.get(sourceId)?.sales_channels.map((c) => c.id) ?? []), channel.id].sort())
      }
    })

    it("sets the stock at a new stock location and keeps the old levels and every id", async () => {
      const container = getContainer()
      const before = await storeProductsBySourceId(api, auth)
      const variantIds = [...before.values()].map((product) => product.variants[0].id)
      const levelsBefore = await variantState(container, variantIds)
      const {
        result: [location],
      } = await createStockLocationsWorkflow(container).run({ input: { locations: [{ name: "Second warehouse" }] } })
      withOptions({ stockLocationId: location.id })
      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "success", created: 0, updated: 0, deleted: 0, stock_levels: 194 })
      expect(idsOf(await storeProductsBySourceId(api, auth))).toEqual(idsOf(before))
      const levelsAfter = await variantState(container, variantIds)
      for (const [sourceId, product] of before) {
        const variantId = product.variants[0].id
        const [oldItem] = levelsBefore.get(variantId)?.items ?? []
        const [item] = levelsAfter.get(variantId)?.items ?? []
        expect(item.id).toBe(oldItem.id)
        expect(item.levels).toEqual(
          expect.arrayContaining([
            ...oldItem.levels,
            { location_id: location.id, stocked_quantity: source(sourceId).stock },
          ])
        )
        expect(item.levels).toHaveLength(2)
      }
    })

    it("keeps an operator's extra variant and extra-currency price through an update from the source", async () => {
      const container = getContainer()
      const before = await storeProductsBySourceId(api, auth)
      const product = before.get(7) as StoreProduct
      const variantId = product.variants[0].id
      const productModule = container.resolve(Modules.PRODUCT)
      const {
        data: [optionsOf],
      } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
        entity: "product",
        fields: ["options.id", "options.title"],
        filters: { id: product.id },
      })
      const option = optionsOf.options[0] as { id: string; title: string }
      await productModule.updateProductOptionValuesOnProduct({
        product_option_id: option.id,
        product_id: product.id,
        add: [{ value: "Large" }],
      })
      const {
        result: [extra],
      } = await createProductVariantsWorkflow(container).run({
        input: {
          product_variants: [
            {
              product_id: product.id,
              title: "Large",
              sku: "OPERATOR-7-L",
              manage_inventory: false,
              options: { [option.title]: "Large" },
              prices: [{ currency_code: "usd", amount: 99 }],
            },
          ],
        },
      })
      const [usd] = (await variantState(container, [variantId])).get(variantId)?.prices ?? []
      await updateProductVariantsWorkflow(container).run({
        input: {
          product_variants: [
            { id: variantId, prices: [{ id: usd.id, currency_code: "usd", amount: usd.amount }, { currency_code: "gbp", amount: 3 }] },
          ],
        },
      })
      const edited = await variantState(container, [variantId, extra.id])
      suite.standIn.mutate({ update: [{ id: 7, price: 321.5, title: "Renamed Seven" }] })
      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "success", updated: 1, created: 0, deleted: 0 })
      const after = (await storeProductsBySourceId(api, auth)).get(7) as StoreProduct
      expect(after).toMatchObject({ id: product.id, title: "Renamed Seven" })
      expect(after.variants.map((variant) => variant.id).sort()).toEqual([variantId, extra.id].sort())
      const state = await variantState(container, [variantId, extra.id])
      expect(state.get(extra.id)).toEqual(edited.get(extra.id))
      const gbp = edited.get(variantId)?.prices.find((price) => price.currency_code === "gbp")
      expect(state.get(variantId)?.prices).toEqual([gbp, { id: usd.id, currency_code: "usd", amount: 321.5 }])
      const again = await syncNow(api, auth)
      expect(again).toMatchObject({ updated: 0, completed: 0 })
    })

    it("re-creates a product deleted in the admin, and replaces the ledger row", async () => {
      const container = getContainer()
      const before = await storeProductsBySourceId(api, auth)
      await deleteProductsWorkflow(container).run({ input: { ids: [(before.get(15) as StoreProduct).id] } })
      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "success", created: 1, unchanged: 193 })
      expect(run.phase_timings.full_rows_read ?? 0).toBe(0)
      const recreated = (await storeProductsBySourceId(api, auth)).get(15) as StoreProduct
      expect(recreated.id).not.toBe(before.get(15)?.id)
      expect((await ledgerBySourceId(container)).get(15)).toMatchObject({ state: "complete", product_id: recreated.id })
    })
  }
)
