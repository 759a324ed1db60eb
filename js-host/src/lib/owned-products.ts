import type { RemoteQueryFunction } from "@medusajs/framework/types"
import { syncMarkers } from "catalog-sync-core"
import type { StoreProductRow } from "catalog-sync-core"

/** Product ids per read-back query (keeps each SQL `IN (...)` list moderate). */
const IDS_PER_QUERY = 1000

/** What the core reads of an owned product (`StoreProductRow`): Query fields. */
const FIELDS = [
  "id",
  "external_id",
  "handle",
  "status",
  "updated_at",
  "metadata",
  "images.id",
  "images.url",
  "sales_channels.id",
  "variants.id",
  "variants.sku",
  "variants.manage_inventory",
  "variants.updated_at",
  "variants.price_set.id",
  "variants.prices.id",
  "variants.prices.currency_code",
  "variants.prices.amount",
  "variants.prices.rules_count",
  "variants.prices.min_quantity",
  "variants.prices.max_quantity",
  "variants.prices.price_list_id",
  "variants.inventory_items.inventory_item_id",
  "variants.inventory_items.inventory.id",
]

/** A timestamp as ISO 8601 text (Query gives dates). */
function iso(value: unknown): string | null {
  return value === null || value === undefined ? null : new Date(value as string).toISOString()
}

/** Query's rows in the core's shape: timestamps as text, amounts as numbers. */
function toStoreRows(data: Record<string, any>[]): StoreProductRow[] {
  return data.map((row) => ({
    ...row,
    updated_at: iso(row.updated_at),
    variants: (row.variants ?? []).map((variant: Record<string, any>) => ({
      ...variant,
      updated_at: iso(variant.updated_at),
      prices: (variant.prices ?? []).map((price: Record<string, any>) => ({
        ...price,
        amount: Number(price.amount),
        min_quantity: price.min_quantity === null || price.min_quantity === undefined ? null : Number(price.min_quantity),
        max_quantity: price.max_quantity === null || price.max_quantity === undefined ? null : Number(price.max_quantity),
      })),
    })),
  })) as StoreProductRow[]
}

/**
 * Reads, as Query rows, every product the sync owns (`external_id` starting with the core's
 * `externalIdPrefix`, `dummyjson:`) with what the core's `readSnapshot` decides from: fingerprints in
 * metadata, `updated_at`, images, sales channels, every variant with its SKU, price set, prices
 * (amounts, rules, price list) and inventory item links (with the live item).
 *
 * @param query - Medusa's Query
 */
export async function readOwnedProductRows(query: Omit<RemoteQueryFunction, symbol>): Promise<StoreProductRow[]> {
  const { data } = await query.graph({
    entity: "product",
    fields: FIELDS,
    filters: { external_id: { $like: `${syncMarkers().externalIdPrefix}%` } },
  })
  return toStoreRows(data)
}

/**
 * Reads the same rows for these products only (after a batch's write, for the ledger).
 *
 * @param query - Medusa's Query
 * @param productIds - the products' ids
 */
export async function readProductRows(
  query: Omit<RemoteQueryFunction, symbol>,
  productIds: string[]
): Promise<StoreProductRow[]> {
  const rows: StoreProductRow[] = []
  for (let i = 0; i < productIds.length; i += IDS_PER_QUERY) {
    const { data } = await query.graph({
      entity: "product",
      fields: FIELDS,
      filters: { id: productIds.slice(i, i + IDS_PER_QUERY) },
    })
    rows.push(...toStoreRows(data))
  }
  return rows
}
