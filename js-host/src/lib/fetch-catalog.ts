import { setTimeout as sleep } from "node:timers/promises"
import { fetchSource } from "catalog-sync-core"
import type { FetchStats, FetchedOutline, SourceHost, SyncOptions } from "catalog-sync-core"
import { fetchPageOnce } from "./source-fetch"
import type { FetchedAnswer } from "./source-fetch"
import type { SourceBodies } from "./source-bodies"

/** The run a fetch belongs to. */
export interface CatalogFetchRun {
  /** The run id (seeds the retry jitter). */
  runId: string
  /** When the run started (its deadline is `runTimeoutMs` later). */
  startedAt: Date
}

/**
 * Fetches everything a run needs from the source: the core's `fetchSource` decides every request, retry,
 * bound and failure (see its documentation); this function only injects the I/O — one HTTP attempt
 * (`fetchPageOnce`), an abortable wait, the clock, where each accepted body goes — and reports the counts as they
 * change. Nothing is written before it resolves; it rejects with the core's coded error naming the URL when the
 * fetch fails.
 *
 * @param options - validated plugin options
 * @param productIds - source ids of a targeted sync, or `null` for a full sync
 * @param run - the run's id and start
 * @param bodies - keeps each page or product body as the core hands it over
 * @param onProgress - the request, retry and page counts, whenever they change
 */
export function fetchCatalog(
  options: SyncOptions,
  productIds: number[] | null,
  run: CatalogFetchRun,
  bodies: SourceBodies,
  onProgress: (stats: FetchStats) => void
): Promise<FetchedOutline> {
  // Typed with this host's answers: each body comes back with the answer `fetchPageOnce` made, received bytes and all.
  const host: SourceHost<FetchedAnswer> = {
    fetchPage: fetchPageOnce,
    sleep: (ms, signal) => sleep(ms, undefined, { signal, ref: false }),
    now: () => Date.now(),
    onBody: (body, answer) => bodies.add(body, answer),
    onProgress,
  }
  return fetchSource(
    {
      options,
      scope: productIds === null ? { kind: "full" } : { kind: "targeted", productIds },
      runId: run.runId,
      startedAtMs: run.startedAt.getTime(),
    },
    host
  )
}
