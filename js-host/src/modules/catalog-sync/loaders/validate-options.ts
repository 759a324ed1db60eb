import type { LoaderOptions } from "@medusajs/framework/types"
import { validateModuleOptions } from "../plugin-options"

/**
 * Validates the plugin options through the core when the module loads. A module loader that throws
 * stops Medusa's boot (`Loaders for module CatalogSync failed: …`), so a bad option never gets as
 * far as a sync: the core's message names the option and the value, e.g.
 * `catalog-sync option "pageSize" must be an integer between 1 and 1000 (got "abc")`.
 */
export default async function validateOptionsLoader({
  options,
}: LoaderOptions<Record<string, unknown>>): Promise<void> {
  validateModuleOptions(options)
}
