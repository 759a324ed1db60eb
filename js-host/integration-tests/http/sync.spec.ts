import { hostname } from "node:os"
import { readFile } from "node:fs/promises"
import path from "node:path"
import { WorkflowManager } from "@medusajs/framework/orchestration"
import { ContainerRegistrationKeys, Modules, toHandle } from "@medusajs/framework/utils"
import { deleteProductsWorkflow } from "@medusajs/medusa/core-flows"
import { leaseFigures } from "catalog-sync-core"
import type CatalogSyncModuleService from "../../src/modules/catalog-sync/service"
import type { RunView as SyncRunView } from "catalog-sync-core"
import { syncNow, triggerSync, waitForRun } from "../helpers/runs"
import type { SourceProduct } from "../helpers/stand-in"
import { listStoreCategories, listStoreProducts, stockOf, storeProductsBySourceId } from "../helpers/store"
import type { StoreProduct } from "../helpers/store"
import { pluginSuite } from "../helpers/suite"

jest.setTimeout(180_000)

const ANY_STATUS = { validateStatus: () => true }

/**
 * Expected handles, stated independently of the core: Medusa's own `toHandle` of the title; among
 * products whose titles give the same handle, the lowest source id keeps it and the others get
 * `-<source id>`.
 */
function expectedHandles(catalog: SourceProduct[]): Map<number, string> {
  const byHandle = new Map<string, number[]>()
  for (const product of catalog) {
    const handle = toHandle(product.title)
    byHandle.set(handle, [...(byHandle.get(handle) ?? []), product.id])
  }
  const handles = new Map<number, string>()
  for (const [handle, ids] of byHandle) {
    const [first, ...others] = [...ids].sort((a, b) => a - b)
    handles.set(first, handle)
    others.forEach((id) => handles.set(id, `${handle}-${id}`))
  }
  return handles
}

function updatedAtById(products: StoreProduct[]): Map<string, string> {
  return new Map(products.flatMap((product) => [
    [product.id, product.updated_at],
    ...product.variants.map((variant): [string, string] => [variant.id, variant.updated_at]),
  ]))
}

