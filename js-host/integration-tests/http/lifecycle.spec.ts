import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { endRun, leaseFigures } from "catalog-sync-core"
import type { RunOwner } from "catalog-sync-core"
import type CatalogSyncModuleService from "../../src/modules/catalog-sync/service"
import { enqueueProductIds } from "../../src/lib/sync-queue"
import { takeOverDeadRuns } from "../../src/lib/takeover"
import { syncNow, triggerSync } from "../helpers/runs"
import { pluginSuite } from "../helpers/suite"

jest.setTimeout(120_000)

/** A process of another instance (one host name and pid for all: only the boot tells them apart). */
function owner(boot: string): RunOwner {
  return { host: "shared-hostname", pid: 1, boot, mode: "worker" }
}

/** An owner's end of a run that went through. */
const SUCCESS = endRun({ kind: "completed", status: "success", errors: [] })

/** What an owner measured (nothing: these runs execute no sync). */
const FIGURES = {
  requests: 0,
  retries: 0,
  phase_timings: {},
  progress: { phase: "done", pages_fetched: 0, pages_total: 0, products_written: 0, products_planned: 0 },
}

/**
 * The run life cycle's conditional transitions against the real database, through the module service: whatever
 * the interleaving, one run runs at a time, one process owns it, and a process that lost it changes nothing.
 */
