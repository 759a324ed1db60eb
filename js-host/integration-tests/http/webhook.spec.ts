import { Modules } from "@medusajs/framework/utils"
import { deleteProductsWorkflow } from "@medusajs/medusa/core-flows"
import type CatalogSyncModuleService from "../../src/modules/catalog-sync/service"
import type { RunView as SyncRunView } from "catalog-sync-core"
import { syncNow, triggerSync, waitForRun, waitUntilIdle } from "../helpers/runs"
import { storeProductsBySourceId } from "../helpers/store"
import type { StoreProduct } from "../helpers/store"
import { postWebhook, signWebhook } from "../helpers/webhook"
import type { WebhookAnswer } from "../helpers/webhook"
import { pluginSuite } from "../helpers/suite"

jest.setTimeout(180_000)

const SECRET = "whsec_integration_secret_0123456789"
const ANY_STATUS = { validateStatus: () => true }

// No `webhookSecret` option: the plugin reads it from the environment.
beforeAll(() => {
  process.env.CATALOG_SYNC_WEBHOOK_SECRET = SECRET
})

afterAll(() => {
  delete process.env.CATALOG_SYNC_WEBHOOK_SECRET
})

/** The `updated_at` of every product, by source id. */
function updatedAt(products: Map<number, StoreProduct>): Map<number, string> {
  return new Map([...products].map(([id, product]) => [id, product.updated_at]))
}

/** Source ids whose product row changed between two reads. */
function changedIds(before: Map<number, string>, after: Map<number, string>): number[] {
  return [...after].filter(([id, stamp]) => before.get(id) !== stamp).map(([id]) => id)
}

