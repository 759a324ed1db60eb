import { MedusaError, Modules, generateEntityId } from "@medusajs/framework/utils"
import type { ILockingModule, MedusaContainer } from "@medusajs/framework/types"
import { checkApplyRemovals } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import type { SyncRunRecord } from "../modules/catalog-sync/types"
import { ApplyRemovalsRefusedError } from "./apply-removals-refused-error"
import { startRun } from "./start-sync"
import type { StartedSync } from "./start-sync"
import { SyncAlreadyRunningError } from "./sync-already-running-error"
import { withSyncLock } from "./sync-lock"

/**
 * "Apply removals": records a run (trigger `apply_removals`) that applies exactly the removals run `heldRunId`
 * held back, and returns at once; it executes like every run (here, or in a worker), one running run at a time.
 * The held run names the run that takes its set (`removals_applied_by`, a compare-and-set on what was read, so
 * of two requests at once one takes it; set back when the run cannot be recorded), the new run the held run
 * (`removals_of`). The core's `checkApplyRemovals` decides whether the set may be taken.
 *
 * @throws a `NOT_FOUND` MedusaError for an unknown run
 * @throws {ApplyRemovalsRefusedError} when the run held back nothing, or its removals are (being) applied
 * @throws {SyncAlreadyRunningError} when a sync is running
 */
export async function startRemovalsRun(container: MedusaContainer, heldRunId: string): Promise<StartedSync> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const locking = container.resolve<ILockingModule>(Modules.LOCKING)
  const runId = generateEntityId(undefined, "csrun")
  const started = await withSyncLock(locking, async () => {
    const held = await applicableRun(service, heldRunId)
    return startRun(container, runId, async (owner) => {
      if (!(await service.setRemovalsApplier(held, held.removals_applied_by, runId))) {
        // Another request took the set since it was read: its verdict now is the answer.
        await applicableRun(service, heldRunId)
        return null
      }
      let run: SyncRunRecord | null = null
      try {
        run = await service.beginRun({
          id: runId,
          trigger: "apply_removals",
          productIds: [...new Set((held.held_removals ?? []).map((removal) => removal.source_id))],
          owner,
          removalsOf: heldRunId,
        })
        return run
      } finally {
        if (!run) {
          // Not recorded (another run is running, or the insert failed): the set is free again.
          await service.setRemovalsApplier(held, runId, held.removals_applied_by)
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

/** The run `id` when the core allows applying its held removals now; throws the refusal otherwise. */
async function applicableRun(service: CatalogSyncModuleService, id: string): Promise<SyncRunRecord> {
  const run = await service.findRun(id)
  if (!run) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Sync run with id "${id}" not found`)
  }
  const applier = run.removals_applied_by ? await service.findRun(run.removals_applied_by) : null
  const verdict = checkApplyRemovals({
    runId: run.id,
    held: run.held_removals?.length ?? 0,
    appliedBy: run.removals_applied_by,
    appliedByStatus: applier?.status ?? null,
  })
  if (verdict.kind === "refused") {
    throw new ApplyRemovalsRefusedError(verdict)
  }
  return run
}
