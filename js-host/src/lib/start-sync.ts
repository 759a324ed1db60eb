import { Modules, generateEntityId } from "@medusajs/framework/utils"
import type { ILockingModule, MedusaContainer } from "@medusajs/framework/types"
import { executionSite } from "catalog-sync-core"
import type { RunOwner } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import type { SyncRunRecord, SyncTrigger } from "../modules/catalog-sync/types"
import { workerModeOf } from "./process-identity"
import { handToWorkers } from "./run-dispatch"
import { executeHere } from "./run-executor"
import { SyncAlreadyRunningError } from "./sync-already-running-error"
import { withSyncLock } from "./sync-lock"
import { takeOverDeadRuns } from "./takeover"

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
 * The single entry point of a sync started at once (scheduled job, Sync Now). Records the run as `running` and
 * returns at once: the run executes in this process, or — on a `server` instance — in a worker (see
 * {@link startRun}). The database allows one running run: when another one runs, nothing is recorded.
 *
 * @throws {SyncAlreadyRunningError} (a `CONFLICT` MedusaError) when a sync is already running
 */
export async function startSync(container: MedusaContainer, input: StartSyncInput): Promise<StartedSync> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const locking = container.resolve<ILockingModule>(Modules.LOCKING)
  const runId = generateEntityId(undefined, "csrun")
  const started = await withSyncLock(locking, () =>
    startRun(container, runId, (owner) =>
      service.beginRun({ id: runId, trigger: input.trigger, productIds: input.productIds ?? null, owner })
    )
  )
  if (!started) {
    const [running] = await service.listRunningRuns()
    throw new SyncAlreadyRunningError(running?.id ?? null)
  }
  return { run_id: runId }
}

/**
 * Starts the queued webhook run (same id, now `running`, its accumulated product ids) when there is one and no
 * sync is running; otherwise does nothing. Called when a sync ends, after a webhook call queued ids, and by the
 * `catalog-sync-queue` job. The start is a conditional transition from `queued`: ids added before it are in the
 * run, ids arriving after it go into the next queued run.
 *
 * @returns the id of the run it started, or `null`
 */
export async function startQueuedRun(container: MedusaContainer): Promise<string | null> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const locking = container.resolve<ILockingModule>(Modules.LOCKING)
  return withSyncLock(locking, async () => {
    const queued = await service.findQueuedRun()
    if (!queued) {
      return null
    }
    const started = await startRun(container, queued.id, (owner) => service.startQueuedRun(queued.id, owner))
    return started ? queued.id : null
  })
}

/**
 * A worker takes a run a server handed to the workers (the `catalog-sync.run-requested` event) and executes it.
 * Idempotent: the claim applies only to a running run without owner, so a second delivery does nothing.
 *
 * @returns whether this process took the run
 */
export function claimHandedRun(container: MedusaContainer, runId: string): Promise<boolean> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  return executeHere(container, runId, (owner) => service.claimRun(runId, owner), () => startQueuedRun(container))
}

/**
 * Starts a run: first interrupts running runs whose owner is gone (so a dead run never blocks a new one), then
 * records the run with `record`, a conditional transition refused while another run is running. Where it
 * executes is the core's `executionSite` for this instance's worker mode: here (this process owns it from the
 * start), or in a worker (recorded without owner, then handed over through the event bus). What it executes
 * follows from its record (`run-executor.ts`): the catalog sync, or applying held removals.
 *
 * @returns whether the run was recorded
 */
export async function startRun(
  container: MedusaContainer,
  runId: string,
  record: (owner: RunOwner | null) => Promise<SyncRunRecord | null>
): Promise<boolean> {
  await takeOverDeadRuns(container)
  if (executionSite(workerModeOf(container)) === "thisProcess") {
    return executeHere(container, runId, record, () => startQueuedRun(container))
  }
  if (!(await record(null))) {
    return false
  }
  await handToWorkers(container, runId)
  return true
}
