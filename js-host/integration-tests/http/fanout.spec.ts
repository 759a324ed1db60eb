import type { MedusaContainer } from "@medusajs/framework/types"
import { batchTake, endRun, fanOutState, leaseFigures } from "catalog-sync-core"
import type { BatchResult, RunOwner } from "catalog-sync-core"
import {
  beatClaims,
  claimRow,
  publishRows,
  readBatchRow,
  readPublished,
  readResults,
  recordResult,
  releaseClaim,
  removeOtherRuns,
  withdrawUnclaimed,
} from "../../src/modules/catalog-sync/batch-records"
import type CatalogSyncModuleService from "../../src/modules/catalog-sync/service"
import { BATCH_SLOTS, releaseSlot, reserveSlot } from "../../src/lib/batch-taker"
import { pluginSuite } from "../helpers/suite"

jest.setTimeout(120_000)

/** A worker process (one host name and pid for all: only the boot tells them apart). */
function worker(boot: string): RunOwner {
  return { host: "shared-hostname", pid: 1, boot, mode: "worker" }
}

/** A batch's result as a worker records it. */
function result(index: number, written: number): BatchResult {
  return { kind: "create", index, written, failedSourceIds: [], errors: [] }
}

/**
 * The published batches of a run against the real database (`batch-records.ts`, through the module service) with the
 * core's decisions: one claim wins, a dead claim is taken over only as it was read, a result is recorded once, and a
 * stopping run withdraws what nobody claimed.
 */
