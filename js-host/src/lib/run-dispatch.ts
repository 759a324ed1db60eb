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

/** The event the owner of a run emits for each write batch it published: a worker's subscriber takes and writes it. */
export const BATCH_PUBLISHED_EVENT = "catalog-sync.batch-published"

/** The data of {@link BATCH_PUBLISHED_EVENT}: the batch's run and its position in the run's plan. */
export interface BatchPublished {
  run_id: string
  position: number
}

/**
 * Announces published batches to the workers: one event per batch through Medusa's event bus (Redis in production:
 * each event goes to one worker; the owner is one of them). The batch itself is in its row (`sync_batch`), so the
 * event stays small and a batch announced again is the same batch.
 */
export async function announceBatches(container: MedusaContainer, runId: string, positions: number[]): Promise<void> {
  if (!positions.length) {
    return
  }
  const eventBus = container.resolve<IEventBusModuleService>(Modules.EVENT_BUS)
  await eventBus.emit<BatchPublished>(
    positions.map((position) => ({ name: BATCH_PUBLISHED_EVENT, data: { run_id: runId, position } })),
    { attempts: DELIVERY_ATTEMPTS, backoff: { type: "exponential", delay: 1000 } }
  )
}
