import type { Logger, MedusaContainer, RemoteQueryFunction } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { syncMarkers } from "catalog-sync-core"
import type { ProductStamp, StoreProductRow } from "catalog-sync-core"
import { readOnlyRows } from "./read-only-sql"

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

/** What the stamps read of an owned product through Query (the fallback of [`readProductStamps`]). */
const STAMP_FIELDS = [
  "id",
  "external_id",
  "handle",
  "status",
  "updated_at",
  "sales_channels.id",
  "variants.id",
  "variants.updated_at",
  "variants.manage_inventory",
  "variants.price_set.id",
  "variants.inventory_items.inventory_item_id",
  "variants.inventory_items.inventory.id",
]

/**
 * The stamps as one read-only statement over the tables behind Query's product, link and inventory entities
 * (Medusa 2.21): `json_agg` makes the whole list one JSON text, so the host holds no object per product. Live rows
 * only, as Query gives them. The timestamps are PostgreSQL's own JSON text of a `timestamptz` (ISO 8601 with
 * microseconds and the offset, e.g. `2026-12-07T04:50:00.123456+00:00`), which the core reads to the millisecond like
 * any ISO 8601 text: formatting them with `to_char` took about 30 % of the statement at 100,000 products.
 *
 * The subqueries stay correlated, one index lookup per product and relation, and each lookup must find its rows
 * through an index on the column it matches, whatever the statistics: a grouped version ran for minutes on tables
 * PostgreSQL had not analyzed yet (README, "The fetch and the snapshot at 100,000 products"). On such tables the
 * planner takes `deleted_at IS NULL` to keep 0.5 % of the rows, so every index partial on it (Medusa gives each link
 * table two: one on each side of the link) looks almost empty, and it read the link tables' rows through the one on
 * the *other* side (the sales channel, the price set, the inventory item), filtering every row of the table per
 * product: 1.4–2.4 s at 2,000 products instead of 0.1 s (README, "The stamps statement on tables not analyzed
 * yet"). The liveness of a link row, price set or inventory item is therefore tested as `num_nulls(deleted_at) = 1`
 * (the same rows), from which the planner proves no partial index's predicate: the index left for the matched
 * column is the table's primary key, which starts with it. The variants keep `deleted_at IS NULL`: their indexes on
 * `product_id` are all partial, and the planner takes the one that starts with it, analyzed or not.
 */
function stampsSql(prefix: string): { sql: string; bindings: string[] } {
  const sql = `
    SELECT coalesce(json_agg(json_build_object(
      'id', p.id, 'external_id', p.external_id, 'handle', p.handle, 'status', p.status,
      'updated_at', p.updated_at,
      'sales_channels', coalesce((SELECT json_agg(psc.sales_channel_id) FROM product_sales_channel psc
                                   WHERE psc.product_id = p.id AND num_nulls(psc.deleted_at) = 1), '[]'::json),
      'variants', coalesce((SELECT json_agg(json_build_object(
          'id', v.id, 'updated_at', v.updated_at, 'manage_inventory', v.manage_inventory,
          'price_set', EXISTS (SELECT 1 FROM product_variant_price_set l JOIN price_set ps ON ps.id = l.price_set_id
                               WHERE l.variant_id = v.id AND num_nulls(l.deleted_at) = 1 AND num_nulls(ps.deleted_at) = 1),
          'inventory_items', coalesce((SELECT json_agg(l.inventory_item_id) FROM product_variant_inventory_item l
                                       JOIN inventory_item i ON i.id = l.inventory_item_id
                                       WHERE l.variant_id = v.id AND num_nulls(l.deleted_at) = 1 AND num_nulls(i.deleted_at) = 1),
                                      '[]'::json)
        ) ORDER BY v.id) FROM product_variant v WHERE v.product_id = p.id AND v.deleted_at IS NULL), '[]'::json)
    ) ORDER BY p.id), '[]'::json)::text AS stamps
    FROM product p WHERE p.deleted_at IS NULL AND p.external_id LIKE ?`
  return { sql, bindings: [`${prefix}%`] }
}

