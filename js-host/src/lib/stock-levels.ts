import type { IInventoryService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { ExistingLevel } from "catalog-sync-core"
import { readOnlyRows } from "./read-only-sql"

/**
 * The levels at the location as one read-only statement over the Inventory module's table (Medusa 2.21): `json_agg`
 * makes every level one entry of one JSON text (the core's `ExistingLevel`), so the host holds no object per level.
 * Live levels only (`deleted_at IS NULL`), as the module lists them.
 */
const LEVELS_SQL = `
  SELECT coalesce(json_agg(json_build_object('inventoryItemId', inventory_item_id,
                                             'stockedQuantity', stocked_quantity)), '[]'::json)::text AS levels
    FROM inventory_level WHERE location_id = ? AND deleted_at IS NULL`

/** The levels through the Inventory module (slower: an entity per level; used when the statement fails). */
async function levelsByModule(container: MedusaContainer, locationId: string): Promise<ExistingLevel[]> {
  const inventory = container.resolve<IInventoryService>(Modules.INVENTORY)
  const rows = await inventory.listInventoryLevels(
    { location_id: locationId },
    { select: ["inventory_item_id", "stocked_quantity"], take: null }
  )
  return rows.map((row) => ({ inventoryItemId: row.inventory_item_id, stockedQuantity: Number(row.stocked_quantity) }))
}

/**
 * Reads every stock level at the location (a superset of the owned products' inventory items' levels there): its
 * inventory item and stocked quantity, as one JSON text (an array of the core's `ExistingLevel`) for the core's
 * `planStock`. One SQL statement; through the Inventory module when it fails (e.g. a Medusa version with other
 * tables). A level edited in the admin is read as it is now.
 *
 * @param container - the Medusa container (PostgreSQL connection, the Inventory module for the fallback)
 * @param locationId - the sync's stock location
 */
export async function readLevelsJson(container: MedusaContainer, locationId: string): Promise<string> {
  try {
    const rows = await readOnlyRows<{ levels: string }>(container.resolve(ContainerRegistrationKeys.PG_CONNECTION), LEVELS_SQL, [locationId])
    return rows[0].levels
  } catch (error) {
    container
      .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      .warn(`catalog-sync: reading the stock levels by SQL failed (${(error as Error).message}); reading them through the Inventory module`)
    return JSON.stringify(await levelsByModule(container, locationId))
  }
}

/**
 * The stock levels at the location as objects ({@link readLevelsJson}, parsed), for a preview's change list.
 *
 * @param container - the Medusa container
 * @param locationId - the sync's stock location
 */
export async function readLevels(container: MedusaContainer, locationId: string): Promise<ExistingLevel[]> {
  return JSON.parse(await readLevelsJson(container, locationId)) as ExistingLevel[]
}
