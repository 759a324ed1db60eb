import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { setTimeout as sleep } from "node:timers/promises"
import { endRun, finalWriteRetryDelay, leaseFigures, summarizeRun } from "catalog-sync-core"
import type { RunEnding, RunOwner, RunReport } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import type { PreviewFigures, SyncRunRecord } from "../modules/catalog-sync/types"
import { applyRemovalsWorkflow } from "../workflows/apply-removals"
import { previewCatalogWorkflow } from "../workflows/preview-catalog"
import type { PreviewReport } from "../workflows/preview-catalog"
import { syncCatalogWorkflow } from "../workflows/sync-catalog"
import { notifyRunEnd } from "./notify-run-end"
import { thisProcess } from "./process-identity"
import { releaseRun } from "./run-core"
import { RunTracker, registerTracker, unregisterTracker } from "./run-tracker"

/**
 * Executes a run in this process once `take` recorded this process as its owner (a new run, the queued run
 * starting, or a worker claiming a run a server handed over). The tracker is registered before `take`, so this
 * process never judges its own new run abandoned. The run's workflow ({@link runWorkflow}) then runs in the
 * background, with a heartbeat; when it ends, its end is recorded (unless the run was taken over) and `afterEnd`
 * runs.
 *
 * @returns whether `take` applied (`false`: the run is someone else's, or not in the state `take` needs)
 */
export async function executeHere(
  container: MedusaContainer,
  runId: string,
  take: (owner: RunOwner) => Promise<SyncRunRecord | null>,
  afterEnd: () => Promise<unknown>
): Promise<boolean> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const owner = thisProcess(container)
  const tracker = new RunTracker(runId, owner, service, (error) =>
    logger.warn(`catalog-sync: could not save the progress of run ${runId}: ${error.message}`)
  )
  registerTracker(tracker)
  let run: SyncRunRecord | null
  try {
    run = await take(owner)
  } catch (error) {
    unregisterTracker(runId)
    throw error
  }
  if (!run) {
    unregisterTracker(runId)
    return false
  }
  tracker.startedAt = new Date(run.started_at)
  void runInBackground(container, tracker, run).finally(() =>
    afterEnd().catch((error: Error) =>
      logger.warn(`catalog-sync: could not start the queued webhook run after run ${runId}: ${error.message}`)
    )
  )
  return true
}

/** What a run's workflow answers: its report (a preview's with its fingerprints and change counts). */
type WorkflowOutcome = { result: RunReport | PreviewReport; errors: { error?: { message?: string } }[] }

/**
 * The workflow of a run, by its record: the catalog sync (full, or targeted to its product ids; for an
 * `apply_preview` run, checked against its preview first), a preview (fetch and plan, nothing written to the
 * catalog), or — for an `apply_removals` run — applying the removals its held run (`removals_of`) recorded.
 */
async function runWorkflow(container: MedusaContainer, run: SyncRunRecord): Promise<WorkflowOutcome> {
  if (run.trigger === "preview") {
    return previewCatalogWorkflow(container).run({
      input: { runId: run.id, productIds: null },
      throwOnError: false,
    })
  }
  if (run.trigger === "apply_removals") {
    const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
    const heldRun = run.removals_of ? await service.findRun(run.removals_of) : null
    return applyRemovalsWorkflow(container).run({
      input: { runId: run.id, held: heldRun?.held_removals ?? [] },
      throwOnError: false,
    })
  }
  return syncCatalogWorkflow(container).run({
    input: { runId: run.id, productIds: run.product_ids?.ids ?? null, previewOf: run.preview_of },
    throwOnError: false,
  })
}

