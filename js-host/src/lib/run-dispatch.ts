import { Modules } from "@medusajs/framework/utils"
import type { IEventBusModuleService, MedusaContainer } from "@medusajs/framework/types"

/** The event a server emits for a run it recorded: a worker's subscriber takes the run and executes it. */
export const RUN_REQUESTED_EVENT = "catalog-sync.run-requested"

/** The data of {@link RUN_REQUESTED_EVENT}. */
export interface RunRequested {
  run_id: string
}

/**
 * Delivery attempts of the event when the subscriber fails (e.g. the database is briefly unreachable). A worker
 * killed while handling it makes Medusa's Redis event bus deliver it once more; the subscriber is idempotent.
 */
const DELIVERY_ATTEMPTS = 3

/**
 * Hands a run recorded without owner to the workers: one event through Medusa's event bus (Redis in production:
 * exactly one worker gets it), whose job id is the run id, so emitting it twice makes one job.
 */
export async function handToWorkers(container: MedusaContainer, runId: string): Promise<void> {
  const eventBus = container.resolve<IEventBusModuleService>(Modules.EVENT_BUS)
  await eventBus.emit<RunRequested>(
    { name: RUN_REQUESTED_EVENT, data: { run_id: runId } },
    { jobId: runId, attempts: DELIVERY_ATTEMPTS, backoff: { type: "exponential", delay: 1000 } }
  )
}
