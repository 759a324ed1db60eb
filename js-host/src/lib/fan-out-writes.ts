import type { MedusaContainer } from "@medusajs/framework/types"
import { setTimeout as sleep } from "node:timers/promises"
import { checkRunDeadline, fanOutState, writeSite } from "catalog-sync-core"
import type { BatchResult, NextLook, PublishedBatch, RunDeadline, RunTimeout, WriteBatch } from "catalog-sync-core"
import {
  publishRows,
  readPublished,
  readResults,
  removeOtherRuns,
  withdrawUnclaimed,
} from "../modules/catalog-sync/batch-records"
import { CATALOG_SYNC_MODULE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import { BATCH_SLOTS, heldPositions } from "./batch-taker"
import { mapWithConcurrency } from "./concurrency"
import { thisBoot, workerModeOf } from "./process-identity"
import { announceBatches } from "./run-dispatch"
import { RunLostError } from "./run-tracker"
import type { RunTracker } from "./run-tracker"
import { writeBatch } from "./write-batch"

/** How often the owner looks at the published batches while the workers write them. */
const FAN_OUT_POLL_MS = 200

/** A batch of the run's plan: its position and its JSON text (parsed only when it is written). */
export interface PlannedBatch {
  position: number
  text: string
}

/**
 * The run whose batches are written: its id, its tracker (checkpoints, progress), its deadline, and the phase the
 * batches belong to — `write` (product batches: their results are the run's results so far and its progress counts
 * their products) or `stock` (the stock step's batches: their results go to the stock step only).
 */
export interface WritingRun {
  runId: string
  tracker: RunTracker
  deadline: RunDeadline
  phase: "write" | "stock"
}

/** What the batches of one kind did: the results of those written, and the deadline if the run reached it. */
export interface KindWritten {
  results: BatchResult[]
  timedOut: RunTimeout | null
}

/**
 * Writes the batches of one kind (they touch disjoint products or stock levels; each batch's text names its kind:
 * product batches, or the stock step's) and returns their results, where the core's `writeSite` says: in this
 * process ({@link writeHere}, a `shared` instance) or by every worker ({@link writeByWorkers}, a `worker`
 * instance). Either way, no batch starts past the run's deadline, a run taken over or stopped by an operator stops
 * at a batch boundary (the tracker's checkpoint throws), and, for product batches, the run's progress counts the
 * products written. A batch's position is its row's key among all the run's published batches: the stock step's
 * come after the plan's. No batch (a run with no level to write): nothing to do.
 */
export async function writeBatchesOfOneKind(
  container: MedusaContainer,
  run: WritingRun,
  batches: PlannedBatch[]
): Promise<KindWritten> {
  if (!batches.length) {
    return { results: [], timedOut: null }
  }
  const site = writeSite(workerModeOf(container))
  return site === "workers" ? writeByWorkers(container, run, batches) : writeHere(container, run, batches)
}

/** Adds the written results of product batches to the run's tracker (its results and its progress). */
function noteResults(run: WritingRun, results: BatchResult[]): void {
  const { tracker } = run
  if (run.phase !== "write") {
    return
  }
  tracker.results.push(...results)
  const written = results.reduce((sum, result) => sum + result.written, 0)
  tracker.updateProgress({ products_written: tracker.progress.products_written + written })
}

/**
 * Writes the batches in this process, {@link BATCH_SLOTS} at a time: before each, the deadline check and a
 * checkpoint.
 */
async function writeHere(container: MedusaContainer, run: WritingRun, batches: PlannedBatch[]): Promise<KindWritten> {
  let timedOut: RunTimeout | null = null
  const results = await mapWithConcurrency(batches, BATCH_SLOTS, async ({ text }) => {
    timedOut ??= checkRunDeadline({ deadline: run.deadline, nowMs: Date.now(), phase: run.phase })
    if (timedOut) {
      return null
    }
    await run.tracker.checkpoint()
    const result = await writeBatch(container, JSON.parse(text) as WriteBatch, run.runId)
    noteResults(run, [result])
    return result
  })
  return { results: results.filter((result): result is BatchResult => result !== null), timedOut }
}

/**
 * Publishes the batches to the workers (one row each with its text, one event each) and waits until every result is
 * recorded, looking every {@link FAN_OUT_POLL_MS}: each look is a checkpoint of the run, the progress counts the
 * results recorded (product batches), and the batches the core's `fanOutState` names (a dead claimer's, once; unclaimed
 * ones when nothing moved for a lease) are announced again. A look reads the rows the core's `nextLook` says: every
 * row of the kind, or only those changed since shortly before the last look, merged into what the owner read before
 * (the core completes the fan-out and publishes again only on a look that read every row). A run taken over throws
 * at once (after withdrawing the batches nobody claimed: nothing more is written for it). Past the deadline, or on an
 * operator's stop request, the batches nobody claimed are withdrawn and the fan-out closes: the batches live workers
 * write are still waited for, so every batch written is counted, then the step returns the timeout, or throws the
 * stop. The results come back in position order.
 */
async function writeByWorkers(container: MedusaContainer, run: WritingRun, batches: PlannedBatch[]): Promise<KindWritten> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const { runId, tracker } = run
  const positions = batches.map((batch) => batch.position)
  const textAt = new Map(batches.map(({ position, text }) => [position, text]))
  let timedOut = checkRunDeadline({ deadline: run.deadline, nowMs: Date.now(), phase: run.phase })
  if (timedOut) {
    return { results: [], timedOut }
  }
  await tracker.checkpoint()
  const withdraw = () => service.withBatchRows((manager) => withdrawUnclaimed(manager, runId))
  await service.withBatchRows(async (manager) => {
    await removeOtherRuns(manager, runId)
    await publishRows(manager, runId, batches)
  })
  await announceBatches(container, runId, positions)
  const writtenBefore = tracker.progress.products_written
  /** Why the run stops (an operator's request), thrown once the batches live workers write are recorded. */
  let stopped: unknown = null
  /** The rows as the owner last read each one, by position. */
  const view = new Map<number, PublishedBatch>()
  let look: NextLook = { kind: "every" }
  let lastFullLookMs = 0
  for (;;) {
    if (stopped === null && !timedOut) {
      try {
        await tracker.checkpoint()
      } catch (stop) {
        await withdraw()
        if (stop instanceof RunLostError) {
          throw stop
        }
        stopped = stop
      }
    }
    if (stopped === null && !timedOut) {
      timedOut = checkRunDeadline({ deadline: run.deadline, nowMs: Date.now(), phase: run.phase })
      if (timedOut) {
        await withdraw()
      }
    }
    const since = look.kind === "every" ? null : look.sinceMs
    const seen = await service.withBatchRows((manager) => readPublished(manager, runId, positions, since))
    if (since === null) {
      view.clear()
      lastFullLookMs = seen.nowMs
    }
    seen.batches.forEach((batch) => view.set(batch.position, batch))
    const state = fanOutState({
      batches: [...view.values()],
      fullLook: since === null,
      lastFullLookMs,
      nowMs: seen.nowMs,
      thisBoot: thisBoot(),
      heldHere: heldPositions(runId),
      closing: stopped !== null || timedOut !== null,
    })
    if (run.phase === "write") {
      tracker.updateProgress({ products_written: writtenBefore + state.written })
    }
    if (state.complete) {
      break
    }
    if (state.republish.length) {
      await service.withBatchRows((manager) =>
        publishRows(manager, runId, state.republish.map((position) => ({ position, text: textAt.get(position) ?? null })))
      )
      await announceBatches(container, runId, state.republish)
    }
    look = state.nextLook
    await sleep(FAN_OUT_POLL_MS)
  }
  const results = await service.withBatchRows((manager) => readResults(manager, runId, positions))
  if (run.phase === "write") {
    tracker.results.push(...results)
  }
  if (stopped !== null) {
    throw stopped
  }
  return { results, timedOut }
}