pluginSuite(
  {
    // Batches of 10 products: a sync has many batch boundaries.
    options: (standIn) => ({ sourceUrl: standIn.url, schedule: false, batchSize: 10 }),
    resetAfterEach: false,
  },
  (suite) => {
    const { api, auth, getContainer } = suite
    let container: MedusaContainer
    let service: CatalogSyncModuleService

    beforeAll(async () => {
      container = getContainer()
      service = container.resolve<CatalogSyncModuleService>("catalogSync")
    })

    afterEach(() => {
      suite.standIn.setFaults({})
    })

    async function productCount(): Promise<number> {
      const [, count] = await container.resolve(Modules.PRODUCT).listAndCountProducts({}, { take: 1 })
      return count
    }

    function begin(id: string, by: RunOwner | null) {
      return service.beginRun({ id, trigger: "manual", productIds: null, owner: by })
    }

    it("records one run of many begun at once: the database refuses the others", async () => {
      const ids = ["csrun_a", "csrun_b", "csrun_c", "csrun_d"]
      const begun = await Promise.all(ids.map((id) => begin(id, owner(id))))
      const winners = begun.filter((run) => run !== null)
      expect(winners).toHaveLength(1)
      expect(winners[0]).toMatchObject({ status: "running", owner: owner(winners[0]!.id) })
      const running = await service.listRunningRuns()
      expect(running.map((run) => run.id)).toEqual([winners[0]!.id])
      expect(await service.listSyncRuns({ id: ids })).toHaveLength(1)

      // Once it ended, the next one begins.
      expect(await service.endRun(winners[0]!.id, winners[0]!.id, SUCCESS, FIGURES)).toBe(true)
      expect(await begin("csrun_e", owner("e"))).toMatchObject({ id: "csrun_e", status: "running" })
    })

    it("refuses every write of an owner whose run was taken over, and the takeover of an owner that proved alive", async () => {
      const run = await begin("csrun_owned", owner("a"))
      expect(run).not.toBeNull()
      expect(await service.heartbeat("csrun_owned", "a")).toBe(true)
      expect(await service.heartbeat("csrun_owned", "b")).toBe(false)
      const [seen] = (await service.readRunningRuns()).runs
      expect(seen).toMatchObject({ id: "csrun_owned", owner: owner("a") })

      // The owner heartbeats after another process observed it: that observation no longer takes the run.
      await new Promise((resolve) => setTimeout(resolve, 5))
      expect(await service.heartbeat("csrun_owned", "a")).toBe(true)
      const interrupt = endRun({ kind: "interrupted", owner: owner("a"), reason: { kind: "leaseExpired", silentMs: 25_000 } })
      expect(await service.interruptRun(seen, interrupt)).toBe(false)

      // A fresh observation takes it.
      const [fresh] = (await service.readRunningRuns()).runs
      expect(await service.interruptRun(fresh, interrupt)).toBe(true)
      const interrupted = await service.findRun("csrun_owned")
      expect(interrupted).toMatchObject({ status: "interrupted", error_message: interrupt.errorMessage })
      expect(interrupted?.finished_at).not.toBeNull()

      // The former owner wakes up: its heartbeat, progress and end are refused, and the record stays as it is.
      expect(await service.heartbeat("csrun_owned", "a", { ...FIGURES.progress, phase: "write" })).toBe(false)
      expect(await service.endRun("csrun_owned", "a", SUCCESS, FIGURES)).toBe(false)
      expect(await service.findRun("csrun_owned")).toEqual(interrupted)
      expect(await service.interruptRun(fresh, interrupt)).toBe(false)
    })

    it("lets one worker claim a run handed to the workers, once", async () => {
      expect(await begin("csrun_handed", null)).toMatchObject({ owner: null, status: "running" })
      const claims = await Promise.all(["w1", "w2", "w3"].map((boot) => service.claimRun("csrun_handed", owner(boot))))
      const taken = claims.filter((run) => run !== null)
      expect(taken).toHaveLength(1)
      const boot = taken[0]!.owner!.boot
      expect(await service.claimRun("csrun_handed", owner("w4"))).toBeNull()
      expect(await service.heartbeat("csrun_handed", boot)).toBe(true)
      expect(await service.endRun("csrun_handed", boot, SUCCESS, FIGURES)).toBe(true)
      expect(await service.claimRun("csrun_handed", owner("w5"))).toBeNull()
    })

    it("starts the queued run once, and not while another run is running", async () => {
      expect(await service.queueRun("csrun_q1", [3, 1])).toBe(true)
      expect(await service.queueRun("csrun_q2", [9])).toBe(false)
      expect(await begin("csrun_other", owner("o"))).not.toBeNull()
      expect(await service.startQueuedRun("csrun_q1", owner("x"))).toBeNull()
      expect((await service.findRun("csrun_q1"))?.status).toBe("queued")
      await service.endRun("csrun_other", "o", SUCCESS, FIGURES)
      const starts = await Promise.all(["x", "y"].map((boot) => service.startQueuedRun("csrun_q1", owner(boot))))
      expect(starts.filter((run) => run !== null)).toHaveLength(1)
      expect(await service.findRun("csrun_q1")).toMatchObject({ status: "running", product_ids: { ids: [3, 1] } })
    })

    it("never loses ids of webhook calls racing to join the queued run", async () => {
      // A live run holds the one running place while the calls race, so the run keeper (a job every 10 s in this
      // server) cannot start the queued run in the middle of them; the runs earlier tests left running end first
      // (cancelled: an interrupted webhook run would be queued again by the keeper).
      for (const run of (await service.readRunningRuns()).runs) {
        await service.updateSyncRuns({ id: run.id, status: "cancelled" })
      }
      expect(await begin("csrun_holder", owner("holder"))).not.toBeNull()
      const calls = Array.from({ length: 12 }, (_, i) => [i + 1, 100 + (i % 3)])
      const queuedIds = await Promise.all(calls.map((ids) => enqueueProductIds(container, ids)))
      expect(new Set(queuedIds).size).toBe(1)
      const queued = await service.findQueuedRun()
      expect(queued?.id).toBe(queuedIds[0])
      expect(queued?.product_ids?.ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 100, 101, 102])
      // A merge from a stale read is refused: the caller reads again.
      expect(await service.setQueuedIds(queued!.id, [1], [1, 500])).toBe(false)
      // Neither the holder nor the queued run is left for the next tests to meet.
      expect(await service.endRun("csrun_holder", "holder", SUCCESS, FIGURES)).toBe(true)
      await service.updateSyncRuns({ id: queued!.id, status: "cancelled" })
    })

    it("notes once that an interrupted webhook run's ids were queued again", async () => {
      await service.createSyncRuns({
        id: "csrun_hook",
        trigger: "webhook",
        status: "interrupted",
        started_at: new Date(),
        product_ids: { ids: [5] },
      })
      const marks = await Promise.all(["csrun_x", "csrun_y"].map((queued) => service.markRequeued("csrun_hook", queued)))
      expect(marks.filter(Boolean)).toHaveLength(1)
      expect(await service.listInterruptedWebhookRuns()).toEqual([])
    })

    it("takes over a run whose lease ran out, by the database's clock, and leaves a live one", async () => {
      const { leaseMs } = leaseFigures()
      await begin("csrun_live", owner("alive"))
      expect(await takeOverDeadRuns(container)).toEqual([])
      await service.updateSyncRuns({ id: "csrun_live", heartbeat_at: new Date(Date.now() - leaseMs - 1_000) })
      expect(await takeOverDeadRuns(container)).toEqual(["csrun_live"])
      const run = await service.findRun("csrun_live")
      expect(run?.status).toBe("interrupted")
      expect(run?.error_message).toMatch(/^interrupted: its process \(worker pid 1 on shared-hostname\) gave no sign of life for 2\d s \(lease 20 s\)/)
      // A run handed to the workers that none took within the lease.
      await begin("csrun_unclaimed", null)
      await service.updateSyncRuns({ id: "csrun_unclaimed", heartbeat_at: new Date(Date.now() - leaseMs) })
      expect(await takeOverDeadRuns(container)).toEqual(["csrun_unclaimed"])
      expect((await service.findRun("csrun_unclaimed"))?.error_message).toMatch(/^interrupted: no worker took the run/)
    })

    it("stops a sync taken over at its next batch boundary; its process never writes the run record again", async () => {
      // Slow source answers (images among them): the run is still writing when it is taken over.
      suite.standIn.setFaults({ slowMs: 20 })
      const runId = await triggerSync(api, auth)
      let atTakeover = 0
      for (let i = 0; i < 1200 && atTakeover === 0; i += 1) {
        atTakeover = await productCount()
        if (atTakeover === 0) await new Promise((resolve) => setTimeout(resolve, 25))
      }
      expect(atTakeover).toBeGreaterThan(0)
      // Another process judged the owner dead (as if it had been paused for longer than the lease) and takes over.
      const [seen] = (await service.readRunningRuns()).runs
      expect(seen.id).toBe(runId)
      const end = endRun({ kind: "interrupted", owner: seen.owner, reason: { kind: "leaseExpired", silentMs: 21_000 } })
      expect(await service.interruptRun(seen, end)).toBe(true)
      const interrupted = await service.findRun(runId)

      // The owner notices at its next boundary: the writes stop (batches that passed their boundary before the
      // takeover may land: two in flight, two more while the count was read), and it leaves the record as the
      // takeover wrote it.
      let count = await productCount()
      for (let stable = 0; stable < 12; ) {
        await new Promise((resolve) => setTimeout(resolve, 250))
        const now = await productCount()
        stable = now === count ? stable + 1 : 0
        count = now
      }
      expect(count).toBeLessThan(194)
      expect(count).toBeLessThanOrEqual(atTakeover + 4 * 10)
      expect(await service.findRun(runId)).toEqual(interrupted)
      expect(interrupted).toMatchObject({ status: "interrupted", error_message: end.errorMessage })

      // The next run completes the catalog.
      suite.standIn.setFaults({})
      const next = await syncNow(api, auth)
      expect(next).toMatchObject({ status: "success", fetched: 194 })
      expect(await productCount()).toBe(194)
    })
  }
)
