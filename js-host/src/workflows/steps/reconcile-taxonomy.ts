import {
  createProductCategoriesWorkflow,
  createProductTagsWorkflow,
  updateProductCategoriesWorkflow,
} from "@medusajs/medusa/core-flows"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { ExistingCategory, ExistingTag, FetchedOutline, TaxonomyStore } from "catalog-sync-core"
import { take } from "../../lib/run-core"
import { trackerFor } from "../../lib/run-tracker"

/** Input of the taxonomy step. */
export interface ReconcileTaxonomyInput {
  runId: string
  fetched: FetchedOutline
}

/** Every category and tag of the store once the sync's own exist (the plan links products to them). */
export interface StoreTaxonomy {
  categories: ExistingCategory[]
  tags: ExistingTag[]
}

/** Every category of the store. */
export async function readCategories(container: MedusaContainer): Promise<ExistingCategory[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "product_category", fields: ["id", "handle", "name"] })
  return data.map(({ id, handle, name }) => ({ id, handle, name }))
}

/** Every tag of the store. */
export async function readTags(container: MedusaContainer): Promise<ExistingTag[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "product_tag", fields: ["id", "value"] })
  return data.map(({ id, value }) => ({ id, value }))
}

/**
 * Creates the categories and tags the incoming products use and renames categories whose name
 * changed upstream, as the core plans it (the run's `TaxonomyReader`, which the fetch step fed each body as it
 * arrived), through Medusa's category and tag workflows. Returns the store's categories and tags afterwards.
 *
 * Forward-only, with no compensation on purpose: the categories and tags it creates are the source's, and
 * products written later in the same or another run point at them; removing them when a later step fails could
 * strand those products. Idempotent: the next run finds them by handle and value and creates none again.
 */
export const reconcileTaxonomyStep = createStep(
  "catalog-sync-reconcile-taxonomy",
  async (input: ReconcileTaxonomyInput, { container }): Promise<StepResponse<StoreTaxonomy>> => {
    const taxonomy = await trackerFor(input.runId).phase("taxonomy", async () => {
      const [existingCategories, existingTags] = await Promise.all([
        readCategories(container),
        readTags(container),
      ])
      const store: TaxonomyStore = { categoriesBody: input.fetched.categoriesBody, existingCategories, existingTags }
      // The reader read every body during the fetch; `plan` ends it.
      const { categories: categoryPlan, tags: tagPlan } = take(input.runId, "taxonomy").plan(store)
      if (categoryPlan.create.length) {
        await createProductCategoriesWorkflow(container).run({
          input: { product_categories: categoryPlan.create },
        })
      }
      for (const rename of categoryPlan.update) {
        await updateProductCategoriesWorkflow(container).run({
          input: { selector: { id: rename.id }, update: { name: rename.name } },
        })
      }
      if (tagPlan.create.length) {
        await createProductTagsWorkflow(container).run({ input: { product_tags: tagPlan.create } })
      }
      const changedCategories = categoryPlan.create.length + categoryPlan.update.length > 0
      return {
        categories: changedCategories ? await readCategories(container) : existingCategories,
        tags: tagPlan.create.length ? await readTags(container) : existingTags,
      }
    })
    return new StepResponse(taxonomy)
  }
)
