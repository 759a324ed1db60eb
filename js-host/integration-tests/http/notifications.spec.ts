import { Modules } from "@medusajs/framework/utils"
import type { RunView as SyncRunView } from "catalog-sync-core"
import { syncNow, waitUntilIdle } from "../helpers/runs"
import { startStandIn } from "../helpers/stand-in"
import { pluginSuite } from "../helpers/suite"

jest.setTimeout(180_000)

pluginSuite(
  {
    // The source is down from the start: every scheduled run (every 3 s) fails.
    startSource: async () => {
      const standIn = await startStandIn()
      standIn.setFaults({ down: true })
      return standIn
    },
    options: (standIn) => ({
      sourceUrl: standIn.url,
      schedule: "*/3 * * * * *",
      images: "link",
      maxRetries: 0,
    }),
    resetAfterEach: false,
  },
  (suite) => {
    const { api, auth, getContainer } = suite

    /** The feed notifications the admin's drawer lists. */
    async function feed(): Promise<{ data: Record<string, unknown>; idempotency_key: string | null }[]> {
      const notifications = getContainer().resolve(Modules.NOTIFICATION)
      return (await notifications.listNotifications({ channel: "feed" }, { take: null })) as never
    }

    it("notifies once per failed scheduled run, naming the run and linking to its page; a manual run does not", async () => {
      let failedRuns: SyncRunView[] = []
      const deadline = Date.now() + 60_000
      while (failedRuns.length === 0) {
        const { data } = await api.get<{ runs: SyncRunView[] }>("/admin/sync/runs?limit=100", auth)
        failedRuns = data.runs.filter((run) => run.trigger === "schedule" && run.status === "failed")
        if (Date.now() > deadline) {
          throw new Error("no failed scheduled run in 60 s")
        }
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      const run = failedRuns[0]
      // The notification is sent right after the end is recorded (30 s at most, for a loaded machine).
      let entry: { data: Record<string, unknown>; idempotency_key: string | null } | undefined
      for (const until = Date.now() + 30_000; Date.now() < until && !entry; ) {
        entry = (await feed()).find((notification) => notification.idempotency_key === `catalog-sync-run:${run.id}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(entry?.data.title).toBe("Scheduled catalog sync failed")
      expect(entry?.data.description).toContain(`Run ${run.id}: `)
      expect(entry?.data.description).toContain(`/app/catalog-sync/runs/${run.id}`)
      const keys = (await feed()).map((notification) => notification.idempotency_key)
      expect(new Set(keys).size).toBe(keys.length)

      // A manual run that fails is watched by the operator: no notification; a successful scheduled run neither.
      suite.standIn.setFaults({})
      await waitUntilIdle(api, auth)
      const manual = await syncNow(api, auth).catch(() => null)
      const { data } = await api.get<{ runs: SyncRunView[] }>("/admin/sync/runs?limit=100", auth)
      const succeeded = data.runs.filter((candidate) => candidate.status === "success")
      expect(succeeded.length).toBeGreaterThan(0)
      const notified = new Set((await feed()).map((notification) => notification.idempotency_key))
      for (const candidate of succeeded) {
        expect(notified.has(`catalog-sync-run:${candidate.id}`)).toBe(false)
      }
      if (manual) {
        expect(notified.has(`catalog-sync-run:${manual.id}`)).toBe(false)
      }
      for (const failed of data.runs.filter((candidate) => candidate.trigger === "schedule" && candidate.status === "failed")) {
        expect(notified.has(`catalog-sync-run:${failed.id}`)).toBe(true)
      }
    })
  }
)
