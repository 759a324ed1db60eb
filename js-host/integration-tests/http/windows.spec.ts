import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ledgerBySourceId } from "../helpers/ledger"
import { triggerSync, waitForRun } from "../helpers/runs"
import { startStandIn } from "../helpers/stand-in"
import { pluginSuite } from "../helpers/suite"

jest.setTimeout(600_000)

/**
 * A catalog of more than one write window (the core writes 1,000 products per window): 1,050 products make two, the
 * second partial; the page of products 991–1,020 (pages of 30) is a body of both.
 */
const CATALOG_SIZE = 1050

/** The store's products the sync made: source id → product ids (more than one id means a duplicate). */
async function syncedProducts(container: MedusaContainer) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "product", fields: ["id", "external_id", "handle", "variants.sku"] })
  const bySourceId = new Map<number, string[]>()
  for (const product of data) {
    const match = /^dummyjson:(\d+)$/.exec(product.external_id ?? "")
    if (match) {
      bySourceId.set(Number(match[1]), [...(bySourceId.get(Number(match[1])) ?? []), product.id])
    }
  }
  return { bySourceId, handles: new Set(data.map((product) => product.handle)), count: data.length }
}

pluginSuite(
  {
    options: (standIn) => ({ sourceUrl: standIn.url, schedule: false, images: "link", pageSize: 30 }),
    startSource: async () => {
      const standIn = await startStandIn()
      standIn.reset({ size: CATALOG_SIZE })
      return standIn
    },
  },
  (suite) => {
    const { api, auth, getContainer } = suite
    it("writes a catalog of two windows once, every product complete, and updates products of different windows in place", async () => {
      const cold = await waitForRun(api, auth, await triggerSync(api, auth), 300_000)
      expect(cold).toMatchObject({
        status: "success",
        fetched: CATALOG_SIZE,
        created: CATALOG_SIZE,
        rejected: 0,
        errors: [],
        progress: { products_written: CATALOG_SIZE, products_planned: CATALOG_SIZE },
      })
      const afterCold = await syncedProducts(getContainer())
      expect(afterCold.count).toBe(CATALOG_SIZE)
      expect(afterCold.handles.size).toBe(CATALOG_SIZE)
      expect([...afterCold.bySourceId.values()].filter((ids) => ids.length !== 1)).toEqual([])
      expect([...afterCold.bySourceId.keys()].sort((a, b) => a - b)).toEqual(
        Array.from({ length: CATALOG_SIZE }, (_, i) => i + 1)
      )
      const ledger = await ledgerBySourceId(getContainer())
      expect(ledger.size).toBe(CATALOG_SIZE)
      expect([...ledger.values()].filter((row) => row.state !== "complete")).toEqual([])

      // Products of both windows (source ids are planned in order: 1–1,000, then 1,001–1,050), two of them from the
      // page both windows are made from.
      const changed = [7, 1000, 1001, 1050]
      const catalog = new Map(suite.standIn.state.catalog.map((product) => [product.id, product]))
      suite.standIn.mutate({ update: changed.map((id) => ({ id, title: `${catalog.get(id)?.title} (renamed)` })) })
      const resync = await waitForRun(api, auth, await triggerSync(api, auth), 300_000)
      expect(resync).toMatchObject({
        status: "success",
        created: 0,
        updated: changed.length,
        unchanged: CATALOG_SIZE - changed.length,
        progress: { products_written: changed.length, products_planned: changed.length },
      })
      const afterResync = await syncedProducts(getContainer())
      expect(afterResync.count).toBe(CATALOG_SIZE)
      for (const id of changed) {
        // Updated in place: the same product.
        expect(afterResync.bySourceId.get(id)).toEqual(afterCold.bySourceId.get(id))
      }
      const query = getContainer().resolve(ContainerRegistrationKeys.QUERY)
      const { data } = await query.graph({
        entity: "product",
        fields: ["title"],
        filters: { id: changed.map((id) => afterCold.bySourceId.get(id)?.[0] ?? "") },
      })
      expect(data.map((product) => product.title).sort()).toEqual(
        changed.map((id) => `${catalog.get(id)?.title} (renamed)`).sort()
      )
    })
  }
)
