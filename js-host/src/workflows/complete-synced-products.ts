import {
  createInventoryItemsWorkflow,
  createProductVariantsWorkflow,
  createRemoteLinkStep,
  dismissRemoteLinkStep,
  upsertVariantPricesWorkflow,
} from "@medusajs/medusa/core-flows"
import { Modules } from "@medusajs/framework/utils"
import { createWorkflow, transform, when } from "@medusajs/framework/workflows-sdk"
import type { WorkflowData } from "@medusajs/framework/workflows-sdk"
import type { ProductCompletion } from "catalog-sync-core"

/** Id of the completion workflow. */
export const completeSyncedProductsWorkflowId = "catalog-sync-complete-products"

/** One `complete` batch of the core's plan. */
export interface CompleteSyncedProductsInput {
  completions: ProductCompletion[]
}

/**
 * Gives owned products exactly what they lack, as the core's completions say, on the products as they
 * are (the product keeps its id; a variant that exists keeps its id):
 * 1. links to deleted inventory items are dismissed;
 * 2. the missing inventory items are created with their level at the sync's stock location
 *    (`createInventoryItemsWorkflow`): one per variant to create, one per variant without an item;
 * 3. a product without the sync's variant gets it (`createProductVariantsWorkflow`: variant, price set,
 *    prices), linked to its new item;
 * 4. a variant without an item is linked to its new item (`required_quantity` 1);
 * 5. a variant that lost its price set gets a new one with the sync's price
 *    (`upsertVariantPricesWorkflow` with no previous variants, which treats it as new).
 * Each part runs as a step of this workflow, so a failure compensates the parts done before it.
 */
export const completeSyncedProductsWorkflow = createWorkflow(
  completeSyncedProductsWorkflowId,
  (input: WorkflowData<CompleteSyncedProductsInput>) => {
    const parts = transform({ input }, ({ input }) => {
      const variants = input.completions.flatMap((completion) => (completion.variant ? [completion.variant] : []))
      const items = input.completions.flatMap((completion) => (completion.inventory_item ? [completion.inventory_item] : []))
      return {
        dangling: items
          .filter((item) => item.dismiss_item_id)
          .map((item) => ({
            [Modules.PRODUCT]: { variant_id: item.variant_id },
            [Modules.INVENTORY]: { inventory_item_id: item.dismiss_item_id as string },
          })),
        newItems: [...variants.map((variant) => variant.inventory_item), ...items.map((item) => item.item)],
        variants,
        items,
        prices: input.completions.flatMap((completion) => (completion.prices ? [completion.prices] : [])),
      }
    })
    when({ parts }, ({ parts }) => parts.dangling.length > 0).then(() => {
      dismissRemoteLinkStep(parts.dangling)
    })
    const created = when({ parts }, ({ parts }) => parts.newItems.length > 0).then(() =>
      createInventoryItemsWorkflow.runAsStep({ input: { items: parts.newItems } })
    )
    const links = transform({ parts, created }, ({ parts, created }) => {
      const ids = (created ?? []).map((item: { id: string }) => item.id)
      return {
        variants: parts.variants.map((completion, i) => ({
          ...completion.variant,
          inventory_items: [{ inventory_item_id: ids[i], required_quantity: 1 }],
        })),
        items: parts.items.map((completion, j) => ({
          [Modules.PRODUCT]: { variant_id: completion.variant_id },
          [Modules.INVENTORY]: { inventory_item_id: ids[parts.variants.length + j] },
          data: { required_quantity: 1 },
        })),
      }
    })
    when({ links }, ({ links }) => links.variants.length > 0).then(() => {
      createProductVariantsWorkflow.runAsStep({ input: { product_variants: links.variants } })
    })
    when({ links }, ({ links }) => links.items.length > 0).then(() => {
      createRemoteLinkStep(links.items)
    })
    when({ parts }, ({ parts }) => parts.prices.length > 0).then(() => {
      upsertVariantPricesWorkflow.runAsStep({ input: { variantPrices: parts.prices, previousVariantIds: [] } })
    })
  }
)
