import { MedusaError } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { checkApplyRemovals } from "catalog-sync-core"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import type { SyncRunRecord } from "../modules/catalog-sync/types"
import { RunRequestRefusedError } from "./run-refused-error"
import type { StartedSync } from "./start-sync"
import { startTakingRun } from "./start-taking-run"

/**
 * "Apply removals": records a run (trigger `apply_removals`) that applies exactly the removals run `heldRunId`
 * held back, and returns at once (`startTakingRun`): the held run names the run that takes its set
 * (`removals_applied_by`; of two requests at once one takes it), the new run the held run (`removals_of`). The
 * core's `checkApplyRemovals` decides whether the set may be taken.
 *
 * @throws a `NOT_FOUND` MedusaError for an unknown run
 * @throws {RunRequestRefusedError} when the run held back nothing, or its removals are (being) applied
 * @throws {SyncAlreadyRunningError} when a sync is running
 */
export function startRemovalsRun(container: MedusaContainer, heldRunId: string): Promise<StartedSync> {
  return startTakingRun(container, {
    taker: "removals_applied_by",
    check: (service) => applicableRun(service, heldRunId),
    record: (held) => ({
      trigger: "apply_removals",
      productIds: [...new Set((held.held_removals ?? []).map((removal) => removal.source_id))],
      removalsOf: heldRunId,
    }),
  })
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
    throw new RunRequestRefusedError(verdict)
  }
  return run
}
