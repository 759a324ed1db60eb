import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createProductsWorkflow } from "@medusajs/medusa/core-flows"
import { syncNow } from "../helpers/runs"
import type { SourceProduct } from "../helpers/stand-in"
import { listStoreCategories, listStoreProducts, storeProductsBySourceId } from "../helpers/store"
import { pluginSuite } from "../helpers/suite"

jest.setTimeout(180_000)

pluginSuite(
  {
    // One request in flight: the stand-in's fault sequence is then the same on every run.
    options: (standIn) => ({
      sourceUrl: standIn.url,
      schedule: false,
      concurrency: 1,
      maxRetries: 5,
      // Pages of 30 (7 pages and the category list): the fault sequence below is counted on 8 requests.
      pageSize: 30,
    }),
  },
  (suite) => {
    const { api, auth, getContainer } = suite


    it("converges through 30% 5xx, 429s with Retry-After and truncated pages, counting every retry", async () => {
      suite.standIn.setFaults({ seed: 3, errorRate: 0.3, rateLimitEvery: 4, retryAfterSeconds: 1, truncateRate: 0.15 })
      const run = await syncNow(api, auth)
      const stats = suite.standIn.stats()
      const faulted = stats.faultsServed[500] + stats.faultsServed[429] + stats.faultsServed.truncated
      expect(stats.faultsServed[500]).toBeGreaterThan(0)
      expect(stats.faultsServed[429]).toBeGreaterThan(0)
      expect(run).toMatchObject({ status: "success", fetched: 194, created: 194, rejected: 0 })
      expect(run.retries).toBe(faulted)
      // The run counts its catalog requests; the image downloads are the image copy's.
      expect(run.requests).toBe(stats.requests - stats.imageRequests)
      expect(run.requests).toBe(8 + faulted)
      expect((await storeProductsBySourceId(api, auth)).size).toBe(194)
    })

    it("rejects malformed products with errors naming product and field, and syncs the rest", async () => {
      // The stand-in cycles through its malformed kinds in this order:
      // price-string, missing-title, negative-stock, missing-id, null-category, images-not-array, empty-title.
      const malformedIds = [3, 17, 42, 77, 120, 150, 188]
      suite.standIn.setFaults({ malformedIds })
      const run = await syncNow(api, auth)
      expect(run.status).toBe("partial")
      expect(run.errors.length).toBeGreaterThan(0)
      for (const error of run.errors) {
        expect(error.code).toEqual(expect.any(String))
        expect(error.field).toEqual(expect.any(String))
        expect(error.message).toContain(`"${error.field}"`)
        if (error.source_id !== null) {
          expect(error.message).toContain(`product ${error.source_id}`)
        }
      }
      expect(run.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ source_id: 3, field: "price" }),
          expect.objectContaining({ source_id: 17, field: "title" }),
          expect.objectContaining({ source_id: 42, field: "stock" }),
          expect.objectContaining({ field: "id" }),
          expect.objectContaining({ source_id: 188, field: "title" }),
        ])
      )
      const rejectedIds = new Set(run.errors.map((error) => error.source_id))
      const products = await storeProductsBySourceId(api, auth)
      expect(run.rejected).toBe(194 - products.size)
      expect(run.created).toBe(products.size)
      for (const id of [3, 17, 42, 77, 188]) {
        expect(products.has(id)).toBe(false)
      }
      for (let id = 1; id <= 194; id++) {
        if (!malformedIds.includes(id)) {
          expect({ id, synced: products.has(id) }).toEqual({ id, synced: true })
        }
      }
      expect(rejectedIds.has(1)).toBe(false)
    })

    it("isolates a product Medusa refuses: the batch is split, the product recorded, the others land", async () => {
      const container = getContainer()
      const blocked = suite.standIn.state.catalog.find((product) => product.id === 7) as SourceProduct
      // A product the sync does not own already uses product 7's SKU (variant SKUs are unique).
      await createProductsWorkflow(container).run({
        input: {
          products: [
            {
              title: "Blocker",
              handle: "blocker",
              options: [{ title: "Default", values: ["Default"] }],
              variants: [{ title: "Default", sku: blocked.sku, options: { Default: "Default" }, prices: [] }],
            },
          ],
        },
      })

      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "partial", fetched: 194, created: 193, failed: 1, rejected: 0 })
      expect(run.errors).toEqual([
        expect.objectContaining({ source_id: 7, code: "WRITE_FAILED", message: expect.stringContaining("product 7") }),
      ])
      const products = await storeProductsBySourceId(api, auth)
      expect(products.size).toBe(193)
      expect(products.has(7)).toBe(false)

      // Nothing half-written: every variant that manages inventory has its inventory item, and no
      // inventory item, variant or product of the refused product was left behind.
      const query = container.resolve(ContainerRegistrationKeys.QUERY)
      const { data: variants } = await query.graph({
        entity: "product_variant",
        fields: ["id", "sku", "manage_inventory", "inventory_items.inventory_item_id"],
      })
      expect(variants.filter((variant) => variant.sku === blocked.sku)).toHaveLength(1)
      const { data: items } = await query.graph({ entity: "inventory_item", fields: ["id", "sku"] })
      const managed = variants.filter((variant) => variant.manage_inventory)
      expect(managed).toHaveLength(194) // the 193 synced products' variants and the blocker's
      expect(items).toHaveLength(managed.length)
      expect(managed.every((variant) => (variant.inventory_items ?? []).length === 1)).toBe(true)
    })

    it("fails cleanly when the source stays down, writing nothing", async () => {
      suite.standIn.setFaults({ down: true })
      const run = await syncNow(api, auth)
      expect(run.status).toBe("failed")
      expect(run.error_message).toContain(`${suite.standIn.url}/products`)
      expect(run.error_message).toContain("503")
      expect(run.requests).toBe(6)
      expect(run.retries).toBe(5)
      expect(await listStoreProducts(api, auth)).toHaveLength(0)
      expect(await listStoreCategories(api, auth)).toHaveLength(0)
      const { data } = await api.get<{ stores: { supported_currencies: { currency_code: string }[] }[] }>(
        "/admin/stores?fields=*supported_currencies",
        auth
      )
      expect(data.stores[0].supported_currencies.map((currency) => currency.currency_code)).not.toContain("usd")
    })
  }
)
