import { ContainerRegistrationKeys, Modules, generateEntityId } from "@medusajs/framework/utils"
import type { ILockingModule, Logger, MedusaContainer } from "@medusajs/framework/types"
import { CATALOG_SYNC_MODULE, INTERRUPTED_MESSAGE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import type { SyncTrigger } from "../modules/catalog-sync/types"
import { syncCatalogWorkflow } from "../workflows/sync-catalog"
import { HEARTBEAT_INTERVAL_MS, PROCESS_OWNER, isRunOwnerGone } from "./process-identity"
import { RunTracker, registerTracker, unregisterTracker } from "./run-tracker"
import { SyncAlreadyRunningError } from "./sync-already-running-error"
import { releaseSyncLock, renewSyncLock, tryAcquireSyncLock } from "./sync-lock"

/** What starts a sync. */
export interface StartSyncInput {
  trigger: SyncTrigger
  /** Source product ids for a targeted sync (webhook); omitted or `null` for a full sync. */
  productIds?: number[] | null
}

/** The run a trigger started. */
export interface StartedSync {
  run_id: string
}

/**
 * The single entry point of every sync (scheduled job, Sync Now, webhook). Takes the sync lock,
 * records the run as `running`, starts the sync workflow in the background and returns at once.
 * The lock is released and the run record completed when the workflow ends, whatever happens.
 *
 * @throws {SyncAlreadyRunningError} (a `CONFLICT` MedusaError) when a sync is already running
 */
export async function startSync(container: MedusaContainer, input: StartSyncInput): Promise<StartedSync> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const locking = container.resolve<ILockingModule>(Modules.LOCKING)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const runId = generateEntityId(undefined, "csrun")

  if (!(await tryAcquireSyncLock(locking, runId))) {
    const [running] = await service.listRunningRuns()
    throw new SyncAlreadyRunningError(running?.id ?? null)
  }
  let tracker: RunTracker
  try {
    const running = await liveRunningRun(service, logger)
    if (running) {
      throw new SyncAlreadyRunningError(running)
    }
    const run = await service.beginRun({
      id: runId,
      trigger: input.trigger,
      productIds: input.productIds ?? null,
      owner: PROCESS_OWNER,
    })
    tracker = new RunTracker(runId, new Date(run.started_at), service, (error) =>
      logger.warn(`catalog-sync: could not save the progress of run ${runId}: ${error.message}`)
    )
  } catch (error) {
    await releaseSyncLock(locking, runId)
    throw error
  }

  registerTracker(tracker)
  void runInBackground(container, tracker, input.productIds ?? null)
  return { run_id: runId }
}

/**
 * A run recorded as `running` by a live process (another instance sharing the database), if any.
 * Runs whose process is gone are marked failed on the way, so they never block a new sync.
 */
async function liveRunningRun(service: CatalogSyncModuleService, logger: Logger): Promise<string | null> {
  const now = Date.now()
  for (const run of await service.listRunningRuns()) {
    if (!isRunOwnerGone(run.owner, run.heartbeat_at, now)) {
      return run.id
    }
    await service.failRun(run.id, INTERRUPTED_MESSAGE)
    logger.warn(`catalog-sync: run ${run.id} was interrupted (its process is gone); marked failed`)
  }
  return null
}

/**
 * Runs the sync workflow for a started run, with a heartbeat that proves the process is alive and
 * renews the lock lease. Never throws: a failure is recorded on the run.
 */
async function runInBackground(
  container: MedusaContainer,
  tracker: RunTracker,
  productIds: number[] | null
): Promise<void> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const locking = container.resolve<ILockingModule>(Modules.LOCKING)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const { runId } = tracker
  const heartbeat = setInterval(() => {
    Promise.all([service.heartbeat(runId), renewSyncLock(locking, runId)]).catch((error: Error) =>
      logger.warn(`catalog-sync: heartbeat of run ${runId} failed: ${error.message}`)
    )
  }, HEARTBEAT_INTERVAL_MS)
  heartbeat.unref()

  try {
    const { errors } = await syncCatalogWorkflow(container).run({
      input: { runId, productIds },
      throwOnError: false,
    })
    if (errors.length) {
      const message = errors[0].error?.message ?? "the sync workflow failed"
      await recordFailure(service, tracker, message)
      logger.error(`catalog-sync: run ${runId} failed: ${message}`)
    }
  } catch (error) {
    const message = (error as Error).message
    await recordFailure(service, tracker, message).catch((recordError: Error) =>
      logger.error(`catalog-sync: could not record the failure of run ${runId}: ${recordError.message}`)
    )
    logger.error(`catalog-sync: run ${runId} failed: ${message}`)
  } finally {
    clearInterval(heartbeat)
    unregisterTracker(runId)
    await releaseSyncLock(locking, runId).catch((error: Error) =>
      logger.warn(`catalog-sync: could not release the lock of run ${runId}: ${error.message}`)
    )
  }
}

/** Stores a failed run with what the tracker measured until the failure. */
async function recordFailure(
  service: CatalogSyncModuleService,
  tracker: RunTracker,
  message: string
): Promise<void> {
  await tracker.flush()
  await service.failRun(tracker.runId, message, {
    requests: tracker.fetch.requests,
    retries: tracker.fetch.retries,
    phase_timings: { ...tracker.phaseTimings },
  })
}
