import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { isApplicationStarted } from "../lib/application-state"
import { startQueuedRun } from "../lib/start-sync"
import { requeueInterruptedWebhookRuns } from "../lib/sync-queue"
import { takeOverDeadRuns } from "../lib/takeover"

/**
 * The run keeper, every 10 seconds in the instances that run jobs (workers, or a shared instance; it also runs
 * when the `schedule` option is `false`):
 * 1. interrupts running runs whose owner is gone (a worker killed mid-sync: its lease ran out), whatever
 *    instance ran them;
 * 2. queues again the ids of interrupted webhook runs;
 * 3. starts the queued webhook run when no sync runs (normally the sync that ends, or the webhook call itself,
 *    starts it; this picks up one left by a process that stopped).
 * Does nothing before Medusa has finished starting.
 */
export default async function catalogSyncQueueJob(container: MedusaContainer): Promise<void> {
  if (!isApplicationStarted()) {
    return
  }
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  await takeOverDeadRuns(container)
  const requeued = await requeueInterruptedWebhookRuns(container)
  if (requeued) {
    logger.warn(`catalog-sync: queued again the products of ${requeued} interrupted webhook run(s)`)
  }
  const runId = await startQueuedRun(container)
  if (runId) {
    logger.info(`catalog-sync: queued webhook run ${runId} started`)
  }
}

/** Every 10 seconds: a run whose worker died is taken over within its lease plus 10 s. */
export const config = {
  name: "catalog-sync-queue",
  schedule: "*/10 * * * * *",
}
