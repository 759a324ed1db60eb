import type { RunProgress } from "./types"

/** The key of the catalog-sync module in the Medusa container (`container.resolve(CATALOG_SYNC_MODULE)`). */
export const CATALOG_SYNC_MODULE = "catalogSync"

/** The progress of a run that has just started. */
export function startingProgress(): RunProgress {
  return { phase: "starting", pages_fetched: 0, pages_total: null, products_written: 0, products_planned: null }
}
