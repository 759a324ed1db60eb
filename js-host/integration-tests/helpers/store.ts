import type { Api } from "./admin"
import type { AdminAuth } from "./runs"

/** A product as `GET /admin/products` returns it with {@link PRODUCT_FIELDS}. */
export interface StoreProduct {
  id: string
  title: string
  handle: string
  description: string | null
  status: string
  thumbnail: string | null
  external_id: string | null
  weight: number | string | null
  width: number | string | null
  height: number | string | null
  length: number | string | null
  metadata: Record<string, unknown> | null
  updated_at: string
  images: { url: string; rank: number }[]
  tags: { value: string }[]
  categories: { id: string; handle: string; name: string }[]
  sales_channels: { id: string }[]
  variants: {
    id: string
    sku: string | null
    barcode: string | null
    manage_inventory: boolean
    updated_at: string
    prices: { amount: number; currency_code: string }[]
    inventory_items: { inventory: { location_levels: { location_id: string; stocked_quantity: number }[] } }[]
  }[]
}

const PRODUCT_FIELDS = [
  "id",
  "title",
  "handle",
  "description",
  "status",
  "thumbnail",
  "external_id",
  "weight",
  "width",
  "height",
  "length",
  "metadata",
  "updated_at",
  "*images",
  "*tags",
  "*categories",
  "*sales_channels",
  "variants.id",
  "variants.sku",
  "variants.barcode",
  "variants.manage_inventory",
  "variants.updated_at",
  "*variants.prices",
  "variants.inventory_items.inventory.location_levels.location_id",
  "variants.inventory_items.inventory.location_levels.stocked_quantity",
].join(",")

/** Every product of the store, through the admin API. */
export async function listStoreProducts(api: Api, auth: AdminAuth): Promise<StoreProduct[]> {
  const { data } = await api.get<{ products: StoreProduct[]; count: number }>(
    `/admin/products?limit=1000&fields=${encodeURIComponent(PRODUCT_FIELDS)}`,
    auth
  )
  return data.products
}

/** A product's stocked quantity: its variant's inventory levels, summed (the sync keeps one level per item). */
export function stockOf(product: StoreProduct): number {
  return product.variants[0].inventory_items
    .flatMap((item) => item.inventory.location_levels)
    .reduce((sum, level) => sum + Number(level.stocked_quantity), 0)
}

/** The store's products keyed by source id (from `external_id` = `dummyjson:<id>`). */
export async function storeProductsBySourceId(api: Api, auth: AdminAuth): Promise<Map<number, StoreProduct>> {
  const bySourceId = new Map<number, StoreProduct>()
  for (const product of await listStoreProducts(api, auth)) {
    const match = /^dummyjson:(\d+)$/.exec(product.external_id ?? "")
    if (match) {
      bySourceId.set(Number(match[1]), product)
    }
  }
  return bySourceId
}

/** Every product category of the store. */
export async function listStoreCategories(
  api: Api,
  auth: AdminAuth
): Promise<{ id: string; handle: string; name: string; is_active: boolean }[]> {
  const { data } = await api.get<{ product_categories: { id: string; handle: string; name: string; is_active: boolean }[] }>(
    "/admin/product-categories?limit=1000&fields=id,handle,name,is_active",
    auth
  )
  return data.product_categories
}
