import type { RemoteQueryFunction } from "@medusajs/framework/types"
import { syncMarkers } from "catalog-sync-core"
import type { StoreProductRow } from "catalog-sync-core"

/**
 * Reads, as Query rows, every product the sync owns (`external_id` starting with the core's
 * `externalIdPrefix`, `dummyjson:`) with what the core's `readSnapshot` decides from: fingerprints in
 * metadata, images, sales channels, the variant with its prices and inventory item.
 *
 * @param query - Medusa's Query
 */
export async function readOwnedProductRows(query: Omit<RemoteQueryFunction, symbol>): Promise<StoreProductRow[]> {
  const { data } = await query.graph({
    entity: "product",
    fields: [
      "id",
      "external_id",
      "handle",
      "status",
      "metadata",
      "images.id",
      "images.url",
      "sales_channels.id",
      "variants.id",
      "variants.manage_inventory",
      "variants.prices.id",
      "variants.prices.currency_code",
      "variants.inventory_items.inventory_item_id",
    ],
    filters: { external_id: { $like: `${syncMarkers().externalIdPrefix}%` } },
  })
  return data as StoreProductRow[]
}
