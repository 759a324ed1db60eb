import { createInventoryItemsWorkflow, createProductsWorkflow } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { WorkflowData } from "@medusajs/framework/workflows-sdk"
import type { InventoryItemCreateInput, ProductCreateInput } from "catalog-sync-core"

/** Id of the create workflow. */
export const createSyncedProductsWorkflowId = "catalog-sync-create-products"

/** One create batch of the core's plan: the products, and the inventory item of each one's variant. */
export interface CreateSyncedProductsInput {
  products: ProductCreateInput[]
  /** Same positions as `products`. */
  inventoryItems: InventoryItemCreateInput[]
}

/**
 * Creates a batch of products with their stock: first each variant's inventory item with its level
 * at the sync's stock location (`createInventoryItemsWorkflow`, the item Medusa would create by
 * default for the variant, as the core describes it), then the products with each variant linked to
 * its item (`createProductsWorkflow`, which then creates no item of its own). Both run as steps of
 * this workflow: when the product creation fails, the items and levels are compensated too.
 * Returns the created products and, by `external_id`, the id of each one's inventory item.
 */
export const createSyncedProductsWorkflow = createWorkflow(
  createSyncedProductsWorkflowId,
  (input: WorkflowData<CreateSyncedProductsInput>) => {
    const items = createInventoryItemsWorkflow.runAsStep({ input: { items: input.inventoryItems } })
    const products = transform({ input, items }, ({ input, items }) =>
      input.products.map((product, i) => ({
        ...product,
        variants: product.variants.map((variant) => ({
          ...variant,
          inventory_items: [{ inventory_item_id: items[i].id, required_quantity: 1 }],
        })),
      }))
    )
    const created = createProductsWorkflow.runAsStep({ input: { products } })
    const inventoryItemIds = transform({ input, items }, ({ input, items }) =>
      Object.fromEntries(input.products.map((product, i) => [product.external_id, items[i].id]))
    )
    return new WorkflowResponse({ products: created, inventoryItemIds })
  }
)
