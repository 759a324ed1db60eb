import { randomUUID } from "node:crypto"
import { hostname } from "node:os"
import type { ConfigModule, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { RunOwner, WorkerMode } from "catalog-sync-core"

/**
 * Random per process start: what identifies this process as the owner of a run. Host names and process ids
 * identify nothing across instances (two containers may share both), so liveness never looks at them.
 */
const BOOT = randomUUID()

/** The worker mode of this Medusa instance (`projectConfig.workerMode`, which Medusa fills from `MEDUSA_WORKER_MODE`). */
export function workerModeOf(container: MedusaContainer): WorkerMode {
  const config = container.resolve<ConfigModule>(ContainerRegistrationKeys.CONFIG_MODULE)
  return config.projectConfig.workerMode ?? "shared"
}

/** This process as the owner of a run, as the run record shows it: host, pid, boot and worker mode. */
export function thisProcess(container: MedusaContainer): RunOwner {
  return { host: hostname(), pid: process.pid, boot: BOOT, mode: workerModeOf(container) }
}

/** The `boot` of this process (see {@link thisProcess}). */
export function thisBoot(): string {
  return BOOT
}
