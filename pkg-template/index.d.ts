// catalog-sync-core: every function of the core (catalog_sync.d.ts), every boundary type generated from the
// Rust structs (types.d.ts), and `planSync`, the parsed form of `planSyncJson` (index.js).
import type { PlanInput, SyncPlan } from "./types";

export * from "./catalog_sync";
export * from "./types";

/**
 * Plans a sync: which products to create, update, archive or delete, in batches, with every problem found.
 * Never throws because of source data (bad products become `plan.errors`); throws a `CatalogSyncError` with
 * code `INVALID_INPUT` when the input has the wrong shape.
 *
 * ```js
 * const plan = planSync({ options, pages, scope: { kind: "full" }, categories, tags, owned: [], takenHandles: [],
 *                         salesChannelId });
 * ```
 */
export declare function planSync(input: PlanInput): SyncPlan;
