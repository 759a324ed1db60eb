import { MedusaError } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { checkCancel } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"

/** Thrown when a run cannot be stopped (it is queued, or it already ended): the route answers 409. */
export class RunNotStoppableError extends MedusaError {
  constructor(message: string) {
    super(MedusaError.Types.CONFLICT, message)
  }
}

/**
 * "Stop": records an operator's request to stop a running run on its record (`cancel_requested_at`), so that the
 * process executing it — this one or a worker — sees it at its next batch boundary (or between the fetch and the
 * image copy), stops, and ends the run `cancelled` with what it wrote so far. The core's `checkCancel` decides
 * whether there is something to stop; the request is a compare-and-set on a running run without one, and a run that
 * ended meanwhile is refused like one that had ended before.
 *
 * @throws a `NOT_FOUND` MedusaError for an unknown run
 * @throws {RunNotStoppableError} for a queued or ended run
 */
export async function requestRunCancel(container: MedusaContainer, runId: string): Promise<void> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  for (;;) {
    const run = await service.findRun(runId)
    if (!run) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Sync run with id "${runId}" not found`)
    }
    const verdict = checkCancel(run.id, run.status, run.cancel_requested_at !== null)
    if (verdict.kind === "refused") {
      throw new RunNotStoppableError(verdict.message)
    }
    if (verdict.kind === "alreadyRequested" || (await service.requestCancel(run.id))) {
      return
    }
    // The run changed between the read and the request (it ended, or another request was recorded): judge again.
  }
}
