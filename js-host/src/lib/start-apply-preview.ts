import { MedusaError } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { checkApplyPreview } from "catalog-sync-core"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import type { SyncRunRecord } from "../modules/catalog-sync/types"
import { RunRequestRefusedError } from "./run-refused-error"
import type { StartedSync } from "./start-sync"
import { startTakingRun } from "./start-taking-run"

/**
 * "Apply" on a preview: records a sync run (trigger `apply_preview`, `preview_of` the preview) and returns at once
 * (`startTakingRun`: the preview names it in `preview_applied_by`, of two requests one wins). Before it writes
 * anything it re-fetches, re-plans and compares with the preview's fingerprints (`checkPreviewStep`): it writes the
 * previewed plan, or nothing. The core's `checkApplyPreview` decides whether the preview may be applied now (a
 * preview that ended well, within `previewTtlMs`, not applied yet).
 *
 * @throws a `NOT_FOUND` MedusaError for an unknown run
 * @throws {RunRequestRefusedError} when the core refuses (not a preview, not ended well, expired, applied)
 * @throws {SyncAlreadyRunningError} when a sync is running
 */
export function startPreviewApply(container: MedusaContainer, previewId: string): Promise<StartedSync> {
  return startTakingRun(container, {
    taker: "preview_applied_by",
    check: (service) => applicablePreview(service, previewId),
    record: () => ({ trigger: "apply_preview", productIds: null, previewOf: previewId }),
  })
}

/** The preview `id` when the core allows applying it now; throws the refusal otherwise. */
async function applicablePreview(service: CatalogSyncModuleService, id: string): Promise<SyncRunRecord> {
  const run = await service.findRun(id)
  if (!run) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Sync run with id "${id}" not found`)
  }
  const applier = run.preview_applied_by ? await service.findRun(run.preview_applied_by) : null
  const verdict = checkApplyPreview({
    runId: run.id,
    trigger: run.trigger,
    status: run.status,
    finishedAtMs: run.finished_at === null ? null : new Date(run.finished_at).getTime(),
    nowMs: await service.databaseNowMs(),
    ttlMs: service.getSyncOptions().previewTtlMs,
    appliedBy: run.preview_applied_by,
    appliedByStatus: applier?.status ?? null,
  })
  if (verdict.kind === "refused") {
    throw new RunRequestRefusedError(verdict)
  }
  return run
}
