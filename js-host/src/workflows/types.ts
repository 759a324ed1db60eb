/** Input of the sync workflow. */
export interface SyncCatalogInput {
  /** The run record (created by `startSync`, which also holds the lock). */
  runId: string
  /** Source product ids of a targeted sync, `null` for a full sync. */
  productIds: number[] | null
}