pluginSuite(
  {
    options: (standIn) => ({ sourceUrl: standIn.url, schedule: false }),
  },
  (suite) => {
    const { api, auth, getContainer } = suite
    let firstRun: SyncRunView

    beforeAll(async () => {
      // Runs before the runner snapshots the database: every test starts from this synced store.
      firstRun = await syncNow(api, auth)
    })

    it("imports the 194 products in 24 categories with every mapped field", async () => {
      const catalog = suite.standIn.state.catalog
      expect(catalog).toHaveLength(194)
      expect(firstRun).toMatchObject({
        trigger: "manual",
        status: "success",
        fetched: 194,
        created: 194,
        updated: 0,
        unchanged: 0,
        archived: 0,
        rejected: 0,
        errors: [],
        error_message: null,
        // The default page size (100): 2 pages and the category list.
        requests: 3,
        retries: 0,
        products_synced: 194,
        products_created: 194,
        products_updated: 0,
        progress: { pages_fetched: 2, pages_total: 2, products_written: 194, products_planned: 194 },
      })
      expect(firstRun.duration_ms).toBeGreaterThan(0)
      expect(firstRun.duration_seconds).toBe((firstRun.duration_ms as number) / 1000)
      expect(firstRun.last_sync_at).toBe(firstRun.finished_at)
      expect(Object.keys(firstRun.phase_timings).sort()).toEqual(
        ["fetch_ms", "images_ms", "plan_ms", "repair_ms", "snapshot_ms", "stamps_read", "stock_ms", "store_ms", "taxonomy_ms", "write_ms"].sort()
      )
      // An empty store: no stamp to read, no full row asked for (the rows read back after the writes are not counted).
      expect(firstRun.phase_timings.stamps_read).toBe(0)

      const { data: storeData } = await api.get<{ stores: { default_sales_channel_id: string; supported_currencies: { currency_code: string }[] }[] }>(
        "/admin/stores?fields=default_sales_channel_id,*supported_currencies",
        auth
      )
      const store = storeData.stores[0]
      expect(store.supported_currencies.map((currency) => currency.currency_code)).toContain("usd")

      const sourceCategories = (await (await fetch(`${suite.standIn.url}/products/categories`)).json()) as {
        slug: string
        name: string
      }[]
      expect(sourceCategories).toHaveLength(24)
      const categories = await listStoreCategories(api, auth)
      expect(categories.map(({ handle, name, is_active }) => ({ handle, name, is_active })).sort((a, b) =>
        a.handle.localeCompare(b.handle)
      )).toEqual(
        sourceCategories
          .map(({ slug, name }) => ({ handle: slug, name, is_active: true }))
          .sort((a, b) => a.handle.localeCompare(b.handle))
      )

      const products = await storeProductsBySourceId(api, auth)
      expect(products.size).toBe(194)
      // images: "upload" (the default): each source image is a stored file with the source's bytes.
      const stored = await getContainer().resolve<CatalogSyncModuleService>("catalogSync").listStoredImages()
      const storedUrl = new Map(stored.map((image) => [image.sourceUrl, image.url]))
      const storedCopy = (url: string) => storedUrl.get(url) ?? `no stored copy of ${url}`
      expect(stored).toHaveLength(catalog.reduce((n, source) => n + source.images.length + 1, 0))
      const staticDir = process.env.CATALOG_SYNC_TEST_STATIC_DIR as string
      for (const image of stored) {
        const onDisk = await readFile(path.join(staticDir, path.basename(new URL(image.url).pathname)))
        const original = Buffer.from(await (await fetch(image.sourceUrl)).arrayBuffer())
        expect(onDisk.equals(original)).toBe(true)
        expect(image).toMatchObject({ size: original.length, contentType: "image/png" })
      }
      const handles = expectedHandles(catalog)
      expect(handles.get(92)).toBe("sports-sneakers-off-white-red-92")
      expect(handles.get(191)).toBe("rolex-cellini-moonphase-191")
      for (const source of catalog) {
        const product = products.get(source.id) as StoreProduct
        expect(product).toBeDefined()
        expect({
          title: product.title,
          handle: product.handle,
          description: product.description,
          status: product.status,
          thumbnail: product.thumbnail,
          images: [...product.images].sort((a, b) => a.rank - b.rank).map((image) => image.url),
          tags: product.tags.map((tag) => tag.value).sort(),
          categories: product.categories.map((category) => category.handle),
          weight: Number(product.weight),
          width: Number(product.width),
          height: Number(product.height),
          length: Number(product.length),
          sales_channels: product.sales_channels.map((channel) => channel.id),
          variants: product.variants.map((variant) => ({
            sku: variant.sku,
            barcode: variant.barcode,
            manage_inventory: variant.manage_inventory,
            prices: variant.prices.map(({ amount, currency_code }) => ({ amount: Number(amount), currency_code })),
          })),
        }).toEqual({
          title: source.title,
          handle: handles.get(source.id),
          description: source.description,
          status: "published",
          thumbnail: storedCopy(source.thumbnail),
          images: source.images.map(storedCopy),
          tags: [...source.tags].sort(),
          categories: [source.category],
          weight: source.weight,
          width: source.dimensions.width,
          height: source.dimensions.height,
          length: source.dimensions.depth,
          sales_channels: [store.default_sales_channel_id],
          variants: [
            {
              sku: source.sku,
              barcode: source.meta.barcode,
              manage_inventory: true,
              prices: [{ amount: source.price, currency_code: "usd" }],
            },
          ],
        })
        expect(stockOf(product)).toBe(source.stock)
        expect(product.metadata).toEqual({
          brand: source.brand ?? null,
          sku: source.sku,
          rating: source.rating,
          discountPercentage: source.discountPercentage,
          warrantyInformation: source.warrantyInformation,
          shippingInformation: source.shippingInformation,
          returnPolicy: source.returnPolicy,
          minimumOrderQuantity: source.minimumOrderQuantity,
          barcode: source.meta.barcode,
          availabilityStatus: source.availabilityStatus,
          catalog_sync_source_id: source.id,
          catalog_sync_fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
          catalog_sync_images_fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
        })
      }
    })

    it("writes nothing on an unchanged resync", async () => {
      const before = updatedAtById(await listStoreProducts(api, auth))
      const run = await syncNow(api, auth)
      expect(run).toMatchObject({
        status: "success",
        fetched: 194,
        created: 0,
        updated: 0,
        unchanged: 194,
        archived: 0,
        rejected: 0,
        products_synced: 194,
        progress: { products_written: 0, products_planned: 0 },
      })
      const after = updatedAtById(await listStoreProducts(api, auth))
      expect(after).toEqual(before)
    })

    it("applies changes, removals and additions exactly, and undoes them when the source reverts", async () => {
      const before = await storeProductsBySourceId(api, auth)
      const { added } = suite.standIn.mutate({
        update: [
          { id: 5, price: 123.45 },
          { id: 10, title: "Renamed Product Ten" },
          { id: 20, stock: 0 },
          { id: 30, category: "laptops" },
        ],
        remove: [40, 41],
        add: 2,
      })
      expect(added).toHaveLength(2)

      const run = await syncNow(api, auth)
      expect(run).toMatchObject({
        status: "success",
        fetched: 194,
        created: 2,
        updated: 4,
        unchanged: 188,
        archived: 2,
        rejected: 0,
      })
      const after = await storeProductsBySourceId(api, auth)
      expect(after.size).toBe(196)
      expect(after.get(5)?.variants[0].prices.map((price) => Number(price.amount))).toEqual([123.45])
      expect(after.get(10)?.title).toBe("Renamed Product Ten")
      expect(after.get(10)?.handle).toBe(before.get(10)?.handle)
      expect(after.get(20)?.metadata).toMatchObject({ availabilityStatus: "Out of Stock" })
      expect(stockOf(after.get(20) as StoreProduct)).toBe(0)
      expect(run.stock_levels).toBe(1)
      expect(after.get(30)?.categories.map((category) => category.handle)).toEqual(["laptops"])
      expect([after.get(40)?.status, after.get(41)?.status]).toEqual(["draft", "draft"])
      for (const id of added) {
        const source = suite.standIn.state.catalog.find((product) => product.id === id) as SourceProduct
        expect(after.get(id)).toMatchObject({ title: source.title, status: "published" })
      }
      const touched = new Set([5, 10, 20, 30, 40, 41])
      for (const [sourceId, product] of before) {
        if (!touched.has(sourceId)) {
          expect(after.get(sourceId)?.updated_at).toBe(product.updated_at)
        }
      }

      suite.standIn.reset({})
      const revert = await syncNow(api, auth)
      expect(revert).toMatchObject({ status: "success", created: 0, updated: 6, unchanged: 188, archived: 2 })
      const reverted = await storeProductsBySourceId(api, auth)
      expect([reverted.get(40)?.status, reverted.get(41)?.status]).toEqual(["published", "published"])
      expect(added.map((id) => reverted.get(id)?.status)).toEqual(["draft", "draft"])
      expect(reverted.get(10)?.handle).toBe(before.get(10)?.handle)
    })

    it("completes half-written products in place, and recreates only a create that never finished", async () => {
      const container = getContainer()
      const service = container.resolve<CatalogSyncModuleService>("catalogSync")
      const before = await storeProductsBySourceId(api, auth)
      const productModule = container.resolve(Modules.PRODUCT)
      /** What a process killed inside createProductsWorkflow leaves: the product module's rows (product
       *  with the fingerprint of its content, option, variant) but no price, inventory item or sales channel. */
      const bareCopyOf = async (sourceId: number) => {
        const original = before.get(sourceId) as StoreProduct
        await deleteProductsWorkflow(container).run({ input: { ids: [original.id] } })
        const [bare] = await productModule.createProducts([
          {
            title: original.title,
            handle: original.handle,
            status: "published",
            external_id: `dummyjson:${sourceId}`,
            metadata: original.metadata ?? undefined,
            options: [{ title: "Default", values: ["Default"] }],
            variants: [
              {
                title: "Default",
                sku: original.variants[0].sku ?? undefined,
                barcode: original.variants[0].barcode ?? undefined,
                manage_inventory: true,
                options: { Default: "Default" },
              },
            ],
          },
        ])
        return { original, bare }
      }
      // Product 12 was complete once (the ledger says so): it is completed on the same product and variant.
      const twelve = await bareCopyOf(12)
      // Product 14's create never finished (its ledger row is still `creating`): it may be recreated.
      const fourteen = await bareCopyOf(14)
      await service.writeLedger({
        record: [{ ...(await service.listLedgerRows()).find((row) => row.source_id === "14")!, state: "creating", product_id: null }],
        remove: [],
        remove_products: [],
      })
      // Another one lost only its sales-channel link (killed between the product and its link).
      const unlisted = before.get(13) as StoreProduct
      await container.resolve(ContainerRegistrationKeys.LINK).dismiss({
        [Modules.PRODUCT]: { product_id: unlisted.id },
        [Modules.SALES_CHANNEL]: { sales_channel_id: unlisted.sales_channels[0].id },
      })

      const run = await syncNow(api, auth)
      expect(run).toMatchObject({ status: "success", created: 1, completed: 1, updated: 0, unchanged: 193, archived: 0, deleted: 0 })
      const after = await storeProductsBySourceId(api, auth)
      expect(after.size).toBe(194)
      const completed = after.get(12) as StoreProduct
      expect(completed.id).toBe(twelve.bare.id)
      expect(completed.variants.map((variant) => variant.id)).toEqual(twelve.bare.variants.map((variant) => variant.id))
      const recreated = after.get(14) as StoreProduct
      expect(recreated.id).not.toBe(fourteen.bare.id)
      for (const [product, { original }] of [[completed, twelve], [recreated, fourteen]] as const) {
        expect(product).toMatchObject({ handle: original.handle, status: "published" })
        expect(product.sales_channels).toEqual(original.sales_channels)
        expect(product.variants.map(({ sku, prices }) => ({ sku, prices: prices.map((price) => Number(price.amount)) }))).toEqual(
          original.variants.map(({ sku, prices }) => ({ sku, prices: prices.map((price) => Number(price.amount)) }))
        )
        expect(stockOf(product)).toBe(stockOf(original))
      }
      const { data: links } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
        entity: "product_variant",
        fields: ["id", "inventory_items.inventory_item_id"],
        filters: { id: [completed.variants[0].id, recreated.variants[0].id] },
      })
      expect(links.map((variant: { inventory_items: unknown[] }) => variant.inventory_items.length)).toEqual([1, 1])
      expect(after.get(13)).toMatchObject({ id: unlisted.id, sales_channels: unlisted.sales_channels })
      const ledger = new Map((await service.listLedgerRows()).map((row) => [row.source_id, row]))
      expect(ledger.get("12")).toMatchObject({ state: "complete", product_id: completed.id, variant_id: completed.variants[0].id })
      expect(ledger.get("14")).toMatchObject({ state: "complete", product_id: recreated.id, variant_id: recreated.variants[0].id })
    })

    it("answers 409 to a trigger while a sync runs, and shows the run in progress", async () => {
      suite.standIn.setFaults({ slowMs: 300 })
      const runId = await triggerSync(api, auth)
      const second = await api.post<{ type: string; message: string; run_id: string }>("/admin/sync/trigger", {}, { ...auth, ...ANY_STATUS })
      expect(second.status).toBe(409)
      expect(second.data).toEqual({
        type: "conflict",
        message: `A catalog sync is already running (run ${runId})`,
        run_id: runId,
      })

      const { data: status } = await api.get<{ status: SyncRunView; running: SyncRunView }>("/admin/sync/status", auth)
      expect(status.running).toMatchObject({ id: runId, status: "running", trigger: "manual" })
      expect(status.status.id).toBe(runId)

      const run = await waitForRun(api, auth, runId)
      expect(run.status).toBe("success")
      const { data: idle } = await api.get<{ status: SyncRunView; running: SyncRunView | null }>("/admin/sync/status", auth)
      expect(idle.running).toBeNull()
      expect(idle.status).toMatchObject({ id: runId, status: "success", products_synced: 194 })

      suite.standIn.setFaults({})
      const next = await syncNow(api, auth)
      expect(next.status).toBe("success")
    })

    it("interrupts a run whose lease ran out instead of blocking, but respects one whose owner is alive, whatever its host and pid", async () => {
      const service = getContainer().resolve<CatalogSyncModuleService>("catalogSync")
      const { leaseMs } = leaseFigures()
      // Left by a process that died: same host, a pid that does not exist, no heartbeat for longer than the lease.
      const silentSince = new Date(Date.now() - leaseMs - 5_000)
      await service.createSyncRuns({
        id: "csrun_dead",
        trigger: "schedule",
        status: "running",
        started_at: silentSince,
        heartbeat_at: silentSince,
        owner: { host: hostname(), pid: 99999999, boot: "gone", mode: "shared" },
      })
      const run = await syncNow(api, auth)
      expect(run.status).toBe("success")
      expect(run.owner).toMatchObject({ host: hostname(), pid: process.pid, mode: "shared" })
      const { data: dead } = await api.get<{ run: SyncRunView }>("/admin/sync/runs/csrun_dead", auth)
      expect(dead.run.status).toBe("interrupted")
      expect(dead.run.error_message).toMatch(
        new RegExp(`^interrupted: its process \\(shared pid 99999999 on ${hostname()}\\) gave no sign of life for \\d+ s`)
      )
      expect(dead.run.finished_at).not.toBeNull()

      // Another instance in another PID namespace with this very host name and pid: its fresh heartbeat says alive.
      await service.createSyncRuns({
        id: "csrun_twin",
        trigger: "schedule",
        status: "running",
        started_at: new Date(),
        heartbeat_at: new Date(),
        owner: { host: hostname(), pid: process.pid, boot: "another-boot", mode: "worker" },
      })
      const blocked = await api.post<{ type: string; run_id: string }>("/admin/sync/trigger", {}, { ...auth, ...ANY_STATUS })
      expect(blocked.status).toBe(409)
      expect(blocked.data).toMatchObject({ type: "conflict", run_id: "csrun_twin" })
      await service.updateSyncRuns({ id: "csrun_twin", status: "failed" })
    })

    it("does not schedule the job when the schedule option is false", () => {
      expect(WorkflowManager.getWorkflow("job-catalog-sync")).toBeUndefined()
      expect(WorkflowManager.getWorkflow("catalog-sync")).toBeDefined()
    })

    it("lists runs newest first, shows one run, validates the query and requires an admin", async () => {
      const second = await syncNow(api, auth)
      const { data: page } = await api.get<{ runs: SyncRunView[]; count: number; limit: number; offset: number }>(
        "/admin/sync/runs",
        auth
      )
      expect(page).toMatchObject({ count: 2, limit: 20, offset: 0 })
      expect(page.runs.map((run) => run.id)).toEqual([second.id, firstRun.id])

      const { data: paged } = await api.get<{ runs: SyncRunView[]; count: number }>(
        "/admin/sync/runs?limit=1&offset=1",
        auth
      )
      expect(paged.count).toBe(2)
      expect(paged.runs.map((run) => run.id)).toEqual([firstRun.id])

      const { data: one } = await api.get<{ run: SyncRunView }>(`/admin/sync/runs/${firstRun.id}`, auth)
      expect(one.run).toEqual(firstRun)

      for (const query of ["limit=abc", "limit=0", "limit=101", "offset=-1"]) {
        const invalid = await api.get(`/admin/sync/runs?${query}`, { ...auth, ...ANY_STATUS })
        expect({ query, status: invalid.status }).toEqual({ query, status: 400 })
      }
      const missing = await api.get("/admin/sync/runs/csrun_missing", { ...auth, ...ANY_STATUS })
      expect(missing.status).toBe(404)

      for (const [method, url] of [
        ["get", "/admin/sync/status"],
        ["get", "/admin/sync/runs"],
        ["post", "/admin/sync/trigger"],
      ] as const) {
        const anonymous =
          method === "get" ? await api.get(url, ANY_STATUS) : await api.post(url, {}, ANY_STATUS)
        expect({ url, status: anonymous.status }).toEqual({ url, status: 401 })
      }
    })
  }
)
