import { ContainerRegistrationKeys, Modules, generateEntityId } from "@medusajs/framework/utils"
import type { ILockingModule, Logger, MedusaContainer } from "@medusajs/framework/types"
import { CATALOG_SYNC_MODULE, INTERRUPTED_MESSAGE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import type { SyncRunRecord, SyncTrigger } from "../modules/catalog-sync/types"
import { syncCatalogWorkflow } from "../workflows/sync-catalog"
import { HEARTBEAT_INTERVAL_MS, PROCESS_OWNER, isRunOwnerGone } from "./process-identity"
import { RunTracker, registerTracker, unregisterTracker } from "./run-tracker"
import { SyncAlreadyRunningError } from "./sync-already-running-error"
import { releaseSyncLock, renewSyncLock, tryAcquireSyncLock } from "./sync-lock"
import { withQueueLock } from "./sync-queue"

/** What starts a sync. */
export interface StartSyncInput {
  trigger: SyncTrigger
  /** Source product ids for a targeted sync; omitted or `null` for a full sync. */
  productIds?: number[] | null
}

/** The run a trigger started. */
export interface StartedSync {
  run_id: string
}

/**
 * The single entry point of a sync started at once (scheduled job, Sync Now). Takes the sync lock,
 * records the run as `running`, starts the sync workflow in the background and returns at once.
 * The lock is released and the run record completed when the workflow ends, whatever happens; then
 * the queued webhook run, if any, starts (see {@link startQueuedRun}).
 *
 * @throws {SyncAlreadyRunningError} (a `CONFLICT` MedusaError) when a sync is already running
 */
export async function startSync(container: MedusaContainer, input: StartSyncInput): Promise<StartedSync> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const locking = container.resolve<ILockingModule>(Modules.LOCKING)
  const runId = generateEntityId(undefined, "csrun")

  if (!(await tryAcquireSyncLock(locking, runId))) {
    const [running] = await service.listRunningRuns()
    throw new SyncAlreadyRunningError(running?.id ?? null)
  }
  const launched = await launch(container, runId, () =>
    service.beginRun({
      id: runId,
      trigger: input.trigger,
      productIds: input.productIds ?? null,
      owner: PROCESS_OWNER,
    })
  )
  if (launched.busyWith !== null) {
    throw new SyncAlreadyRunningError(launched.busyWith)
  }
  return { run_id: runId }
}

/**
 * Starts the queued webhook run (same id, now `running`, trigger `webhook`, its accumulated product
 * ids) when there is one and no sync is running; otherwise does nothing. Called when a sync ends,
 * after a webhook call queued ids, and by the `catalog-sync-queue` job (a run queued by a process
 * that stopped). Checking, locking and starting happen under the queue lock, so ids added meanwhile
 * are either in the started run or in the next queued one.
 *
 * @returns the id of the run it started, or `null`
 */
export async function startQueuedRun(container: MedusaContainer): Promise<string | null> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const locking = container.resolve<ILockingModule>(Modules.LOCKING)
  return withQueueLock(locking, async () => {
    const queued = await service.findQueuedRun()
    if (!queued || !(await tryAcquireSyncLock(locking, queued.id))) {
      return null
    }
    const launched = await launch(container, queued.id, () => service.beginQueuedRun(queued.id, PROCESS_OWNER))
    return launched.busyWith === null ? queued.id : null
  })
}

/**
 * Starts a run whose id already holds the sync lock: unless a live process runs another sync
 * (then the lock is released and that run's id returned in `busyWith`), records the run with
 * `record` and runs the workflow in the background. The lock is released when anything fails
 * before the workflow starts.
 */
async function launch(
  container: MedusaContainer,
  runId: string,
  record: () => Promise<SyncRunRecord>
): Promise<{ busyWith: string | null }> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const locking = container.resolve<ILockingModule>(Modules.LOCKING)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  let tracker: RunTracker
  let productIds: number[] | null
  try {
    const running = await liveRunningRun(service, logger)
    if (running) {
      await releaseSyncLock(locking, runId)
      return { busyWith: running }
    }
    const run = await record()
    productIds = run.product_ids?.ids ?? null
    tracker = new RunTracker(runId, new Date(run.started_at), service, (error) =>
      logger.warn(`catalog-sync: could not save the progress of run ${runId}: ${error.message}`)
    )
  } catch (error) {
    await releaseSyncLock(locking, runId)
    throw error
  }
  registerTracker(tracker)
  void runInBackground(container, tracker, productIds)
  return { busyWith: null }
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
    // Webhook ids that arrived during this run wait in the queued run: it is next.
    await startQueuedRun(container).catch((error: Error) =>
      logger.warn(`catalog-sync: could not start the queued webhook run after run ${runId}: ${error.message}`)
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
