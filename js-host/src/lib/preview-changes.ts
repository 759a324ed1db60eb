import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { MedusaContainer, RemoteQueryFunction } from "@medusajs/framework/types"
import { planChanges, previewOwnedProducts, previewTaxonomy } from "catalog-sync-core"
import type { ChangeList, CurrentProduct, LedgerRow, ProductStamp } from "catalog-sync-core"
import type { FetchedWithBodies } from "./source-bodies"
import { CATALOG_SYNC_MODULE } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import { readStoreSetup } from "../workflows/steps/prepare-store"
import type { StoreSnapshot } from "../workflows/steps/read-snapshot"
import { readProductRows } from "./owned-products"
import { readCategories, readTags } from "../workflows/steps/reconcile-taxonomy"
import { readLevels } from "./stock-levels"

/** Product ids per query of current values (keeps each SQL `IN (...)` list moderate). */
const IDS_PER_QUERY = 1000

/** The current values of these products that a preview compares (the core's `CurrentProduct`). */
async function readCurrentProducts(query: Omit<RemoteQueryFunction, symbol>, ids: string[]): Promise<CurrentProduct[]> {
  const current: CurrentProduct[] = []
  for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
    const { data } = await query.graph({
      entity: "product",
      fields: ["id", "title", "description", "thumbnail", "images.url", "images.rank", "categories.handle", "tags.value"],
      filters: { id: ids.slice(start, start + IDS_PER_QUERY) },
    })
    for (const product of data) {
      const images = [...(product.images ?? [])].sort((a, b) => (a?.rank ?? 0) - (b?.rank ?? 0))
      current.push({
        product_id: product.id,
        title: product.title,
        description: product.description ?? null,
        category_handles: (product.categories ?? [])
          .map((category: { handle?: string } | null) => category?.handle ?? "")
          .filter(Boolean),
        tag_values: (product.tags ?? []).map((tag: { value?: string } | null) => tag?.value ?? "").filter(Boolean),
        thumbnail: product.thumbnail ?? null,
        image_urls: images.map((image) => image?.url ?? "").filter(Boolean),
      })
    }
  }
  return current
}

/**
 * What a full sync would change now, product by product, with nothing written: the core plans with the store as
 * it is — its setup as `planStoreSetup` reads it (no currency added, no location created), the full rows of every
 * owned product (`previewOwnedProducts`; a run reads those of changed products only), nothing repaired, the categories and tags a run would create as placeholders (`previewTaxonomy`), the images copied so
 * far — and lists the changes of that plan (`planChanges`) against the products' current values and stock levels.
 * A preview stores the list; an apply run makes it again from what it fetched and compares the fingerprints.
 */
export async function planPreviewChanges(
  container: MedusaContainer,
  fetched: FetchedWithBodies,
  snapshot: StoreSnapshot
): Promise<ChangeList> {
  const service = container.resolve<CatalogSyncModuleService>(CATALOG_SYNC_MODULE)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const options = service.getSyncOptions()
  const setup = await readStoreSetup(container, options)
  const stockLocationId = setup.stockLocation.action === "use" ? setup.stockLocation.id : null
  const stamps = JSON.parse(snapshot.stampsJson) as ProductStamp[]
  const store = previewOwnedProducts({
    rows: await readProductRows(query, stamps.map((stamp) => stamp.id)),
    ledger: JSON.parse(snapshot.ledgerJson) as LedgerRow[],
  })
  const [categories, tags, current, levels, storedImages] = await Promise.all([
    readCategories(container),
    readTags(container),
    readCurrentProducts(query, store.owned.map((product) => product.id)),
    stockLocationId ? readLevels(container, stockLocationId) : Promise.resolve([]),
    service.listStoredImages(),
  ])
  const taxonomy = previewTaxonomy({
    pages: fetched.pages,
    products: fetched.products,
    categoriesBody: fetched.categoriesBody,
    existingCategories: categories,
    existingTags: tags,
  })
  return planChanges({
    plan: {
      options,
      pages: fetched.pages,
      products: fetched.products,
      notFoundIds: fetched.notFoundIds,
      scope: { kind: "full" },
      categories: taxonomy.categories,
      tags: taxonomy.tags,
      owned: store.owned,
      takenHandles: snapshot.takenHandles,
      salesChannelId: setup.salesChannelId,
      stockLocationId: stockLocationId ?? undefined,
      storedImages,
      imageFailures: [],
    },
    current,
    stock: { items: store.inventoryItems, levels },
    categoriesBody: fetched.categoriesBody,
  })
}
