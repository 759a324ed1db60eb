export { syncCatalogWorkflow, syncCatalogWorkflowId } from "./sync-catalog"
export type { SyncCatalogInput } from "./types"
