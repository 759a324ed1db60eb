import { Modules, generateEntityId } from "@medusajs/framework/utils"
import type { ILockingModule, MedusaContainer } from "@medusajs/framework/types"
import { CATALOG_SYNC_MODULE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import type { NewRunInput, SyncRunRecord } from "../modules/catalog-sync/types"
import { startRun } from "./start-sync"
import type { StartedSync } from "./start-sync"
import { SyncAlreadyRunningError } from "./sync-already-running-error"
import { withSyncLock } from "./sync-lock"

/** A run that takes another run's set: which set, how the core judges the request, and the new run's record. */
export interface TakingRun {
  /** The column of the taken run that names its taker. */
  taker: "removals_applied_by" | "preview_applied_by"
  /** The taken run, when the core allows taking its set now; throws the core's refusal otherwise. */
  check: (service: CatalogSyncModuleService) => Promise<SyncRunRecord>
  /** The new run's record (its id and owner are filled in). */
  record: (taken: SyncRunRecord) => Omit<NewRunInput, "id" | "owner">
}

/**
 * Records a run that takes another run's set (its held removals, its preview) and returns at once; it executes
 * like every run (here, or in a worker), one running run at a time. The taken run names its taker (a
 * compare-and-set on what was read, so of two requests at once one takes the set; set back when the new run
 * cannot be recorded), and the new run names the taken one.
 *
 * @throws what `check` throws (an unknown run, the core's refusal)
 * @throws {SyncAlreadyRunningError} when a sync is running
 */
export async function startTakingRun(container: MedusaContainer, spec: TakingRun): Promise<StartedSync> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const locking = container.resolve<ILockingModule>(Modules.LOCKING)
  const runId = generateEntityId(undefined, "csrun")
  const started = await withSyncLock(locking, async () => {
    const taken = await spec.check(service)
    const observed = taken[spec.taker]
    return startRun(container, runId, async (owner) => {
      if (!(await service.setTaker(taken, spec.taker, observed, runId))) {
        // Another request took the set since it was read: its verdict now is the answer.
        await spec.check(service)
        return null
      }
      let run: SyncRunRecord | null = null
      try {
        run = await service.beginRun({ ...spec.record(taken), id: runId, owner })
        return run
      } finally {
        if (!run) {
          // Not recorded (another run is running, or the insert failed): the set is free again.
          await service.setTaker(taken, spec.taker, runId, observed)
        }
      }
    })
  })
  if (!started) {
    const [running] = await service.listRunningRuns()
    throw new SyncAlreadyRunningError(running?.id ?? null)
  }
  return { run_id: runId }
}
