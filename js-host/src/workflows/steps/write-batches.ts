import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { BatchResult, BatchSummary, WriteBatch } from "catalog-sync-core"
import { mapWithConcurrency } from "../../lib/concurrency"
import { trackerFor } from "../../lib/run-tracker"
import { writeBatch } from "../../lib/write-batch"
import type { PlannedSync } from "./plan-sync"

/**
 * Batches of one kind written at the same time (they touch disjoint products). Two overlap one
 * batch's database round trips with the other's work in Node; more only add memory and contention
 * (measured: four in flight made the 194-product cold sync 0.3 s slower than one or two).
 */
const WRITES_IN_FLIGHT = 2

/** Positions of the plan's batches in runs of the same kind, keeping the plan's order between kinds. */
function runsOfOneKind(batches: BatchSummary[]): number[][] {
  const runs: number[][] = []
  batches.forEach((batch, position) => {
    const last = runs[runs.length - 1]
    if (last && batches[last[0]].kind === batch.kind) {
      last.push(position)
    } else {
      runs.push([position])
    }
  })
  return runs
}

/** Input of the write step. */
export interface WriteBatchesInput {
  runId: string
  plan: PlannedSync
}

/**
 * Writes the plan's batches through Medusa's product workflows, kinds in the plan's order (creates,
 * updates, completions, archives, deletes); batches of one kind touch disjoint products, so
 * {@link WRITES_IN_FLIGHT} of them run at a time. A refused batch is bisected down to the refused
 * products, which are recorded; the rest land (each result carries the errors of its refused
 * products). Each batch's JSON text is parsed only when its turn comes. Progress (products written of planned) is stored on the run as batches land.
 * Before each batch, a checkpoint confirms that this process still owns the run: a run another process took
 * over stops here (`RunLostError`).
 */
export const writeBatchesStep = createStep(
  "catalog-sync-write-batches",
  async (input: WriteBatchesInput, { container }): Promise<StepResponse<BatchResult[]>> => {
    const tracker = trackerFor(input.runId)
    const results = await tracker.phase("write", async () => {
      const done: BatchResult[] = []
      for (const run of runsOfOneKind(input.plan.summary.batches)) {
        done.push(
          ...(await mapWithConcurrency(run, WRITES_IN_FLIGHT, async (position) => {
            await tracker.checkpoint()
            const batch = JSON.parse(input.plan.batches[position]) as WriteBatch
            const result = await writeBatch(container, batch, input.runId)
            tracker.updateProgress({ products_written: tracker.progress.products_written + result.written })
            return result
          }))
        )
      }
      return done
    })
    return new StepResponse(results)
  }
)
