import { Module } from "@medusajs/framework/utils"
import { CATALOG_SYNC_MODULE } from "./constants"
import recoverInterruptedRunsLoader from "./loaders/recover-interrupted-runs"
import validateOptionsLoader from "./loaders/validate-options"
import CatalogSyncModuleService from "./service"

export { CATALOG_SYNC_MODULE } from "./constants"

/**
 * The catalog-sync module: the `sync_run` records and the validated plugin options. Its loaders
 * validate the options (a bad one stops boot) and recover runs interrupted by a dead process.
 */
export default Module(CATALOG_SYNC_MODULE, {
  service: CatalogSyncModuleService,
  loaders: [validateOptionsLoader, recoverInterruptedRunsLoader],
})
