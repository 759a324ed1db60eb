import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { isApplicationStarted } from "../lib/application-state"
import { startQueuedRun } from "../lib/start-sync"
import { requeueInterruptedWebhookRuns } from "../lib/sync-queue"

/**
 * Starts a queued webhook run that nothing else started: normally the sync that ends, or the webhook
 * call itself, starts it; this picks up a run queued by a process that stopped before its sync ended
 * (it also runs when the `schedule` option is `false`). First, the ids of webhook runs a dead process
 * interrupted are queued again. Does nothing before Medusa has finished starting, while a sync runs,
 * or when no run is queued.
 */
export default async function catalogSyncQueueJob(container: MedusaContainer): Promise<void> {
  if (!isApplicationStarted()) {
    return
  }
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const requeued = await requeueInterruptedWebhookRuns(container)
  if (requeued) {
    logger.warn(`catalog-sync: queued again the products of ${requeued} webhook run(s) a stopped process interrupted`)
  }
  const runId = await startQueuedRun(container)
  if (runId) {
    logger.info(`catalog-sync: queued webhook run ${runId} started`)
  }
}

/** Every 10 seconds: a queued run left by a stopped process starts within seconds of the next boot. */
export const config = {
  name: "catalog-sync-queue",
  schedule: "*/10 * * * * *",
}
