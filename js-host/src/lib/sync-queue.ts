import { Modules, generateEntityId } from "@medusajs/framework/utils"
import type { ILockingModule, MedusaContainer } from "@medusajs/framework/types"
import { mergeQueuedIds } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"

/**
 * The Locking-module key held while the queued run changes (ids added, or the run started), so two
 * webhook calls racing never make two queued runs and never lose each other's ids.
 */
export const QUEUE_LOCK_KEY = "catalog-sync:queue"

/** Longest wait for the queue lock, in seconds (its holders only read and write one row). */
const QUEUE_LOCK_TIMEOUT_SECONDS = 15

/** Runs `work` while holding the queue lock. */
export function withQueueLock<T>(locking: ILockingModule, work: () => Promise<T>): Promise<T> {
  return locking.execute(QUEUE_LOCK_KEY, work, { timeout: QUEUE_LOCK_TIMEOUT_SECONDS })
}

/**
 * Adds source product ids to the one queued webhook run, creating it when there is none; the core's
 * `mergeQueuedIds` gives its new ids (the sorted union). The run starts when the sync lock is free
 * (`startQueuedRun`).
 *
 * @returns the id of the queued run that holds the ids
 */
export async function enqueueProductIds(container: MedusaContainer, productIds: number[]): Promise<string> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const locking = container.resolve<ILockingModule>(Modules.LOCKING)
  return withQueueLock(locking, async () => {
    const queued = await service.findQueuedRun()
    if (queued) {
      await service.setQueuedIds(queued.id, mergeQueuedIds({ queued: queued.product_ids?.ids ?? [], incoming: productIds }))
      return queued.id
    }
    const id = generateEntityId(undefined, "csrun")
    await service.queueRun(id, mergeQueuedIds({ queued: [], incoming: productIds }))
    return id
  })
}

/**
 * Queues again the product ids of webhook runs a dead process interrupted, so that a webhook's update is
 * never lost to a crash: the next queued run syncs them (once: each interrupted run is marked as queued
 * again).
 *
 * @returns the number of interrupted runs whose ids were queued again
 */
export async function requeueInterruptedWebhookRuns(container: MedusaContainer): Promise<number> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const interrupted = await service.listInterruptedWebhookRuns()
  for (const run of interrupted) {
    const queuedRunId = await enqueueProductIds(container, run.product_ids?.ids ?? [])
    await service.markRequeued(run.id, queuedRunId)
  }
  return interrupted.length
}