/** How a run whose workflow threw ended: stopped on an operator's request, with its counts so far, or failed. */
function endingOfStoppedRun(tracker: RunTracker, message: string | null): { ending: RunEnding; report: RunReport | null } {
  if (!tracker.stoppedOnRequest) {
    return { ending: { kind: "failed", message }, report: null }
  }
  const report = tracker.planSummary
    ? summarizeRun({ plan: tracker.planSummary, results: tracker.results, fetch: tracker.fetch })
    : null
  const written = tracker.results.reduce((sum, result) => sum + result.written, 0)
  return { ending: { kind: "cancelled", written }, report }
}

/**
 * Runs the workflow of a run this process owns, with a heartbeat every `leaseFigures().heartbeatIntervalMs`,
 * then records how it ended. Never throws. A run another process took over (the tracker is `lost`) is left
 * alone: its workflow stopped at the next batch boundary, and its record is the taker's.
 */
async function runInBackground(container: MedusaContainer, tracker: RunTracker, run: SyncRunRecord): Promise<void> {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const { runId } = tracker
  const heartbeat = setInterval(() => {
    tracker.beat().catch((error: Error) => logger.warn(`catalog-sync: heartbeat of run ${runId} failed: ${error.message}`))
  }, leaseFigures().heartbeatIntervalMs)
  heartbeat.unref()
  try {
    let ending: RunEnding
    let report: RunReport | null = null
    let preview: PreviewFigures | undefined
    try {
      const { result, errors } = await runWorkflow(container, run)
      if (errors.length) {
        ;({ ending, report } = endingOfStoppedRun(tracker, errors[0].error?.message ?? null))
      } else {
        report = result
        preview = "preview" in result ? result.preview : undefined
        ending = { kind: "completed", status: result.status, errors: result.errors }
      }
    } catch (error) {
      ;({ ending, report } = endingOfStoppedRun(tracker, (error as Error).message))
    }
    if (tracker.lost) {
      logger.warn(`catalog-sync: run ${runId} was taken over by another process; this process stopped and leaves its record alone`)
    } else if (await finishRun(container, tracker, ending, report, preview)) {
      await notifyRunEnd(container, run, endRun(ending), report)
    }
  } finally {
    clearInterval(heartbeat)
    releaseRun(runId)
    unregisterTracker(runId)
  }
}

/**
 * Records the end of a run (the core's `endRun`: status and message) with what the tracker measured, as a write
 * guarded by this process's ownership. A write that fails is tried again after the core's
 * `finalWriteRetryDelay`s, the heartbeat still going; then the run is given up: its lease runs out and another
 * process (or this one) interrupts it, so no run stays `running` under a live process that no longer runs it.
 *
 * @returns whether the end was recorded
 */
async function finishRun(
  container: MedusaContainer,
  tracker: RunTracker,
  ending: RunEnding,
  report: RunReport | null,
  preview?: PreviewFigures
): Promise<boolean> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const { runId } = tracker
  const end = endRun(ending)
  await tracker.flush()
  const figures = {
    requests: tracker.fetch.requests,
    retries: tracker.fetch.retries,
    phase_timings: { ...tracker.phaseTimings },
    progress: { ...tracker.progress },
    ...(report ? { counts: report.counts, errors: report.errors, held_removals: report.held_removals } : {}),
    ...(preview ? { preview } : {}),
  }
  for (let attempt = 1; ; attempt += 1) {
    try {
      if (!(await service.endRun(runId, tracker.owner.boot, end, figures))) {
        logger.warn(`catalog-sync: run ${runId} was taken over by another process before its end was recorded`)
        return false
      }
      if (end.errorMessage !== null) {
        logger.error(`catalog-sync: run ${runId} ${end.transition.to}: ${end.errorMessage}`)
      }
      return true
    } catch (error) {
      const delay = finalWriteRetryDelay(attempt)
      const message = `catalog-sync: could not record the end of run ${runId} (attempt ${attempt}): ${(error as Error).message}`
      if (delay === null) {
        logger.error(`${message}; giving the run up: it is interrupted once its lease runs out`)
        return false
      }
      logger.warn(`${message}; trying again in ${delay} ms`)
      await sleep(delay)
    }
  }
}
