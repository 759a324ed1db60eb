import type { RunView as SyncRunView } from "catalog-sync-core"
import { syncNow, triggerSync, waitForRun } from "../helpers/runs"
import { listStoreProducts } from "../helpers/store"
import { pluginSuite } from "../helpers/suite"

jest.setTimeout(240_000)

const ANY_STATUS = { validateStatus: () => true }

pluginSuite(
  {
    // Small batches: a first sync writes 39 create batches, so it can be stopped between two of them.
    options: (standIn) => ({
      sourceUrl: standIn.url,
      schedule: false,
      images: "link",
      batchSize: 5,
    }),
  },
  (suite) => {
    const { api, auth } = suite


    /** Polls the run until `ready` holds for it. */
    async function waitUntil(runId: string, ready: (run: SyncRunView) => boolean): Promise<SyncRunView> {
      const deadline = Date.now() + 60_000
      for (;;) {
        const { data } = await api.get<{ run: SyncRunView }>(`/admin/sync/runs/${runId}`, auth)
        if (ready(data.run)) {
          return data.run
        }
        if (Date.now() > deadline) {
          throw new Error(`run ${runId}: condition not met in 60 s (${data.run.status}, ${JSON.stringify(data.run.progress)})`)
        }
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }

    it("stops a running sync at a batch boundary; the next sync creates the rest, with no duplicates", async () => {
      const runId = await triggerSync(api, auth)
      await waitUntil(runId, (run) => (run.progress?.products_written ?? 0) >= 10)
      const cancel = await api.post<{ run_id: string; cancel_requested: boolean }>(`/admin/sync/runs/${runId}/cancel`, {}, auth)
      expect(cancel.status).toBe(202)
      expect(cancel.data).toEqual({ run_id: runId, cancel_requested: true })
      // Asking twice is fine.
      expect([202, 409]).toContain((await api.post(`/admin/sync/runs/${runId}/cancel`, {}, { ...auth, ...ANY_STATUS })).status)

      const cancelled = await waitForRun(api, auth, runId)
      expect(cancelled.status).toBe("cancelled")
      expect(cancelled.cancel_requested_at).not.toBeNull()
      expect(cancelled.error_message).toContain("cancelled by an operator")
      expect(cancelled.created).toBeGreaterThan(0)
      expect(cancelled.created).toBeLessThan(194)
      expect(cancelled.created % 5).toBe(0)
      // The lock is free; nothing is half-written: every product in the store is complete.
      const { data: status } = await api.get<{ running: unknown }>("/admin/sync/status", auth)
      expect(status.running).toBeNull()
      const partial = await listStoreProducts(api, auth)
      expect(partial).toHaveLength(cancelled.created)
      expect(partial.every((product) => product.variants.length === 1 && product.variants[0].prices.length === 1)).toBe(true)

      // A run that ended cannot be stopped.
      const ended = await api.post<{ message: string }>(`/admin/sync/runs/${runId}/cancel`, {}, { ...auth, ...ANY_STATUS })
      expect(ended.status).toBe(409)
      expect(ended.data.message).toBe(`run ${runId} already ended (cancelled): there is nothing to stop`)
      expect((await api.post(`/admin/sync/runs/csrun_none/cancel`, {}, { ...auth, ...ANY_STATUS })).status).toBe(404)

      const next = await syncNow(api, auth)
      expect(next.status).toBe("success")
      expect(next.created).toBe(194 - cancelled.created)
      expect(next.unchanged).toBe(cancelled.created)
      const store = await listStoreProducts(api, auth)
      expect(store).toHaveLength(194)
      expect(new Set(store.map((product) => product.external_id)).size).toBe(194)
    })
  }
)
