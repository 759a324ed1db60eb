import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { summarizeRun } from "catalog-sync-core"
import type { RunReport } from "catalog-sync-core"
import type { CopiedImages } from "../../lib/copy-images"
import { trackerFor } from "../../lib/run-tracker"
import type { PlannedSync } from "./plan-sync"
import type { SyncedStock } from "./sync-stock"
import type { WrittenBatches } from "./write-batches"

/** Input of the summary step. */
export interface SummarizeRunInput {
  runId: string
  plan: PlannedSync
  written: WrittenBatches
  /** The stock step's plan and results (a run applying held removals has none). */
  stock?: SyncedStock
  /** The image copy (a run applying held removals has none). */
  images?: CopiedImages
}

/**
 * The run's outcome: the core's `summarizeRun` turns the plan's summary, the product and stock batch results,
 * the stock plan and the fetch and image figures into the status (`success` / `partial` / `failed`), the counts,
 * the errors and the removals the guard held back; a run that stopped at its deadline is `partial` (some
 * products written) or `failed`, with the core's `RUN_TIMEOUT` error. The workflow's result; the run's owner
 * records it (`run-executor.ts`), as a write guarded by
 * its ownership, tried again when it fails. Writes nothing.
 */
export const summarizeRunStep = createStep(
  "catalog-sync-summarize-run",
  async (input: SummarizeRunInput): Promise<StepResponse<RunReport>> => {
    const tracker = trackerFor(input.runId)
    const report = summarizeRun({
      plan: input.plan.summary,
      results: [...input.written.results, ...(input.stock?.results ?? [])],
      fetch: tracker.fetch,
      stock: input.stock?.plan ?? undefined,
      images: input.images?.stats,
      timedOut: input.written.timedOut ?? input.stock?.timedOut ?? undefined,
    })
    tracker.updateProgress({ phase: "done" })
    return new StepResponse(report)
  }
)
