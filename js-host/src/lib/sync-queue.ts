import { Modules, generateEntityId } from "@medusajs/framework/utils"
import type { ILockingModule, MedusaContainer } from "@medusajs/framework/types"
import { mergeQueuedIds } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"

/**
 * The Locking-module key held while ids are added to the queued run: with a shared provider, concurrent
 * webhook calls on several instances take turns instead of retrying their compare-and-set. Correctness does
 * not depend on it (see {@link enqueueProductIds}).
 */
export const QUEUE_LOCK_KEY = "catalog-sync:queue"

/** Longest wait for the queue lock, in seconds (its holders only read and write one row). */
const QUEUE_LOCK_TIMEOUT_SECONDS = 15

/** Rounds of read-merge-write before giving up (each lost round means another call's ids just landed). */
const MERGE_ROUNDS = 20

/**
 * Adds source product ids to the one queued webhook run, creating it when there is none; the core's
 * `mergeQueuedIds` gives its new ids (the sorted union). Each round is atomic: the ids are replaced only if
 * they are still those that were read, and a new queued run is refused when another one was queued meanwhile
 * (the table allows one); a lost round reads again. So two calls racing on two instances never lose each
 * other's ids. The run starts when no sync runs (`startQueuedRun`).
 *
 * @returns the id of the queued run that holds the ids
 */
export async function enqueueProductIds(container: MedusaContainer, productIds: number[]): Promise<string> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const locking = container.resolve<ILockingModule>(Modules.LOCKING)
  return locking.execute(
    QUEUE_LOCK_KEY,
    async () => {
      for (let round = 0; round < MERGE_ROUNDS; round += 1) {
        const queued = await service.findQueuedRun()
        if (queued) {
          const observed = queued.product_ids?.ids ?? []
          if (await service.setQueuedIds(queued.id, observed, mergeQueuedIds({ queued: observed, incoming: productIds }))) {
            return queued.id
          }
        } else {
          const id = generateEntityId(undefined, "csrun")
          if (await service.queueRun(id, mergeQueuedIds({ queued: [], incoming: productIds }))) {
            return id
          }
        }
      }
      throw new Error(`catalog-sync: could not add product ids to the queued run in ${MERGE_ROUNDS} rounds`)
    },
    { timeout: QUEUE_LOCK_TIMEOUT_SECONDS }
  )
}

/**
 * Queues again the product ids of webhook runs that were interrupted (their process died), so that a webhook's
 * update is never lost to a crash: the next queued run syncs them. Each interrupted run is noted as queued again
 * once (a compare-and-set); two processes doing this at once add the same ids twice to the queued run, which
 * the union keeps once.
 *
 * @returns the number of interrupted runs this call noted as queued again
 */
export async function requeueInterruptedWebhookRuns(container: MedusaContainer): Promise<number> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  let requeued = 0
  for (const run of await service.listInterruptedWebhookRuns()) {
    const queuedRunId = await enqueueProductIds(container, run.product_ids?.ids ?? [])
    if (await service.markRequeued(run.id, queuedRunId)) {
      requeued += 1
    }
  }
  return requeued
}
