import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { batchTake, leaseFigures } from "catalog-sync-core"
import type { BatchResult, WriteBatch } from "catalog-sync-core"
import { beatClaims, claimRow, readBatchRow, recordResult, releaseClaim } from "../modules/catalog-sync/batch-records"
import { CATALOG_SYNC_MODULE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import { thisBoot, thisProcess } from "./process-identity"
import { writeBatch } from "./write-batch"

/**
 * Batches this process writes at the same time (as many as an owner writing alone keeps in flight). A worker
 * reserves a free slot before it looks at the next published batch, so the event bus hands the other batches to the
 * workers that have room.
 */
export const BATCH_SLOTS = 2

/** The positions this process writes right now, by run. */
const writing = new Map<string, Set<number>>()

/** The slots taken: a batch being written, or an event being decided on (its row read, claimed). */
let slotsTaken = 0

/** Callers waiting for a free slot. */
const waiting: (() => void)[] = []

/** The claims' heartbeat timer, running while this process writes batches. */
let heartbeat: NodeJS.Timeout | null = null

/** The batches of `runId` this process writes right now (the core's `heldHere` for their claims). */
export function heldPositions(runId: string): number[] {
  return [...(writing.get(runId) ?? [])]
}

/** How many batches this process writes right now. */
function inFlight(): number {
  let n = 0
  for (const positions of writing.values()) {
    n += positions.size
  }
  return n
}

/**
 * Takes one of the {@link BATCH_SLOTS} slots, waiting until one is free. The slot is counted in the same
 * synchronous turn as the check that found it free, so events arriving together never take more slots than there
 * are, however long each then takes to read and claim its batch. Give it back with {@link releaseSlot}.
 */
export async function reserveSlot(): Promise<void> {
  while (slotsTaken >= BATCH_SLOTS) {
    await new Promise<void>((resolve) => waiting.push(resolve))
  }
  slotsTaken += 1
}

/** Gives back a slot {@link reserveSlot} took, and wakes the first caller waiting for one. */
export function releaseSlot(): void {
  slotsTaken -= 1
  waiting.shift()?.()
}

/** Notes that this process writes (or stopped writing) a batch, and starts or stops the claims' heartbeat. */
function setWriting(container: MedusaContainer, runId: string, position: number, on: boolean): void {
  const positions = writing.get(runId) ?? new Set<number>()
  if (on) {
    positions.add(position)
    writing.set(runId, positions)
  } else {
    positions.delete(position)
    if (!positions.size) {
      writing.delete(runId)
    }
  }
  if (inFlight() && heartbeat === null) {
    heartbeat = setInterval(() => void beatAll(container), leaseFigures().heartbeatIntervalMs)
    heartbeat.unref()
  } else if (!inFlight() && heartbeat !== null) {
    clearInterval(heartbeat)
    heartbeat = null
  }
}

/** Renews every claim this process holds (one statement per run). */
async function beatAll(container: MedusaContainer): Promise<void> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  for (const [runId, positions] of writing) {
    await service
      .withBatchRows((manager) => beatClaims(manager, runId, [...positions], thisBoot()))
      .catch((error: Error) =>
        container
          .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
          .warn(`catalog-sync: could not renew the batch claims of run ${runId}: ${error.message}`)
      )
  }
}

/**
 * Writes a claimed batch with `writeBatch` (a refused batch is split down to the refused products) and records its
 * result once, naming this process as its writer. A write that throws (the database is unreachable) gives the
 * claim up, so another worker — or this one, on the batch's next publication — writes it.
 */
async function writeClaimed(container: MedusaContainer, runId: string, position: number, text: string): Promise<void> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  try {
    const result: BatchResult = await writeBatch(container, JSON.parse(text) as WriteBatch, runId)
    await service.withBatchRows((manager) => recordResult(manager, runId, position, result, thisProcess(container)))
  } catch (error) {
    logger.warn(`catalog-sync: batch ${position} of run ${runId} was not written here: ${(error as Error).message}`)
    await service
      .withBatchRows((manager) => releaseClaim(manager, runId, position, thisBoot()))
      .catch(() => undefined)
  } finally {
    setWriting(container, runId, position, false)
    releaseSlot()
  }
}

/**
 * A published batch's event reached this process: once it has a slot (reserved before anything is read, so two
 * events arriving together cannot both take the last one), it reads the batch's row, asks the core whether to take
 * it (`batchTake`: not when it has a result, its run stopped, or a live worker claims it), claims it on condition
 * that the claim is still the one read, and writes it in the background, holding the slot until the write ends. A
 * batch it does not take gives the slot back at once.
 *
 * @returns whether this process took the batch
 */
export async function takePublishedBatch(container: MedusaContainer, runId: string, position: number): Promise<boolean> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  await reserveSlot()
  let writingInBackground = false
  try {
    const row = await service.withBatchRows((manager) => readBatchRow(manager, runId, position))
    const verdict = batchTake({
      published: row !== null,
      recorded: row?.recorded ?? false,
      runWriting: row?.runWriting ?? false,
      claim: row?.claim ?? null,
      nowMs: row?.nowMs ?? 0,
      thisBoot: thisBoot(),
      heldHere: heldPositions(runId).includes(position),
    })
    if (verdict.kind === "skip" || row === null || row.batch === null) {
      return false
    }
    setWriting(container, runId, position, true)
    const text = row.batch
    const claimed = await service
      .withBatchRows((manager) => claimRow(manager, runId, position, thisProcess(container), verdict.observed))
      .catch((error: Error) => {
        setWriting(container, runId, position, false)
        throw error
      })
    if (!claimed) {
      setWriting(container, runId, position, false)
      return false
    }
    writingInBackground = true
    void writeClaimed(container, runId, position, text)
    return true
  } finally {
    if (!writingInBackground) {
      releaseSlot()
    }
  }
}