/** The stamps through Query (slower; used when the statement fails, e.g. a Medusa version with other tables). */
async function stampsByQuery(query: Omit<RemoteQueryFunction, symbol>, prefix: string): Promise<ProductStamp[]> {
  const { data } = await query.graph({ entity: "product", fields: STAMP_FIELDS, filters: { external_id: { $like: `${prefix}%` } } })
  return (data as Record<string, any>[]).map((row) => ({
    id: row.id,
    external_id: row.external_id,
    handle: row.handle,
    status: row.status,
    updated_at: iso(row.updated_at),
    sales_channels: (row.sales_channels ?? []).filter(Boolean).map((channel: { id: string }) => channel.id),
    variants: (row.variants ?? []).map((variant: Record<string, any>) => ({
      id: variant.id,
      updated_at: iso(variant.updated_at),
      manage_inventory: Boolean(variant.manage_inventory),
      price_set: Boolean(variant.price_set?.id),
      inventory_items: (variant.inventory_items ?? [])
        .filter((link: Record<string, any>) => link?.inventory?.id)
        .map((link: Record<string, any>) => link.inventory_item_id),
    })),
  }))
}

/**
 * Reads the **stamps** of every product the sync owns (`external_id` starting with the core's `externalIdPrefix`):
 * ids, handle, status, `updated_at` of the product and of each variant, sales channel ids, whether each variant has
 * a price set and which live inventory items it links — nothing of the relations' content. One JSON text (an
 * array of the core's `ProductStamp`) for the core's `StoreCheck`, which decides from it which products' full rows
 * to read. The statement runs in a read-only transaction with JIT off (`readOnlyRows`).
 *
 * @param container - the Medusa container (PostgreSQL connection, Query for the fallback)
 */
export async function readProductStamps(container: MedusaContainer): Promise<string> {
  const prefix = syncMarkers().externalIdPrefix
  try {
    const { sql, bindings } = stampsSql(prefix)
    const rows = await readOnlyRows<{ stamps: string }>(container.resolve(ContainerRegistrationKeys.PG_CONNECTION), sql, bindings)
    return rows[0].stamps
  } catch (error) {
    container
      .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      .warn(`catalog-sync: reading the product stamps by SQL failed (${(error as Error).message}); reading them through Query`)
    return JSON.stringify(await stampsByQuery(container.resolve(ContainerRegistrationKeys.QUERY), prefix))
  }
}

/**
 * Reads the full rows ([`StoreProductRow`]: what the core decides a write or a repair from) of these products only:
 * fingerprints in metadata, `updated_at`, images, sales channels, every variant with its SKU, price set, prices
 * (amounts, rules, price list) and inventory item links (with the live item). In windows of 1,000 ids per query.
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

/**
 * Reads the handles of every product the sync does not own (a created product's handle must differ from them): by
 * SQL, or through Query when the statement fails.
 *
 * @param container - the Medusa container (PostgreSQL connection, Query for the fallback)
 */
export async function readTakenHandles(container: MedusaContainer): Promise<string[]> {
  const prefix = syncMarkers().externalIdPrefix
  try {
    const rows = await readOnlyRows<{ handle: string }>(
      container.resolve(ContainerRegistrationKeys.PG_CONNECTION),
      "SELECT handle FROM product WHERE deleted_at IS NULL AND (external_id IS NULL OR external_id NOT LIKE ?)",
      [`${prefix}%`]
    )
    return rows.map((row) => row.handle)
  } catch {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data } = await query.graph({ entity: "product", fields: ["handle", "external_id"] })
    return (data as { handle: string; external_id: string | null }[])
      .filter((row) => !row.external_id?.startsWith(prefix))
      .map((row) => row.handle)
  }
}
