import { validateOptions } from "catalog-sync-core"
import type { PluginOptionsInput, SyncOptions } from "catalog-sync-core"

/**
 * Keys Medusa itself adds to the options of every internal module (the module's database settings);
 * a plugin's modules receive the plugin options merged with them, so they are not plugin options.
 */
const MEDUSA_MODULE_OPTION_KEYS = ["database"]

/** The environment variable that gives the webhook secret when the `webhookSecret` option is not set. */
export const WEBHOOK_SECRET_ENV = "CATALOG_SYNC_WEBHOOK_SECRET"

/**
 * Validates the plugin options a module of this plugin received (through the core's
 * `validateOptions`, which rejects unknown keys), after removing the keys Medusa adds itself.
 * The environment's {@link WEBHOOK_SECRET_ENV} is handed to the core as the fallback of
 * `webhookSecret` (the core decides that the option wins and that an empty value means unset).
 *
 * @param moduleOptions - the options Medusa passed to the module (plugin options + Medusa's keys)
 * @param env - the environment to read the fallback from (default: `process.env`)
 * @throws the core's `INVALID_OPTION` error, whose message names the option and the value
 */
export function validateModuleOptions(
  moduleOptions: Record<string, unknown> | undefined,
  env: NodeJS.ProcessEnv = process.env
): SyncOptions {
  const pluginOptions: Record<string, unknown> = { ...moduleOptions }
  for (const key of MEDUSA_MODULE_OPTION_KEYS) {
    delete pluginOptions[key]
  }
  return validateOptions(pluginOptions as PluginOptionsInput, { webhookSecret: env[WEBHOOK_SECRET_ENV] ?? null })
}
