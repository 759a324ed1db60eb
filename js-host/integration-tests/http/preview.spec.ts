import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { updateProductsWorkflow } from "@medusajs/medusa/core-flows"
import type { RunView as SyncRunView } from "catalog-sync-core"
import { waitForRun } from "../helpers/runs"
import { listStoreProducts, storeProductsBySourceId } from "../helpers/store"
import { pluginSuite } from "../helpers/suite"

jest.setTimeout(180_000)

const ANY_STATUS = { validateStatus: () => true }

/** A change as `GET /admin/sync/runs/:id/changes` lists it. */
interface ChangeRow {
  source_id: number | null
  product_id: string | null
  kind: string
  title: string | null
  diff: { field: string; old: unknown; new: unknown }[]
  completes: string[]
  errors: { field: string | null; code: string; message: string }[]
}

interface ChangesPage {
  changes: ChangeRow[]
  count: number
  limit: number
  offset: number
  counts: Record<string, number> | null
}

pluginSuite(
  {
    options: (standIn) => ({
      sourceUrl: standIn.url,
      schedule: false,
      images: "link",
      previewTtlMs: 60_000,
    }),
    syncedFirst: 194,
  },
  (suite) => {
    const { api, auth, getContainer } = suite

    /** `POST /admin/sync/preview`, expecting 202, then the ended preview run. */
    async function preview(): Promise<SyncRunView> {
      const started = await api.post<{ run_id: string }>("/admin/sync/preview", {}, auth)
      expect(started.status).toBe(202)
      return waitForRun(api, auth, started.data.run_id)
    }

    async function changes(runId: string, query = ""): Promise<ChangesPage> {
      const { status, data } = await api.get<ChangesPage>(`/admin/sync/runs/${runId}/changes${query}`, auth)
      expect(status).toBe(200)
      return data
    }

    /** Every change of a preview, page by page (100 at a time). */
    async function allChanges(runId: string, kind?: string): Promise<ChangeRow[]> {
      const rows: ChangeRow[] = []
      for (let offset = 0; ; offset += 100) {
        const page = await changes(runId, `?limit=100&offset=${offset}${kind ? `&kind=${kind}` : ""}`)
        rows.push(...page.changes)
        if (rows.length >= page.count) {
          return rows
        }
      }
    }

    it("previews the source's changes field by field and writes nothing", async () => {
      const before = await listStoreProducts(api, auth)
      suite.standIn.mutate({ update: [{ id: 3, title: "Lamp Deluxe", price: 12.5 }, { id: 9, price: "free" }], remove: [5] })
      const { added } = suite.standIn.mutate({ add: 1 })
      expect(added).toHaveLength(1)

      const run = await preview()
      expect(run.trigger).toBe("preview")
      expect(run.status).toBe("partial")
      expect(run.change_counts).toEqual({ created: 1, updated: 1, removed: 1, kept: 191, rejected: 1, held: 0 })
      // Nothing was written.
      const after = await listStoreProducts(api, auth)
      expect(after.map((p) => [p.id, p.updated_at, p.title, p.status])).toEqual(
        before.map((p) => [p.id, p.updated_at, p.title, p.status])
      )

      const updatedRows = await allChanges(run.id, "updated")
      expect(updatedRows).toHaveLength(1)
      const lamp = updatedRows[0]
      expect(lamp.source_id).toBe(3)
      const byField = Object.fromEntries(lamp.diff.map((change) => [change.field, change]))
      expect(byField.title.new).toBe("Lamp Deluxe")
      expect(byField.title.old).toBe(before.find((p) => p.external_id === "dummyjson:3")?.title)
      expect(byField.price.new).toBe(12.5)
      expect(Object.keys(byField).sort()).toEqual(["price", "title"])

      const [created] = await allChanges(run.id, "created")
      expect(created.source_id).toBe(added[0])
      expect(created.diff.map((change) => change.field)).toEqual([
        "title", "description", "price", "category", "tags", "images", "stock", "status",
      ])
      expect(created.diff.every((change) => change.old === null)).toBe(true)

      const [removedRow] = await allChanges(run.id, "removed")
      expect(removedRow.source_id).toBe(5)
      expect(removedRow.diff).toEqual([{ field: "status", old: "published", new: "draft" }])

      const [rejected] = await allChanges(run.id, "rejected")
      expect(rejected.source_id).toBe(9)
      expect(rejected.errors[0]).toMatchObject({ field: "price", code: "INVALID_FIELD" })

      // Pages, in source id order; a bad query is refused.
      const first = await changes(run.id, "?limit=2")
      expect(first.count).toBe(195)
      expect(first.changes.map((row) => row.source_id)).toEqual([1, 2])
      const second = await changes(run.id, "?limit=2&offset=2")
      expect(second.changes.map((row) => row.source_id)).toEqual([3, 4])
      expect((await api.get(`/admin/sync/runs/${run.id}/changes?limit=101`, { ...auth, ...ANY_STATUS })).status).toBe(400)
      expect((await api.get(`/admin/sync/runs/${run.id}/changes?kind=other`, { ...auth, ...ANY_STATUS })).status).toBe(400)
      expect((await api.get(`/admin/sync/runs/csrun_none/changes`, { ...auth, ...ANY_STATUS })).status).toBe(404)
    })

    it("applies exactly the preview: the store then equals the source, and a preview is applied once", async () => {
      suite.standIn.mutate({ update: [{ id: 7, title: "Seven Renamed", price: 77 }] })
      suite.standIn.mutate({ remove: [8] })
      const run = await preview()
      expect(run.status).toBe("success")

      const apply = await api.post<{ run_id: string }>(`/admin/sync/runs/${run.id}/apply`, {}, auth)
      expect(apply.status).toBe(202)
      const applied = await waitForRun(api, auth, apply.data.run_id)
      expect(applied.trigger).toBe("apply_preview")
      expect(applied.preview_of).toBe(run.id)
      expect(applied.status).toBe("success")
      expect([applied.updated, applied.archived, applied.created]).toEqual([1, 1, 0])

      const store = await storeProductsBySourceId(api, auth)
      expect(store.get(7)?.title).toBe("Seven Renamed")
      expect(store.get(7)?.variants[0].prices.find((price) => price.currency_code === "usd")?.amount).toBe(77)
      expect(store.get(8)?.status).toBe("draft")
      const { data } = await api.get<{ run: SyncRunView }>(`/admin/sync/runs/${run.id}`, auth)
      expect(data.run.preview_applied_by).toBe(applied.id)

      const again = await api.post<{ code: string; message: string }>(`/admin/sync/runs/${run.id}/apply`, {}, {
        ...auth,
        ...ANY_STATUS,
      })
      expect(again.status).toBe(409)
      expect(again.data.code).toBe("PREVIEW_ALREADY_APPLIED")
      const notPreview = await api.post<{ code: string }>(`/admin/sync/runs/${applied.id}/apply`, {}, {
        ...auth,
        ...ANY_STATUS,
      })
      expect([notPreview.status, notPreview.data.code]).toEqual([400, "NOT_A_PREVIEW"])
    })

    it("refuses to apply when the source changed since the preview, and writes nothing", async () => {
      suite.standIn.mutate({ update: [{ id: 11, title: "Eleven A" }] })
      const run = await preview()
      suite.standIn.mutate({ update: [{ id: 11, title: "Eleven B" }] })
      const before = await listStoreProducts(api, auth)

      const apply = await api.post<{ run_id: string }>(`/admin/sync/runs/${run.id}/apply`, {}, auth)
      expect(apply.status).toBe(202)
      const refused = await waitForRun(api, auth, apply.data.run_id)
      expect(refused.status).toBe("failed")
      expect(refused.error_message).toBe(
        `the source changed since preview ${run.id}: it no longer lists the same products; nothing was written, preview again`
      )
      const after = await listStoreProducts(api, auth)
      expect(after.map((p) => [p.id, p.updated_at, p.title])).toEqual(before.map((p) => [p.id, p.updated_at, p.title]))
    })

    it("refuses to apply when the store changed since the preview", async () => {
      suite.standIn.mutate({ update: [{ id: 12, title: "Twelve New" }] })
      const run = await preview()
      // An operator retitles the product the preview updates: the same listing now plans another diff.
      const store = await storeProductsBySourceId(api, auth)
      await updateProductsWorkflow(getContainer()).run({
        input: { selector: { id: store.get(12)!.id }, update: { title: "Twelve (edited)" } },
      })
      const apply = await api.post<{ run_id: string }>(`/admin/sync/runs/${run.id}/apply`, {}, auth)
      const refused = await waitForRun(api, auth, apply.data.run_id)
      expect(refused.status).toBe("failed")
      expect(refused.error_message).toContain(`the store changed since preview ${run.id}`)
      expect((await storeProductsBySourceId(api, auth)).get(12)?.title).toBe("Twelve (edited)")
    })

    it("refuses a preview that is running, failed or expired", async () => {
      suite.standIn.setFaults({ down: true })
      const failed = await preview()
      expect(failed.status).toBe("failed")
      const refused = await api.post<{ code: string; message: string }>(`/admin/sync/runs/${failed.id}/apply`, {}, {
        ...auth,
        ...ANY_STATUS,
      })
      expect([refused.status, refused.data.code]).toEqual([409, "PREVIEW_NOT_APPLICABLE"])
      suite.standIn.setFaults({})

      const run = await preview()
      // Age the preview past previewTtlMs (60 s in this suite).
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      await knex.raw(`UPDATE catalog_sync_run SET finished_at = now() - interval '61 seconds' WHERE id = ?`, [run.id])
      const expired = await api.post<{ code: string; message: string }>(`/admin/sync/runs/${run.id}/apply`, {}, {
        ...auth,
        ...ANY_STATUS,
      })
      expect([expired.status, expired.data.code]).toEqual([409, "PREVIEW_EXPIRED"])
      expect(expired.data.message).toContain("preview again")
    })

    it("answers the product widget: owned or not, in sync, changed upstream, edited in the admin; resyncs one product", async () => {
      const store = await storeProductsBySourceId(api, auth)
      const three = store.get(3)!
      const owned = await api.get<Record<string, unknown>>(`/admin/sync/products/${three.id}`, auth)
      expect(owned.status).toBe(200)
      expect(owned.data).toMatchObject({
        owned: true,
        source_id: 3,
        source_link: `${suite.standIn.url}/products/3`,
        status: "in_sync",
        reasons: [],
      })
      expect((owned.data.last_run as { trigger: string }).trigger).toBe("manual")

      const missing = await api.get(`/admin/sync/products/prod_unknown`, { ...auth, ...ANY_STATUS })
      expect([missing.status, missing.data]).toEqual([404, { owned: false }])

      // A preview that sees other content upstream: changed upstream.
      suite.standIn.mutate({ update: [{ id: 3, title: "Three Upstream" }] })
      await preview()
      const upstream = await api.get<{ status: string }>(`/admin/sync/products/${three.id}`, auth)
      expect(upstream.data.status).toBe("changed_upstream")

      // An edit in the admin is reported first.
      await updateProductsWorkflow(getContainer()).run({
        input: { selector: { id: three.id }, update: { subtitle: "edited by hand" } },
      })
      const edited = await api.get<{ status: string; reasons: string[] }>(`/admin/sync/products/${three.id}`, auth)
      expect(edited.data.status).toBe("edited_in_admin")
      expect(edited.data.reasons[0]).toContain("saved in the store after the sync's last write")

      // "Resync this product": a targeted run that brings it in line.
      const resync = await api.post<{ run_id: string }>(`/admin/sync/products/${three.id}/resync`, {}, auth)
      expect(resync.status).toBe(202)
      const run = await waitForRun(api, auth, resync.data.run_id)
      expect(run.product_ids).toEqual([3])
      expect(run.status).toBe("success")
      expect(run.updated).toBe(1)
      expect((await storeProductsBySourceId(api, auth)).get(3)?.title).toBe("Three Upstream")
      const synced = await api.get<{ status: string; last_run: { id: string } }>(`/admin/sync/products/${three.id}`, auth)
      expect(synced.data.status).toBe("in_sync")
      expect(synced.data.last_run.id).toBe(run.id)
      const notOwned = await api.post(`/admin/sync/products/prod_unknown/resync`, {}, { ...auth, ...ANY_STATUS })
      expect(notOwned.status).toBe(404)
    })
  }
)
