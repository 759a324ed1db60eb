import { deleteProductsWorkflow } from "@medusajs/medusa/core-flows"
import type { RunView as SyncRunView } from "catalog-sync-core"
import { syncNow, triggerSync, waitForRun } from "./runs"
import { storeProductsBySourceId } from "./store"
import type { StoreProduct } from "./store"
import { pluginSuite } from "./suite"

/** The `onMissing` values. */
export type OnMissing = "draft" | "keep" | "delete"

const ANY_STATUS = { validateStatus: () => true }
/** Products the shrunk feed keeps (of 194): 134 go missing at once, 69.07 % of the owned products. */
const KEPT_UPSTREAM = 60
const CATALOG_SIZE = 194

/** What a product looks like to the removal checks: its id, status and last write. */
function stateOf(products: Map<number, StoreProduct>): Map<number, string> {
  return new Map([...products].map(([id, product]) => [id, `${product.id} ${product.status} ${product.updated_at}`]))
}

/** Source ids from `from` to `to`, both included. */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

/**
 * The removal guard against a real store, with `onMissing` set to `onMissing` (one test file per value, since
 * plugin options are read at boot): a feed that suddenly lists 60 of 194 products removes nothing, the run is
 * `partial` with the REMOVALS_HELD_BACK text and stores the held set (none with `keep`, which removes nothing
 * anyway); `POST /admin/sync/runs/:id/apply-removals` is refused while a sync runs (and the set stays free), then
 * of two requests at once one applies exactly that set — skipping, with a notice, a held product the source lists
 * again and one deleted meanwhile — and a later apply is refused.
 */
