import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { takePublishedBatch } from "../lib/batch-taker"
import { BATCH_PUBLISHED_EVENT } from "../lib/run-dispatch"
import type { BatchPublished } from "../lib/run-dispatch"

/**
 * A write batch the owner of a run published to the workers: this worker takes it once it has a free slot (unless
 * it is written, its run stopped, or a live worker claims it) and writes it in the background, recording its result
 * once. Delivery is at least once; a second delivery finds the batch claimed or recorded and does nothing.
 *
 * Loaded in every instance: Medusa's Redis event bus only enqueues an event the emitting process has a subscriber
 * for, and only workers (and shared instances) consume them.
 */
export default async function catalogSyncBatchPublished({ event, container }: SubscriberArgs<BatchPublished>): Promise<void> {
  await takePublishedBatch(container, event.data.run_id, event.data.position)
}

/** The event and a subscriber id unique in the app. */
export const config: SubscriberConfig = {
  event: BATCH_PUBLISHED_EVENT,
  context: { subscriberId: "catalog-sync-batch-published" },
}