pluginSuite(
  { options: (standIn) => ({ sourceUrl: standIn.url, schedule: false }), syncedFirst: 194 },
  (suite) => {
    const { api, auth, getContainer } = suite

    async function runCount(): Promise<number> {
      const { data } = await api.get<{ count: number }>("/admin/sync/runs", auth)
      return data.count
    }

    // The targeted sync (issue 3's `productIds`) through its real entry point, against the real store.
    it("syncs only the named products, one GET /products/:id each, and leaves a 404 to the next full sync", async () => {
      const before = await storeProductsBySourceId(api, auth)
      suite.standIn.mutate({ update: [{ id: 5, price: 321.5 }, { id: 6, title: "Retitled Six" }], remove: [40] })
      // The stand-in's counters are live: keep the numbers, not the object.
      const singleBefore = suite.standIn.stats().byRoute["/products/:id"] ?? 0
      const listBefore = suite.standIn.stats().byRoute["/products"] ?? 0

      // The body as sent (spaces, key order): the signature covers these bytes.
      const answer = await postWebhook(api, SECRET, '{ "product_ids" : [5, 40, 9999, 5], "event": "product.updated" }')
      expect(answer.status).toBe(202)
      expect(answer.data).toEqual({ run_id: expect.stringMatching(/^csrun_/), queued: false })
      const run = await waitForRun(api, auth, answer.data.run_id as string)
      expect(run).toMatchObject({
        trigger: "webhook",
        status: "success",
        product_ids: [5, 40, 9999],
        fetched: 1,
        created: 0,
        updated: 1,
        unchanged: 0,
        archived: 0,
        deleted: 0,
        kept: 1,
        rejected: 0,
        errors: [
          {
            source_id: 40,
            field: null,
            code: "REMOVAL_LEFT_TO_FULL_SYNC",
            message:
              "product 40: the source answered 404, but a webhook run removes nothing: the product stays as it is " +
              "until the next full sync, which sets it to draft if the source no longer lists it",
          },
        ],
        held_removals: [],
        requests: 4,
        progress: { pages_fetched: 3, pages_total: 3 },
      })

      const stats = suite.standIn.stats()
      expect(stats.byRoute["/products/:id"] - singleBefore).toBe(3)
      expect(stats.byRoute["/products"] ?? 0).toBe(listBefore)

      const after = await storeProductsBySourceId(api, auth)
      expect(changedIds(updatedAt(before), updatedAt(after))).toEqual([5])
      expect(after.get(5)?.variants[0].prices.map((price) => Number(price.amount))).toEqual([321.5])
      expect(after.get(6)?.title).toBe(before.get(6)?.title)
      expect(after.get(40)).toMatchObject({ id: before.get(40)?.id, status: "published" })
      expect(after.size).toBe(194)

      // "product.deleted" of a product the source still has: the source is the truth, it stays published.
      const deleted = await postWebhook(api, SECRET, JSON.stringify({ product_id: 6, event: "product.deleted" }))
      const retitled = await waitForRun(api, auth, deleted.data.run_id as string)
      expect(retitled).toMatchObject({ status: "success", product_ids: [6], updated: 1, archived: 0 })
      const six = (await storeProductsBySourceId(api, auth)).get(6)
      expect(six).toMatchObject({ title: "Retitled Six", status: "published" })

      // The next full sync, with its complete listing (1 of 194 gone: under maxRemovalRatio), drafts it.
      const full = await syncNow(api, auth)
      expect(full).toMatchObject({ status: "success", archived: 1, held_removals: [] })
      expect((await storeProductsBySourceId(api, auth)).get(40)?.status).toBe("draft")
    })

    it("refuses bad calls with 401, 400 or 413 and { code, message }, and starts nothing", async () => {
      const now = Math.floor(Date.now() / 1000)
      const runsBefore = await runCount()
      const before = updatedAt(await storeProductsBySourceId(api, auth))
      const requestsBefore = suite.standIn.stats().requests
      const body = JSON.stringify({ product_id: 5 })
      const cases: [string, Promise<WebhookAnswer>, number, string][] = [
        ["no signature", postWebhook(api, SECRET, body, { signature: null }), 401, "WEBHOOK_SIGNATURE_MISSING"],
        ["wrong secret", postWebhook(api, "another-secret", body), 401, "WEBHOOK_SIGNATURE_MISMATCH"],
        ["malformed signature", postWebhook(api, SECRET, body, { signature: "zz" }), 401, "WEBHOOK_SIGNATURE_MALFORMED"],
        ["stale timestamp", postWebhook(api, SECRET, body, { timestamp: now - 301 }), 401, "WEBHOOK_TIMESTAMP_STALE"],
        ["future timestamp", postWebhook(api, SECRET, body, { timestamp: now + 400 }), 401, "WEBHOOK_TIMESTAMP_STALE"],
        ["unsigned invalid JSON", postWebhook(api, SECRET, "{not json", { signature: null }), 401, "WEBHOOK_SIGNATURE_MISSING"],
        ["signed invalid JSON", postWebhook(api, SECRET, "{not json"), 400, "WEBHOOK_BODY_INVALID"],
        ["signed, no ids", postWebhook(api, SECRET, '{"product_ids":[]}'), 400, "WEBHOOK_BODY_INVALID"],
        ["65537 bytes", postWebhook(api, SECRET, Buffer.alloc(65_537, 0x20)), 413, "WEBHOOK_BODY_TOO_LARGE"],
        ["2 MB", postWebhook(api, SECRET, Buffer.alloc(2 * 1024 * 1024, 0x20)), 413, "WEBHOOK_BODY_TOO_LARGE"],
      ]
      for (const [name, pending, status, code] of cases) {
        const answer = await pending
        expect({ name, status: answer.status, code: answer.data.code }).toEqual({ name, status, code })
        expect(typeof answer.data.message).toBe("string")
        expect(answer.data.run_id).toBeUndefined()
      }
      // A 64 KiB body passes the size check (it is then judged on its signature).
      const atLimit = await postWebhook(api, SECRET, Buffer.alloc(65_536, 0x20), { signature: "0".repeat(64) })
      expect([atLimit.status, atLimit.data.code]).toEqual([401, "WEBHOOK_SIGNATURE_MISMATCH"])

      expect(await runCount()).toBe(runsBefore)
      expect(suite.standIn.stats().requests).toBe(requestsBefore)
      expect(changedIds(before, updatedAt(await storeProductsBySourceId(api, auth)))).toEqual([])
      // Other content types are read as raw bytes too.
      const plain = await postWebhook(api, SECRET, body, { contentType: "text/plain" })
      expect(plain.status).toBe(202)
      await waitForRun(api, auth, plain.data.run_id as string)
    })

    it("answers a replay of an accepted call 200 { duplicate: true } and starts nothing", async () => {
      const body = JSON.stringify({ product_ids: [7, 8] })
      const timestamp = Math.floor(Date.now() / 1000)
      const first = await postWebhook(api, SECRET, body, { timestamp })
      expect(first.status).toBe(202)
      await waitForRun(api, auth, first.data.run_id as string)
      const runsBefore = await runCount()
      const requestsBefore = suite.standIn.stats().requests

      // The very same signed call, again and with the signature spelled differently: replays.
      const replay = await postWebhook(api, SECRET, body, { timestamp })
      expect([replay.status, replay.data]).toEqual([200, { duplicate: true }])
      const spelled = `SHA256=${signWebhook(SECRET, String(timestamp), Buffer.from(body)).toUpperCase()}`
      const respelled = await postWebhook(api, SECRET, body, { timestamp, signature: spelled })
      expect([respelled.status, respelled.data]).toEqual([200, { duplicate: true }])
      await waitUntilIdle(api, auth)
      expect(await runCount()).toBe(runsBefore)
      expect(suite.standIn.stats().requests).toBe(requestsBefore)

      // The same body at another timestamp is another delivery: accepted.
      const later = await postWebhook(api, SECRET, body, { timestamp: timestamp - 1 })
      expect(later.status).toBe(202)
      expect(await waitForRun(api, auth, later.data.run_id as string)).toMatchObject({ status: "success", product_ids: [7, 8] })
      expect(await runCount()).toBe(runsBefore + 1)
    })

    it("accepts exactly one of identical calls that arrive at once", async () => {
      const body = JSON.stringify({ product_id: 31 })
      const timestamp = Math.floor(Date.now() / 1000)
      const runsBefore = await runCount()
      const answers = await Promise.all(Array.from({ length: 6 }, () => postWebhook(api, SECRET, body, { timestamp })))
      const accepted = answers.filter((answer) => answer.status === 202)
      const duplicates = answers.filter((answer) => answer.status === 200)
      expect([accepted.length, duplicates.length]).toEqual([1, 5])
      expect(duplicates.map((answer) => answer.data)).toEqual(duplicates.map(() => ({ duplicate: true })))
      await waitForRun(api, auth, accepted[0].data.run_id as string)
      expect(await runCount()).toBe(runsBefore + 1)
    })

    it("remembers accepted calls in the module's table until their window ends, and prunes expired ones", async () => {
      const service = getContainer().resolve<CatalogSyncModuleService>("catalogSync")
      await service.createWebhookDeliveries([
        { replay_key: "expired-key", expires_at: new Date(Date.now() - 1000) },
        { replay_key: "live-key", expires_at: new Date(Date.now() + 60_000) },
      ])
      const timestamp = Math.floor(Date.now() / 1000)
      const body = JSON.stringify({ product_id: 33 })
      const answer = await postWebhook(api, SECRET, body, { timestamp })
      expect(answer.status).toBe(202)
      await waitForRun(api, auth, answer.data.run_id as string)
      const rows = await service.listWebhookDeliveries({}, { select: ["replay_key", "expires_at"] })
      const key = signWebhook(SECRET, String(timestamp), Buffer.from(body))
      expect(rows.map((row) => row.replay_key).sort()).toEqual([key, "live-key"].sort())
      const stored = rows.find((row) => row.replay_key === key)
      // The end of the 300 s window plus the core's 60 s margin.
      expect(new Date(stored?.expires_at as Date).getTime()).toBe((timestamp + 360) * 1000)
      // A second insert of a live key is refused by the unique index (what decides between instances).
      await expect(service.createWebhookDeliveries({ replay_key: "live-key", expires_at: new Date() })).rejects.toThrow()
    })

    it("queues a burst of webhooks during a sync into one run, synced when the lock frees", async () => {
      // Every source answer takes 500 ms, so the full sync is still running when the webhooks arrive.
      suite.standIn.setFaults({ slowMs: 500 })
      const fullRunId = await triggerSync(api, auth)
      const bodies = [[1], [2, 3], [3, 4], [150], [1, 150], [194]].map((ids) => JSON.stringify({ product_ids: ids }))
      const answers = await Promise.all(bodies.map((body) => postWebhook(api, SECRET, body)))
      expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202, 202])
      const queuedId = answers[0].data.run_id as string
      expect(answers.map((answer) => answer.data)).toEqual(answers.map(() => ({ run_id: queuedId, queued: true })))
      expect(queuedId).not.toBe(fullRunId)

      const { data: status } = await api.get<{ running: SyncRunView; queued: SyncRunView; status: SyncRunView }>(
        "/admin/sync/status",
        auth
      )
      expect(status.running.id).toBe(fullRunId)
      expect(status.status.id).toBe(fullRunId)
      expect(status.queued).toMatchObject({ id: queuedId, status: "queued", trigger: "webhook", product_ids: [1, 2, 3, 4, 150, 194] })
      const { data: listed } = await api.get<{ runs: SyncRunView[] }>("/admin/sync/runs", auth)
      expect(listed.runs.filter((run) => run.status === "queued").map((run) => run.id)).toEqual([queuedId])
      // Sync Now is refused only because of the running sync, as without a queue.
      const refused = await api.post<{ run_id: string }>("/admin/sync/trigger", {}, { ...auth, ...ANY_STATUS })
      expect([refused.status, refused.data.run_id]).toEqual([409, fullRunId])

      const full = await waitForRun(api, auth, fullRunId)
      expect(full.status).toBe("success")
      const queued = await waitForRun(api, auth, queuedId)
      expect(queued).toMatchObject({
        trigger: "webhook",
        status: "success",
        product_ids: [1, 2, 3, 4, 150, 194],
        fetched: 6,
        unchanged: 6,
        requests: 7,
      })
      expect(new Date(queued.started_at).getTime()).toBeGreaterThanOrEqual(new Date(full.finished_at as string).getTime())

      // Once the queued run has started, new ids go to a new queued run (or start one right away).
      suite.standIn.setFaults({})
      const later = await postWebhook(api, SECRET, JSON.stringify({ product_id: 77 }))
      expect(later.status).toBe(202)
      expect(later.data.run_id).not.toBe(queuedId)
      expect(await waitForRun(api, auth, later.data.run_id as string)).toMatchObject({ status: "success", product_ids: [77] })
    })

    it("repairs a half-written product only when the targeted run names it", async () => {
      const container = getContainer()
      const original = (await storeProductsBySourceId(api, auth)).get(12) as StoreProduct
      // What a process killed inside createProductsWorkflow leaves: the product row, no variant, and its
      // ledger row still `creating` (a create that never finished may be recreated).
      await deleteProductsWorkflow(container).run({ input: { ids: [original.id] } })
      const [bare] = await container.resolve(Modules.PRODUCT).createProducts([
        { title: original.title, handle: original.handle, status: "published", external_id: "dummyjson:12" },
      ])
      const service = container.resolve<CatalogSyncModuleService>("catalogSync")
      const row = (await service.listLedgerRows()).find((ledgerRow) => ledgerRow.source_id === "12")
      await service.writeLedger({ record: [{ ...row!, state: "creating", product_id: null }], remove: [], remove_products: [] })

      const other = await postWebhook(api, SECRET, JSON.stringify({ product_id: 14 }))
      expect(await waitForRun(api, auth, other.data.run_id as string)).toMatchObject({ status: "success", unchanged: 1 })
      const untouched = (await storeProductsBySourceId(api, auth)).get(12) as StoreProduct
      expect([untouched.id, untouched.variants.length]).toEqual([bare.id, 0])

      const named = await postWebhook(api, SECRET, JSON.stringify({ product_id: 12 }))
      expect(await waitForRun(api, auth, named.data.run_id as string)).toMatchObject({ status: "success", created: 1 })
      const recreated = (await storeProductsBySourceId(api, auth)).get(12) as StoreProduct
      expect(recreated.id).not.toBe(bare.id)
      expect(recreated).toMatchObject({ handle: original.handle, sales_channels: original.sales_channels })
      expect(recreated.variants.map((variant) => variant.sku)).toEqual(original.variants.map((variant) => variant.sku))
    })

    it("reads the secret from CATALOG_SYNC_WEBHOOK_SECRET and shows it masked, marked as from the environment", async () => {
      const { data } = await api.get<{ options: Record<string, unknown>; configured: string[]; environment: string[] }>(
        "/admin/sync/settings",
        auth
      )
      expect(data.options.webhookSecret).toBe("••••89")
      expect(data.configured).not.toContain("webhookSecret")
      expect(data.environment).toEqual(["webhookSecret"])
    })

    it("starts a queued run that a stopped process left behind, without any trigger", async () => {
      const service = getContainer().resolve<CatalogSyncModuleService>("catalogSync")
      await service.queueRun("csrun_left_queued", [7, 8])
      // The catalog-sync-queue job (every 10 s) picks it up.
      const run = await waitForRun(api, auth, "csrun_left_queued", 40_000)
      expect(run).toMatchObject({ status: "success", trigger: "webhook", product_ids: [7, 8], fetched: 2, unchanged: 2 })
    })

    it("queues again the products of a webhook run a dead process interrupted, once", async () => {
      const service = getContainer().resolve<CatalogSyncModuleService>("catalogSync")
      // What a takeover leaves of a webhook run whose process was killed: interrupted.
      const startedAt = new Date(Date.now() - 60_000)
      await service.createSyncRuns({
        id: "csrun_interrupted_hook",
        trigger: "webhook",
        status: "interrupted",
        started_at: startedAt,
        finished_at: startedAt,
        error_message: "interrupted: its process (worker pid 7 on gone) gave no sign of life for 21 s",
        product_ids: { ids: [21, 22] },
      })
      suite.standIn.mutate({ update: [{ id: 21, title: "Retitled While Its Run Died" }] })
      // The catalog-sync-queue job (every 10 s) queues the ids again and starts that run.
      let requeued: SyncRunView | undefined
      const deadline = Date.now() + 40_000
      while (!requeued && Date.now() < deadline) {
        const interrupted = await service.findRun("csrun_interrupted_hook")
        requeued = interrupted?.requeued_run_id ? await waitForRun(api, auth, interrupted.requeued_run_id, 40_000) : undefined
        if (!requeued) await new Promise((resolve) => setTimeout(resolve, 500))
      }
      expect(requeued).toMatchObject({ status: "success", trigger: "webhook", product_ids: [21, 22], fetched: 2, updated: 1, unchanged: 1 })
      expect((await storeProductsBySourceId(api, auth)).get(21)?.title).toBe("Retitled While Its Run Died")
      // Queued again once: the next job ticks leave it alone.
      await new Promise((resolve) => setTimeout(resolve, 11_000))
      const { data } = await api.get<{ runs: SyncRunView[] }>("/admin/sync/runs?limit=5", auth)
      const retries = data.runs.filter((run) => run.id !== "csrun_interrupted_hook" && (run.product_ids ?? []).join() === "21,22")
      expect(retries.map((run) => run.id)).toEqual([requeued?.id])
    })
  }
)
