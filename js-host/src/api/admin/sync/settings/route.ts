import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import type { ConfigModule } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { CATALOG_SYNC_MODULE } from "../../../../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../../../../modules/catalog-sync/service"
import { presentSettings } from "catalog-sync-core"
import { PLUGIN_NAME, configuredOptionKeys, pluginVersion, type PluginEntry } from "./present"

/**
 * `GET /admin/sync/settings` → the plugin's effective options (validated, defaults filled) with
 * secrets masked, which of them the store set in `medusa-config` (`configured`; the rest are
 * defaults, `null` when unknown), which took their value from an environment variable
 * (`environment`: `webhookSecret` from `CATALOG_SYNC_WEBHOOK_SECRET`), and the plugin's name and version.
 * The route reads the configuration; the core's `presentSettings` masks and decides.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const service = req.scope.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const configModule = req.scope.resolve<ConfigModule>(ContainerRegistrationKeys.CONFIG_MODULE)
  const configured = configuredOptionKeys(configModule.plugins as PluginEntry[] | undefined)
  res.json(
    presentSettings({
      plugin: { name: PLUGIN_NAME, version: pluginVersion() },
      options: { ...service.getSyncOptions() },
      configured,
    })
  )
}
