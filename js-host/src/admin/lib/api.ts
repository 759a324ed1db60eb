import { FetchError } from "@medusajs/js-sdk"
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { useEffect, useRef, useState } from "react"
import { sdk } from "./sdk"
import type {
  ApplyRemovalsResponse,
  ChangeKind,
  ProductSyncResponse,
  SyncChangesResponse,
  SyncAnalytics,
  SyncRun,
  SyncRunResponse,
  SyncRunsResponse,
  SyncSettings,
  SyncStatusResponse,
  SyncTriggerResponse,
} from "./types"

/** How often the status is polled while a sync runs. */
export const RUNNING_POLL_MS = 1000
/** How often the status is polled otherwise (to notice scheduled and webhook runs). */
export const IDLE_POLL_MS = 30_000

/** React Query keys of the catalog-sync admin data (everything under `catalogSyncKeys.all`). */
export const catalogSyncKeys = {
  all: ["catalog-sync"] as const,
  status: () => [...catalogSyncKeys.all, "status"] as const,
  runs: (limit: number, offset: number) => [...catalogSyncKeys.all, "runs", limit, offset] as const,
  run: (id: string) => [...catalogSyncKeys.all, "run", id] as const,
  analytics: (from: string | null) => [...catalogSyncKeys.all, "analytics", from] as const,
  settings: () => [...catalogSyncKeys.all, "settings"] as const,
  changes: (id: string, kind: ChangeKind | null, limit: number, offset: number) =>
    [...catalogSyncKeys.all, "changes", id, kind, limit, offset] as const,
  product: (id: string) => [...catalogSyncKeys.all, "product", id] as const,
}

/** The HTTP status of a failed SDK request, if it has one. */
export function httpStatusOf(error: unknown): number | null {
  if (error instanceof FetchError && typeof error.status === "number") {
    return error.status
  }
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === "number" ? status : null
}

/** A failed request in words a person understands. */
export function describeError(error: unknown): string {
  const status = httpStatusOf(error)
  const message = error instanceof Error ? error.message : String(error)
  if (status === 401) {
    return "Your admin session has expired. Reload the page and log in again."
  }
  if (status === 404) {
    return `Not found (${message}).`
  }
  if (status === null && /fetch|network/i.test(message)) {
    return "The Medusa server cannot be reached. Check that it is running, then retry."
  }
  return status ? `${message} (HTTP ${status})` : message
}

/**
 * The latest run, the run in progress and the queued webhook run, polled every second while a sync
 * runs or waits (every 30 s otherwise). `onFinished` is called once when a run seen running has ended; the runs list and the
 * analytics are refreshed then.
 */
export function useSyncStatus(onFinished?: (run: SyncRun) => void) {
  const queryClient = useQueryClient()
  const query = useQuery({
    queryKey: catalogSyncKeys.status(),
    queryFn: () => sdk.client.fetch<SyncStatusResponse>("/admin/sync/status"),
    refetchInterval: (q) => (q.state.data?.running || q.state.data?.queued ? RUNNING_POLL_MS : IDLE_POLL_MS),
  })
  const runningId = query.data?.running?.id ?? null
  const queuedId = query.data?.queued?.id ?? null
  const watched = useRef<string | null>(null)
  const watchedQueued = useRef<string | null>(null)
  const onFinishedRef = useRef(onFinished)
  onFinishedRef.current = onFinished

  useEffect(() => {
    if (!query.isSuccess || (runningId === watched.current && queuedId === watchedQueued.current)) {
      return
    }
    // A run started, ended, or was queued or left the queue (a queued run may start and end between two polls):
    // the history, run pages and analytics are out of date.
    void queryClient.invalidateQueries({
      predicate: (q) => q.queryKey[0] === catalogSyncKeys.all[0] && q.queryKey[1] !== "status",
    })
    watchedQueued.current = queuedId
    if (runningId === watched.current) {
      return
    }
    const finishedId = watched.current
    const latest = query.data.status
    if (finishedId && latest && latest.id === finishedId && !isPending(latest)) {
      onFinishedRef.current?.(latest)
    } else if (finishedId && runningId !== null) {
      // The queued webhook run started right after the watched run ended: the latest run is the new one.
      void sdk.client
        .fetch<SyncRunResponse>(`/admin/sync/runs/${encodeURIComponent(finishedId)}`)
        .then(({ run }) => (isPending(run) ? undefined : onFinishedRef.current?.(run)))
        .catch(() => undefined)
    }
    watched.current = runningId
  }, [runningId, queuedId, query.isSuccess, query.data, queryClient])

  return query
}

/** One page of the run history, newest first. */
export function useSyncRuns(limit: number, offset: number) {
  return useQuery({
    queryKey: catalogSyncKeys.runs(limit, offset),
    queryFn: () =>
      sdk.client.fetch<SyncRunsResponse>("/admin/sync/runs", { query: { limit, offset } }),
    placeholderData: keepPreviousData,
  })
}

/** Whether a run has not ended yet (it is queued or running). */
export function isPending(run: SyncRun): boolean {
  return run.status === "queued" || run.status === "running"
}