pluginSuite(
  { options: (standIn) => ({ sourceUrl: standIn.url, schedule: false }), resetAfterEach: false },
  ({ getContainer }) => {
    let container: MedusaContainer
    let service: CatalogSyncModuleService

    beforeAll(async () => {
      container = getContainer()
      service = container.resolve<CatalogSyncModuleService>("catalogSync")
    })

    it("claims a published batch once, takes over a claim only as read and once dead, records its result once", async () => {
      const run = await service.beginRun({ id: "csrun_fan", trigger: "manual", productIds: null, owner: worker("owner") })
      expect(run).not.toBeNull()
      await service.withBatchRows((manager) =>
        publishRows(manager, "csrun_fan", [0, 1, 2].map((position) => ({ position, text: `{"batch":${position}}` })))
      )

      const claims = await Promise.all(
        ["w1", "w2", "w3"].map((boot) => service.withBatchRows((manager) => claimRow(manager, "csrun_fan", 0, worker(boot), null)))
      )
      expect(claims.filter(Boolean)).toHaveLength(1)
      const row = await service.withBatchRows((manager) => readBatchRow(manager, "csrun_fan", 0))
      expect(row).toMatchObject({ batch: '{"batch":0}', recorded: false, runWriting: true })
      const winner = row!.claim!
      expect(["w1", "w2", "w3"]).toContain(winner.claimer.boot)

      // Another worker leaves a live claim alone, and takes it once its lease ran out — on condition it is unchanged.
      const ask = (nowMs: number) =>
        batchTake({ published: true, recorded: false, runWriting: true, claim: winner, nowMs, thisBoot: "w4", heldHere: false })
      expect(ask(row!.nowMs)).toEqual({ kind: "skip", reason: "claimedLive" })
      const verdict = ask(winner.heartbeatAtMs + leaseFigures().leaseMs)
      expect(verdict).toEqual({ kind: "take", observed: winner })
      await new Promise((resolve) => setTimeout(resolve, 5))
      await service.withBatchRows((manager) => beatClaims(manager, "csrun_fan", [0], winner.claimer.boot))
      const observed = verdict.kind === "take" ? verdict.observed : null
      expect(await service.withBatchRows((manager) => claimRow(manager, "csrun_fan", 0, worker("w4"), observed))).toBe(false)
      const renewed = (await service.withBatchRows((manager) => readBatchRow(manager, "csrun_fan", 0)))!.claim
      expect(renewed!.heartbeatAtMs).toBeGreaterThan(winner.heartbeatAtMs)
      expect(await service.withBatchRows((manager) => claimRow(manager, "csrun_fan", 0, worker("w4"), renewed))).toBe(true)
      expect((await service.withBatchRows((manager) => readBatchRow(manager, "csrun_fan", 0)))!.claim!.claimer.boot).toBe("w4")

      // The first result of a position counts; the batch's text goes with it.
      const recorded = await Promise.all([
        service.withBatchRows((manager) => recordResult(manager, "csrun_fan", 0, result(0, 10), worker("w4"))),
        service.withBatchRows((manager) => recordResult(manager, "csrun_fan", 0, result(0, 0), worker(winner.claimer.boot))),
      ])
      expect(recorded.filter(Boolean)).toHaveLength(1)
      expect(await service.withBatchRows((manager) => readBatchRow(manager, "csrun_fan", 0))).toMatchObject({ batch: null, recorded: true })
      expect(await service.withBatchRows((manager) => claimRow(manager, "csrun_fan", 0, worker("w5"), null))).toBe(false)

      // What the owner sees: one of three recorded, nothing to publish again yet.
      const seen = await service.withBatchRows((manager) => readPublished(manager, "csrun_fan", [0, 1, 2], null))
      const state = fanOutState({
        batches: seen.batches,
        fullLook: true,
        lastFullLookMs: seen.nowMs,
        nowMs: seen.nowMs,
        thisBoot: "owner",
        heldHere: [],
        closing: false,
      })
      expect(state).toMatchObject({ complete: false, recorded: 1, written: recorded[0] ? 10 : 0, republish: [] })
      expect(state.nextLook).toEqual({ kind: "changedSince", sinceMs: seen.nowMs - 1000 })

      // A look at the rows changed since a time reads only those: none since this look, then the one claimed after.
      const later = seen.nowMs + 1
      await new Promise((resolve) => setTimeout(resolve, 5))
      expect(await service.withBatchRows((manager) => readPublished(manager, "csrun_fan", [0, 1, 2], later))).toMatchObject({
        batches: [],
      })
      expect(await service.withBatchRows((manager) => claimRow(manager, "csrun_fan", 2, worker("w2"), null))).toBe(true)
      const changed = await service.withBatchRows((manager) => readPublished(manager, "csrun_fan", [0, 1, 2], later))
      expect(changed.batches.map((batch) => [batch.position, batch.claim?.claimer.boot])).toEqual([[2, "w2"]])
      expect(changed.nowMs).toBeGreaterThan(later)
      await service.withBatchRows((manager) => releaseClaim(manager, "csrun_fan", 2, "w2"))

      // Position 1 claimed, position 2 not; the run stops: position 2 is withdrawn, position 1 awaited.
      expect(await service.withBatchRows((manager) => claimRow(manager, "csrun_fan", 1, worker("w1"), null))).toBe(true)
      await service.withBatchRows((manager) => withdrawUnclaimed(manager, "csrun_fan"))
      expect(await service.withBatchRows((manager) => readBatchRow(manager, "csrun_fan", 2))).toBeNull()
      await service.withBatchRows((manager) => recordResult(manager, "csrun_fan", 1, result(1, 7), worker("w1")))
      const results = await service.withBatchRows((manager) => readResults(manager, "csrun_fan", [0, 1, 2]))
      expect(results.map((r) => r.index)).toEqual([0, 1])

      // Once the run ended, nobody claims its batches.
      await service.withBatchRows((manager) => publishRows(manager, "csrun_fan", [{ position: 3, text: "{}" }]))
      await service.endRun("csrun_fan", "owner", endRun({ kind: "completed", status: "success", errors: [] }), {
        requests: 0,
        retries: 0,
        phase_timings: {},
        progress: { phase: "done", pages_fetched: 0, pages_total: 0, products_written: 0, products_planned: 0 },
      })
      expect(await service.withBatchRows((manager) => readBatchRow(manager, "csrun_fan", 3))).toMatchObject({ runWriting: false })
      expect(await service.withBatchRows((manager) => claimRow(manager, "csrun_fan", 3, worker("w1"), null))).toBe(false)

      // The next run's first publication removes the rows of the runs before it.
      await service.withBatchRows((manager) => removeOtherRuns(manager, "csrun_next"))
      expect(await service.withBatchRows((manager) => readPublished(manager, "csrun_fan", [0, 1, 3], null))).toMatchObject({
        batches: [],
      })
    })

    it("reserves a write slot in the turn that finds it free: events arriving together never take more than there are", async () => {
      const taken: number[] = []
      const takers = Array.from({ length: BATCH_SLOTS + 2 }, (_, i) => reserveSlot().then(() => taken.push(i)))
      await new Promise((resolve) => setImmediate(resolve))
      expect(taken).toEqual(Array.from({ length: BATCH_SLOTS }, (_, i) => i))
      releaseSlot()
      await new Promise((resolve) => setImmediate(resolve))
      expect(taken).toHaveLength(BATCH_SLOTS + 1)
      releaseSlot()
      await Promise.all(takers)
      expect(taken).toHaveLength(BATCH_SLOTS + 2)
      for (let i = 0; i < BATCH_SLOTS; i += 1) {
        releaseSlot()
      }
    })
  }
)