export function removalGuardSuite(onMissing: OnMissing): void {
  jest.setTimeout(240_000)
  pluginSuite(
    { options: (standIn) => ({ sourceUrl: standIn.url, schedule: false, onMissing }), syncedFirst: CATALOG_SIZE },
    (suite) => {
      const { api, auth, getContainer } = suite

      async function runCount(): Promise<number> {
        const { data } = await api.get<{ count: number }>("/admin/sync/runs", auth)
        return data.count
      }

      async function applyRemovals(runId: string) {
        return api.post<{ run_id?: string; code?: string; message?: string; type?: string }>(
          `/admin/sync/runs/${runId}/apply-removals`,
          {},
          { ...auth, ...ANY_STATUS }
        )
      }

      it(`onMissing "${onMissing}": a feed that shrinks suddenly removes nothing and holds the removals back`, async () => {
        const before = await storeProductsBySourceId(api, auth)
        expect(before.size).toBe(CATALOG_SIZE)
        suite.standIn.mutate({ keepFirst: KEPT_UPSTREAM })
        const run = await syncNow(api, auth)
        const missing = CATALOG_SIZE - KEPT_UPSTREAM

        expect(run).toMatchObject({
          trigger: "manual",
          fetched: KEPT_UPSTREAM,
          unchanged: KEPT_UPSTREAM,
          kept: missing,
          archived: 0,
          deleted: 0,
          removals_applied_by: null,
        })
        expect(stateOf(await storeProductsBySourceId(api, auth))).toEqual(stateOf(before))

        if (onMissing === "keep") {
          expect(run).toMatchObject({ status: "success", errors: [], held_removals: [] })
          const refused = await applyRemovals(run.id)
          expect([refused.status, refused.data.code]).toEqual([400, "NO_HELD_REMOVALS"])
          return
        }
        const action = onMissing === "draft" ? "archive" : "delete"
        const done = onMissing === "draft" ? "set to draft" : "deleted"
        expect(run.status).toBe("partial")
        expect(run.errors).toEqual([
          {
            source_id: null,
            field: null,
            code: "REMOVALS_HELD_BACK",
            message:
              `${missing} product(s) missing upstream were not ${done} (onMissing "${onMissing}"): that is 69.07% of ` +
              `the ${CATALOG_SIZE} products the sync owns, above maxRemovalRatio 20%. Check the source; if the ` +
              "removals are right, apply them from the run page.",
          },
        ])
        expect(run.held_removals).toEqual(
          range(KEPT_UPSTREAM + 1, CATALOG_SIZE).map((id) => ({
            source_id: id,
            product_id: before.get(id)?.id,
            action,
          }))
        )
        // The same from the run list.
        const { data: listed } = await api.get<{ runs: SyncRunView[] }>("/admin/sync/runs?limit=1", auth)
        expect(listed.runs[0]).toMatchObject({ id: run.id, held_removals: run.held_removals })
      })

      if (onMissing === "keep") {
        return
      }

      it(`onMissing "${onMissing}": "Apply removals" applies exactly the held set, once`, async () => {
        const before = await storeProductsBySourceId(api, auth)
        suite.standIn.mutate({ keepFirst: KEPT_UPSTREAM })
        const held = await syncNow(api, auth)
        expect(held.held_removals).toHaveLength(CATALOG_SIZE - KEPT_UPSTREAM)

        // Refused while a sync runs (the sync lock), and nothing is taken.
        suite.standIn.setFaults({ slowMs: 400 })
        const fullId = await triggerSync(api, auth)
        const busy = await applyRemovals(held.id)
        expect([busy.status, busy.data.type, busy.data.run_id]).toEqual([409, "conflict", fullId])
        suite.standIn.setFaults({})
        const shrunkAgain = await waitForRun(api, auth, fullId)
        expect(shrunkAgain).toMatchObject({ status: "partial", archived: 0, deleted: 0 })
        expect((await waitForRun(api, auth, held.id)).removals_applied_by).toBeNull()

        // Meanwhile product 61 is back upstream and product 62 was deleted in the store.
        suite.standIn.reset({})
        suite.standIn.mutate({ remove: range(KEPT_UPSTREAM + 2, CATALOG_SIZE) })
        const sixtyTwo = before.get(KEPT_UPSTREAM + 2) as StoreProduct
        await deleteProductsWorkflow(getContainer()).run({ input: { ids: [sixtyTwo.id] } })
        const requestsBefore = suite.standIn.stats().requests
        const runsBefore = await runCount()

        // Two requests at once: one takes the set, the other is refused (the run is running, or already took it).
        const answers = await Promise.all([applyRemovals(held.id), applyRemovals(held.id)])
        expect(answers.map((answer) => answer.status).sort()).toEqual([202, 409])
        const started = answers.find((answer) => answer.status === 202) as (typeof answers)[number]
        expect(started.data).toEqual({ run_id: expect.stringMatching(/^csrun_/) })
        const applied = await waitForRun(api, auth, started.data.run_id as string)
        const removed = range(KEPT_UPSTREAM + 3, CATALOG_SIZE)
        expect(applied).toMatchObject({
          trigger: "apply_removals",
          status: "success",
          removals_of: held.id,
          product_ids: range(KEPT_UPSTREAM + 1, CATALOG_SIZE),
          fetched: 1,
          created: 0,
          updated: 0,
          archived: onMissing === "draft" ? removed.length : 0,
          deleted: onMissing === "delete" ? removed.length : 0,
          held_removals: [],
          errors: [
            {
              source_id: KEPT_UPSTREAM + 1,
              field: null,
              code: "HELD_REMOVAL_SKIPPED",
              message: `product ${KEPT_UPSTREAM + 1}: the source lists it again, so it was not ${
                onMissing === "draft" ? "set to draft" : "deleted"
              }; the next full sync updates it`,
            },
            {
              source_id: KEPT_UPSTREAM + 2,
              field: null,
              code: "HELD_REMOVAL_SKIPPED",
              message: `product ${KEPT_UPSTREAM + 2}: store product ${sixtyTwo.id} is no longer in the store`,
            },
          ],
        })
        // One GET /products/:id per held product, plus the category list; no listing page.
        expect(suite.standIn.stats().requests - requestsBefore).toBe(CATALOG_SIZE - KEPT_UPSTREAM + 1)
        expect(await runCount()).toBe(runsBefore + 1)
        expect((await waitForRun(api, auth, held.id)).removals_applied_by).toBe(applied.id)

        const after = await storeProductsBySourceId(api, auth)
        const untouched = range(1, KEPT_UPSTREAM + 1)
        expect(untouched.filter((id) => after.get(id)?.updated_at !== before.get(id)?.updated_at)).toEqual([])
        if (onMissing === "draft") {
          expect(removed.filter((id) => after.get(id)?.status !== "draft")).toEqual([])
          expect(removed.filter((id) => after.get(id)?.id !== before.get(id)?.id)).toEqual([])
          expect(after.size).toBe(CATALOG_SIZE - 1)
        } else {
          expect(removed.filter((id) => after.has(id))).toEqual([])
          expect(after.size).toBe(KEPT_UPSTREAM + 1)
        }

        // Once: a second apply is refused and starts nothing.
        const again = await applyRemovals(held.id)
        expect(again.status).toBe(409)
        expect(again.data).toEqual({
          code: "REMOVALS_ALREADY_APPLIED",
          message: `the removals run ${held.id} held back are applied once: run ${applied.id} applied them`,
        })
        expect(await runCount()).toBe(runsBefore + 1)
        const unknown = await applyRemovals("csrun_unknown")
        expect(unknown.status).toBe(404)
      })
    }
  )
}