/** One run with all its errors; polled every second while it is queued or runs. */
export function useSyncRun(id: string) {
  return useQuery({
    queryKey: catalogSyncKeys.run(id),
    queryFn: () => sdk.client.fetch<SyncRunResponse>(`/admin/sync/runs/${encodeURIComponent(id)}`),
    refetchInterval: (q) => (q.state.data && isPending(q.state.data.run) ? RUNNING_POLL_MS : false),
    retry: (count, error) => httpStatusOf(error) !== 404 && count < 2,
  })
}

/** The chart figures of the finished runs since `from` (ISO; `null` = all time). */
export function useSyncAnalytics(from: string | null) {
  return useQuery({
    queryKey: catalogSyncKeys.analytics(from),
    queryFn: () =>
      sdk.client.fetch<SyncAnalytics>("/admin/sync/analytics", { query: from ? { from } : {} }),
    placeholderData: keepPreviousData,
  })
}

/** The plugin's effective options, secrets masked. */
export function useSyncSettings() {
  return useQuery({
    queryKey: catalogSyncKeys.settings(),
    queryFn: () => sdk.client.fetch<SyncSettings>("/admin/sync/settings"),
    staleTime: 5 * 60_000,
  })
}

/** What the last Sync Now click led to, for the inline message next to the button. */
export type TriggerOutcome =
  | { kind: "started"; runId: string }
  | { kind: "already-running" }
  | { kind: "error"; message: string }

/**
 * Sync Now: `POST /admin/sync/trigger`. A 409 (a sync is already running) is an outcome of its own,
 * not an error. The status is refreshed whatever happens.
 */
export function useTriggerSync() {
  const queryClient = useQueryClient()
  const [outcome, setOutcome] = useState<TriggerOutcome | null>(null)
  const mutation = useMutation({
    mutationFn: async (): Promise<TriggerOutcome> => {
      try {
        const started = await sdk.client.fetch<SyncTriggerResponse>("/admin/sync/trigger", {
          method: "POST",
        })
        return { kind: "started", runId: started.run_id }
      } catch (error) {
        if (httpStatusOf(error) === 409) {
          return { kind: "already-running" }
        }
        throw error
      }
    },
    onSuccess: (result) => setOutcome(result),
    onError: (error) => setOutcome({ kind: "error", message: describeError(error) }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: catalogSyncKeys.status() }),
  })
  return { ...mutation, outcome, clearOutcome: () => setOutcome(null) }
}

/**
 * "Apply removals": `POST /admin/sync/runs/:id/apply-removals`, which starts a run applying the removals run
 * `runId` held back. Every catalog-sync query is refreshed afterwards, whatever the answer.
 */
export function useApplyRemovals(runId: string) {
  return useRunAction(`/admin/sync/runs/${encodeURIComponent(runId)}/apply-removals`)
}

/** A POST to one of the plugin's routes that answers 202 `{ run_id }`; every catalog-sync query is refreshed after. */
function useRunAction(path: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => sdk.client.fetch<ApplyRemovalsResponse>(path, { method: "POST" }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: catalogSyncKeys.all }),
  })
}

/** "Preview changes": `POST /admin/sync/preview`, a run that fetches and plans and writes nothing. */
export function usePreviewSync() {
  return useRunAction("/admin/sync/preview")
}

/** "Apply" on a preview: `POST /admin/sync/runs/:id/apply`. */
export function useApplyPreview(runId: string) {
  return useRunAction(`/admin/sync/runs/${encodeURIComponent(runId)}/apply`)
}

/** "Stop": `POST /admin/sync/runs/:id/cancel`; the run stops at its next batch boundary. */
export function useCancelRun(runId: string) {
  return useRunAction(`/admin/sync/runs/${encodeURIComponent(runId)}/cancel`)
}

/** "Resync this product": `POST /admin/sync/products/:id/resync`, a targeted run. */
export function useResyncProduct(productId: string) {
  return useRunAction(`/admin/sync/products/${encodeURIComponent(productId)}/resync`)
}

/** One page of a preview's change list, of one kind or all. */
export function useSyncChanges(runId: string, kind: ChangeKind | null, limit: number, offset: number) {
  return useQuery({
    queryKey: catalogSyncKeys.changes(runId, kind, limit, offset),
    queryFn: () =>
      sdk.client.fetch<SyncChangesResponse>(`/admin/sync/runs/${encodeURIComponent(runId)}/changes`, {
        query: kind ? { limit, offset, kind } : { limit, offset },
      }),
    placeholderData: keepPreviousData,
  })
}

/**
 * The sync's view of one product (`null` for a product the sync does not own: the route answers 404), polled every
 * second while `watching` (a resync of it runs).
 */
export function useProductSync(productId: string, watching: boolean) {
  return useQuery({
    queryKey: catalogSyncKeys.product(productId),
    queryFn: async (): Promise<ProductSyncResponse | null> => {
      try {
        return await sdk.client.fetch<ProductSyncResponse>(`/admin/sync/products/${encodeURIComponent(productId)}`)
      } catch (error) {
        if (httpStatusOf(error) === 404) {
          return null
        }
        throw error
      }
    },
    refetchInterval: watching ? RUNNING_POLL_MS : false,
  })
}
