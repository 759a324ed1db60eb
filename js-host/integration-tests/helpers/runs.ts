import type { RunView as SyncRunView } from "catalog-sync-core"
import type { Api } from "./admin"

/** Request options with the admin token. */
export type AdminAuth = { headers: Record<string, string> }

/** `POST /admin/sync/trigger`, expecting 202; returns the run id. */
export async function triggerSync(api: Api, auth: AdminAuth): Promise<string> {
  const response = await api.post<{ run_id: string; status: string }>("/admin/sync/trigger", {}, auth)
  if (response.status !== 202 || response.data.status !== "running") {
    throw new Error(`trigger answered ${response.status} ${JSON.stringify(response.data)}`)
  }
  return response.data.run_id
}

/** Polls `GET /admin/sync/runs/:id` until the run has ended (it is no longer `queued` or `running`). */
export async function waitForRun(api: Api, auth: AdminAuth, runId: string, timeoutMs = 90_000): Promise<SyncRunView> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { data } = await api.get<{ run: SyncRunView }>(`/admin/sync/runs/${runId}`, auth)
    if (data.run.status !== "running" && data.run.status !== "queued") {
      return data.run
    }
    if (Date.now() > deadline) {
      throw new Error(`run ${runId} still running after ${timeoutMs} ms: ${JSON.stringify(data.run.progress)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Triggers a sync and waits for its end. */
export async function syncNow(api: Api, auth: AdminAuth): Promise<SyncRunView> {
  return waitForRun(api, auth, await triggerSync(api, auth))
}

/**
 * Waits until no sync is running or queued (`GET /admin/sync/status` → `running: null, queued: null`),
 * so that no run is still writing when the test runner restores the database for the next test.
 */
export async function waitUntilIdle(api: Api, auth: AdminAuth, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { data } = await api.get<{ running: SyncRunView | null; queued: SyncRunView | null }>(
      "/admin/sync/status",
      auth
    )
    if (data.running === null && data.queued === null) {
      return
    }
    if (Date.now() > deadline) {
      throw new Error(`a sync is still running or queued after ${timeoutMs} ms: ${(data.running ?? data.queued)?.id}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
