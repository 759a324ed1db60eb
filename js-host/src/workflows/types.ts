/** Input of the sync workflow. */
export interface SyncCatalogInput {
  /** The run, which this process owns (see `executeHere`). */
  runId: string
  /** Source product ids of a targeted sync, `null` for a full sync. */
  productIds: number[] | null
  /** For an `apply_preview` run: the preview whose plan it applies (it writes only if it finds the same). */
  previewOf?: string | null
}
