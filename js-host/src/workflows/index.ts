export { applyRemovalsWorkflow, applyRemovalsWorkflowId } from "./apply-removals"
export type { ApplyRemovalsInput } from "./apply-removals"
export { syncCatalogWorkflow, syncCatalogWorkflowId } from "./sync-catalog"
export type { SyncCatalogInput } from "./types"
