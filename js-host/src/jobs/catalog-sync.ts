import { container as medusaContainer } from "@medusajs/framework"
import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, defineFileConfig } from "@medusajs/framework/utils"
import { CATALOG_SYNC_MODULE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import { startSync } from "../lib/start-sync"
import { SyncAlreadyRunningError } from "../lib/sync-already-running-error"

/**
 * The `schedule` option, read when Medusa loads this file (it reads `config.schedule` once, at load;
 * jobs load after modules, so the catalog-sync module — and its validated options — exist).
 * `null` means the option is `false`: the job file is then disabled and never scheduled.
 */
const schedule = medusaContainer
  .resolve<CatalogSyncModuleService | undefined>(CATALOG_SYNC_MODULE, { allowUnregistered: true })
  ?.getSyncOptions().schedule ?? null

defineFileConfig({ isDisabled: () => schedule === null })

/**
 * The scheduled sync: starts a run with trigger `schedule`. When a sync is already running
 * (a manual one, or a slow previous run) this occurrence is skipped.
 */
export default async function catalogSyncJob(container: MedusaContainer): Promise<void> {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  try {
    const { run_id } = await startSync(container, { trigger: "schedule" })
    logger.info(`catalog-sync: scheduled run ${run_id} started`)
  } catch (error) {
    if (error instanceof SyncAlreadyRunningError) {
      logger.info(`catalog-sync: scheduled run skipped: ${error.message}`)
      return
    }
    throw error
  }
}

/** Job configuration; the cron expression comes from the `schedule` plugin option. */
export const config = {
  name: "catalog-sync",
  schedule: schedule ?? "0 * * * *",
}
