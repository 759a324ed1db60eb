import { Module } from "@medusajs/framework/utils"
import { CATALOG_SYNC_MODULE } from "./constants"
import validateOptionsLoader from "./loaders/validate-options"
import CatalogSyncModuleService from "./service"

export { CATALOG_SYNC_MODULE } from "./constants"

/**
 * The catalog-sync module: the `sync_run` records and the validated plugin options. Its loader
 * validates the options (a bad one stops boot). Runs a dead process left `running` are taken over once their
 * lease runs out (`lib/takeover.ts`), not at boot: a restarting instance cannot tell another live instance's
 * run from its own dead one.
 */
export default Module(CATALOG_SYNC_MODULE, {
  service: CatalogSyncModuleService,
  loaders: [validateOptionsLoader],
})
