import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { endRun, runLiveness } from "catalog-sync-core"
import { CATALOG_SYNC_MODULE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import { thisBoot } from "./process-identity"
import { isHeldHere } from "./run-tracker"

/**
 * Interrupts every running run whose owner is gone: the core's `runLiveness` judges each (its lease by the
 * database's clock, whatever the owner's host or pid), and a dead one ends `interrupted` with the core's message —
 * if it still has the owner and heartbeat that were judged (an owner that proved alive meanwhile keeps it). Called
 * before a run starts and by the `catalog-sync-queue` job every 10 s, so a run whose worker was killed is taken
 * over within the lease plus one tick.
 *
 * @returns the ids of the runs this call interrupted
 */
export async function takeOverDeadRuns(container: MedusaContainer): Promise<string[]> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const { runs, nowMs } = await service.readRunningRuns()
  const interrupted: string[] = []
  for (const run of runs) {
    const liveness = runLiveness({
      owner: run.owner,
      heartbeatAtMs: run.heartbeat_at === null ? null : new Date(run.heartbeat_at).getTime(),
      nowMs,
      thisBoot: thisBoot(),
      heldHere: isHeldHere(run.id),
    })
    if (liveness.kind === "live") {
      continue
    }
    const end = endRun({ kind: "interrupted", owner: run.owner, reason: liveness.reason })
    if (await service.interruptRun(run, end)) {
      interrupted.push(run.id)
      logger.warn(`catalog-sync: run ${run.id} ${end.errorMessage}`)
    }
  }
  return interrupted
}

/** How many times a shutting-down process reads its runs again when a heartbeat changed one under its give-up. */
const GIVE_UP_ATTEMPTS = 3

/**
 * This process is shutting down (Medusa's graceful shutdown on SIGTERM, through the module's
 * `onApplicationPrepareShutdown` hook): every run it executes ends `interrupted` now, with the core's `shutDown`
 * reason, so a trigger right after the restart starts a run instead of answering 409 until the lease runs out. The
 * run's own steps then find at their next checkpoint that the run is no longer theirs, stop at that batch boundary
 * and never touch its record again; the next run completes what is left. Each end is the compare-and-set of
 * {@link takeOverDeadRuns} (the owner and heartbeat as read); one lost to this process's own heartbeat is read again.
 *
 * @returns the ids of the runs given up
 */
export async function giveUpRunsHeldHere(service: CatalogSyncModuleService): Promise<string[]> {
  const givenUp: string[] = []
  for (let attempt = 0; attempt < GIVE_UP_ATTEMPTS; attempt += 1) {
    const { runs } = await service.readRunningRuns()
    const held = runs.filter((run) => run.owner?.boot === thisBoot() && isHeldHere(run.id) && !givenUp.includes(run.id))
    if (!held.length) {
      break
    }
    for (const run of held) {
      const end = endRun({ kind: "interrupted", owner: run.owner, reason: { kind: "shutDown" } })
      if (await service.interruptRun(run, end)) {
        givenUp.push(run.id)
      }
    }
  }
  return givenUp
}
