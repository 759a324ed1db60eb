import { WorkflowManager } from "@medusajs/framework/orchestration"
import type { RunView as SyncRunView } from "catalog-sync-core"
import { storeProductsBySourceId } from "../helpers/store"
import { pluginSuite } from "../helpers/suite"

jest.setTimeout(180_000)

pluginSuite(
  {
    // Six-field cron (seconds first): every 3 seconds.
    options: (standIn) => ({ sourceUrl: standIn.url, schedule: "*/3 * * * * *" }),
    resetAfterEach: false,
  },
  (suite) => {
    const { api, auth } = suite

    /** Polls the run list until `match` finds a run (60 s at most). */
    async function waitForScheduledRun(match: (run: SyncRunView) => boolean): Promise<SyncRunView> {
      const deadline = Date.now() + 60_000
      for (;;) {
        const { data } = await api.get<{ runs: SyncRunView[] }>("/admin/sync/runs?limit=100", auth)
        const found = data.runs.find((run) => run.trigger === "schedule" && match(run))
        if (found) {
          return found
        }
        if (Date.now() > deadline) {
          throw new Error(`no matching scheduled run in 60 s: ${JSON.stringify(data.runs.map((run) => [run.status, run.error_message]))}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    }

    it("runs the sync by itself on the configured schedule", async () => {
      expect(WorkflowManager.getWorkflow("job-catalog-sync")?.options?.schedule).toEqual({
        cron: "*/3 * * * * *",
        numberOfExecutions: undefined,
      })
      // Nobody triggers anything: every run here comes from the job.
      const synced = await waitForScheduledRun((run) => run.status === "success" && run.created > 0)
      await waitForScheduledRun((run) => run.status === "success" && run.unchanged === 194 && run.id !== synced.id)
      expect((await storeProductsBySourceId(api, auth)).size).toBe(194)
      const { data } = await api.get<{ runs: SyncRunView[] }>("/admin/sync/runs?limit=100", auth)
      expect(data.runs.every((run) => run.trigger === "schedule")).toBe(true)
      // Later occurrences, until the shutdown, fail fast at the fetch and write nothing.
      suite.standIn.setFaults({ down: true })
    })
  }
)
