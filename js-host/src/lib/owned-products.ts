import type { RemoteQueryFunction } from "@medusajs/framework/types"
import type { InventoryItemRef, OwnedProduct } from "catalog-sync-core"

/** Prefix of `external_id` on the products the sync owns (`dummyjson:<source id>`). */
const EXTERNAL_ID_PREFIX = "dummyjson:"

/**
 * A product the sync owns, as the core sees it (`product`), plus what a write interrupted by a
 * crash may have left out: Medusa's `createProductsWorkflow` stores the product first, then its
 * sales-channel link, then the variant, its inventory item and its price, each in its own
 * transaction; a process killed in between leaves the later parts missing and nothing compensates.
 */
export interface OwnedProductState {
  product: OwnedProduct
  /** The product has no variant, its variant no price in the sync's currency, or a variant that
   *  manages inventory has no inventory item. */
  missingVariantParts: boolean
  /** The product is in no sales channel. */
  inNoSalesChannel: boolean
  /** The inventory item of its variant, when it has one (the stock step sets its level). */
  inventoryItem: InventoryItemRef | null
}

interface OwnedProductRow {
  id: string
  external_id: string
  handle: string
  status: string
  metadata: Record<string, unknown> | null
  images: { id: string; url: string }[] | null
  sales_channels: { id: string }[] | null
  variants:
    | {
        id: string
        manage_inventory: boolean
        prices: { id: string; currency_code: string }[] | null
        inventory_items: { inventory_item_id: string }[] | null
      }[]
    | null
}

function metadataString(metadata: Record<string, unknown> | null, key: string): string | null {
  const value = metadata?.[key]
  return typeof value === "string" ? value : null
}

/** The inventory item of a product's (single) variant, as the core's stock plan takes it. */
export function inventoryItemOf(
  externalId: string,
  variant: { inventory_items: { inventory_item_id: string }[] | null } | null
): InventoryItemRef | null {
  const item = variant?.inventory_items?.[0]
  return item ? { externalId, inventoryItemId: item.inventory_item_id } : null
}

/** Translates a product row into the core's `OwnedProduct` (fingerprints are kept in metadata). */
function toOwnedProductState(row: OwnedProductRow, currencyCode: string): OwnedProductState {
  const variants = row.variants ?? []
  const variant = variants[0] ?? null
  const price = variant?.prices?.find((candidate) => candidate.currency_code === currencyCode) ?? null
  return {
    product: {
      id: row.id,
      externalId: row.external_id,
      handle: row.handle,
      status: row.status,
      fingerprint: metadataString(row.metadata, "catalog_sync_fingerprint"),
      imagesFingerprint: metadataString(row.metadata, "catalog_sync_images_fingerprint"),
      variantId: variant?.id ?? null,
      priceId: price?.id ?? null,
      images: (row.images ?? []).map(({ id, url }) => ({ id, url })),
    },
    missingVariantParts:
      variant === null ||
      price === null ||
      variants.some((candidate) => candidate.manage_inventory && !(candidate.inventory_items ?? []).length),
    inNoSalesChannel: !(row.sales_channels ?? []).length,
    inventoryItem: inventoryItemOf(row.external_id, variant),
  }
}

/**
 * Reads every product the sync owns (`external_id` starting with {@link EXTERNAL_ID_PREFIX}) with
 * the fields the core plans with and the parts an interrupted write may have left out.
 *
 * @param query - Medusa's Query
 * @param currencyCode - the sync's currency (the price the core updates)
 */
export async function readOwnedProducts(
  query: Omit<RemoteQueryFunction, symbol>,
  currencyCode: string
): Promise<OwnedProductState[]> {
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
    filters: { external_id: { $like: `${EXTERNAL_ID_PREFIX}%` } },
  })
  return (data as OwnedProductRow[]).map((row) => toOwnedProductState(row, currencyCode))
}
