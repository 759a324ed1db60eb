import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { checkRunDeadline } from "catalog-sync-core"
import type { BatchResult, BatchSummary, PlanWindow, RunTimeout } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../modules/catalog-sync/service"
import { writeBatchesOfOneKind } from "../../lib/fan-out-writes"
import { borrow } from "../../lib/run-core"
import { trackerFor } from "../../lib/run-tracker"
import type { PlannedSync } from "./plan-sync"

/** Positions of the plan's batches in runs of the same kind, keeping the plan's order between kinds. */
function runsOfOneKind(batches: BatchSummary[], positions: number[]): number[][] {
  const runs: number[][] = []
  for (const position of positions) {
    const last = runs[runs.length - 1]
    if (last && batches[last[0]].kind === batches[position].kind) {
      last.push(position)
    } else {
      runs.push([position])
    }
  }
  return runs
}

/** The windows the write step goes through: the planner's; a plan made in one call is one window of every batch. */
function windowsOf(plan: PlannedSync): PlanWindow[] {
  return plan.batches === null
    ? plan.summary.windows ?? []
    : [{ bodies: [], firstBatch: 0, batchCount: plan.summary.batches.length }]
}

/**
 * The batches of one window as JSON text, by position in the plan: a sync's planner makes them now from the
 * window's bodies, kept for the run (they replace the previous window's, inside WebAssembly); a plan made in one
 * call already has them.
 */
function windowBatches(runId: string, plan: PlannedSync, window: PlanWindow, index: number): Map<number, string> {
  const positions = Array.from({ length: window.batchCount }, (_, i) => window.firstBatch + i)
  const texts = plan.batches
  if (texts !== null) {
    return new Map(positions.map((position) => [position, texts[position]]))
  }
  const planner = borrow(runId, "planner")
  planner.planWindow(index, borrow(runId, "bodies").windowBodies(window, index))
  return new Map(positions.map((position) => [position, planner.batchJson(position)]))
}

/** Input of the write step. */
export interface WriteBatchesInput {
  runId: string
  plan: PlannedSync
}

/** What the write step did: the results of the batches it wrote, and the deadline if it stopped there. */
export interface WrittenBatches {
  results: BatchResult[]
  /** The run's deadline passed at a batch boundary: the batches after it were not written. */
  timedOut: RunTimeout | null
}

/**
 * Writes the plan's batches through Medusa's product workflows, window by window in the plan's order, and in each
 * window kinds in the plan's order (creates, updates, completions, then archives and deletes in a last window).
 * Batches of one kind touch disjoint products, so they are written side by side (`writeBatchesOfOneKind`): two at a
 * time in a `shared` instance, or spread across the workers when the run executes in a `worker` (published through
 * the event bus; each worker, the owner included, writes two at a time). The batches of a
 * window are made when the step reaches it (the run's planner, from the window's bodies) and dropped once written,
 * so what the step holds is one window, never the catalog's batches. A refused batch is bisected down to the
 * refused products, which are recorded; the rest land (each result carries the errors of its refused
 * products). Each batch's JSON text is parsed only when its turn comes. Progress (products written of planned) is
 * stored on the run as batches land.
 * Before each batch (or each look at the published batches) the core says whether the run is past its deadline
 * (`checkRunDeadline`): then no
 * further batch starts, and the step returns what was written with the timeout. Otherwise a checkpoint
 * confirms that this process still owns the run: a run another process took over stops here
 * (`RunLostError`).
 *
 * Forward-only, with no compensation on purpose: each batch is a Medusa workflow that compensates its own steps
 * when Medusa refuses it, so a refused batch leaves nothing half-written; a batch that landed is in line with the
 * source and recorded in the sync ledger, and undoing it because a later batch failed would delete products orders
 * may already point at. Idempotent: the next run's plan finds the landed products unchanged and writes none of
 * them again (and the ledger's `creating` claims make a repeated create impossible).
 */
export const writeBatchesStep = createStep(
  "catalog-sync-write-batches",
  async (input: WriteBatchesInput, { container }): Promise<StepResponse<WrittenBatches>> => {
    const { runTimeoutMs } = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE).getSyncOptions()
    const tracker = trackerFor(input.runId)
    const written = await tracker.phase("write", async (): Promise<WrittenBatches> => {
      const done: BatchResult[] = []
      let timedOut: RunTimeout | null = null
      const deadline = tracker.deadline(runTimeoutMs)
      const outlines = input.plan.summary.batches
      for (const [index, window] of windowsOf(input.plan).entries()) {
        timedOut ??= checkRunDeadline({ deadline, nowMs: Date.now(), phase: "write" })
        if (timedOut) {
          break
        }
        const texts = windowBatches(input.runId, input.plan, window, index)
        for (const run of runsOfOneKind(outlines, [...texts.keys()])) {
          const batches = run.map((position) => ({ position, text: texts.get(position) as string }))
          run.forEach((position) => texts.delete(position))
          const written = await writeBatchesOfOneKind(
            container,
            { runId: input.runId, tracker, deadline, phase: "write" },
            batches
          )
          done.push(...written.results)
          timedOut = written.timedOut
          if (timedOut) {
            break
          }
        }
      }
      return { results: done, timedOut }
    })
    return new StepResponse(written)
  }
)
