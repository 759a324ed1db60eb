// catalog-sync-core: every function and class of the core (catalog_sync.d.ts) and every boundary type generated
// from the Rust structs (types.d.ts).
export * from "./catalog_sync";
export * from "./types";
