import { MedusaService } from "@medusajs/framework/utils"
import type { RunError, StoredImage, SyncOptions } from "catalog-sync-core"
import { markApplicationStarted } from "../../lib/application-state"
import { INTERRUPTED_MESSAGE, startingProgress } from "./constants"
import SyncRun from "./models/sync-run"
import SyncedImage from "./models/synced-image"
import { validateModuleOptions } from "./plugin-options"
import type {
  NewRunInput,
  RunCompletion,
  RunProgress,
  SyncRunRecord,
  SyncRunStatus,
} from "./types"

/**
 * The `catalogSync` module's service: holds the validated plugin options, keeps the `sync_run`
 * records (create, queue, progress, heartbeat, completion, failure, listing) and remembers the images
 * copied into Medusa's file storage (`synced_image`, one row per source URL).
 *
 * The generated CRUD methods (`createSyncRuns`, `updateSyncRuns`, `listAndCountSyncRuns`, …) come
 * from `MedusaService`; the methods below are the ones the sync, the routes and the job use.
 */
export default class CatalogSyncModuleService extends MedusaService({ SyncRun, SyncedImage }) {
  private readonly syncOptions_: SyncOptions

  /** Medusa's module life-cycle hooks: once the application has started, background work may start syncs. */
  __hooks = {
    onApplicationStart: async (): Promise<void> => markApplicationStarted(),
  }

  /**
   * @param _container - the module's container (Medusa passes it; `MedusaService` reads it).
   * @param options - the plugin options from `medusa-config` (a plugin's modules receive them,
   *   with Medusa's own `database` key added).
   * @throws the core's `INVALID_OPTION` error when an option is invalid.
   */
  constructor(_container: Record<string, unknown>, options?: Record<string, unknown>) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    this.syncOptions_ = validateModuleOptions(options)
  }

  /** The plugin options, validated and filled with defaults by the core. */
  getSyncOptions(): SyncOptions {
    return this.syncOptions_
  }

  /** Records a new run in status `running`, owned by the calling process. */
  async beginRun(input: NewRunInput): Promise<SyncRunRecord> {
    const created = await this.createSyncRuns({
      id: input.id,
      trigger: input.trigger,
      product_ids: input.productIds === null ? null : { ids: input.productIds },
      ...runningFields(input.owner),
    })
    return created as SyncRunRecord
  }

  /** The webhook run waiting for the sync lock, or `null` (there is at most one). */
  async findQueuedRun(): Promise<SyncRunRecord | null> {
    const [run] = await this.listSyncRuns({ status: "queued" }, { take: 1 })
    return (run as SyncRunRecord | undefined) ?? null
  }

  /**
   * Records the queued webhook run (status `queued`, trigger `webhook`) with the source ids it will
   * sync; its `started_at` is the time it was queued until it starts.
   * @throws when another run is already queued (the table allows one)
   */
  async queueRun(id: string, productIds: number[]): Promise<SyncRunRecord> {
    const created = await this.createSyncRuns({
      id,
      trigger: "webhook",
      status: "queued",
      started_at: new Date(),
      product_ids: { ids: productIds },
    })
    return created as SyncRunRecord
  }

  /** Webhook runs whose process died while they ran (marked failed as interrupted) and that were not queued again. */
  async listInterruptedWebhookRuns(): Promise<SyncRunRecord[]> {
    const runs = await this.listSyncRuns(
      { trigger: "webhook", status: "failed", error_message: INTERRUPTED_MESSAGE },
      { order: { started_at: "ASC" }, take: null }
    )
    return (runs as SyncRunRecord[]).filter((run) => (run.product_ids?.ids ?? []).length > 0)
  }

  /** Notes on an interrupted webhook run that its product ids were queued again, in run `queuedRunId`. */
  async markRequeued(id: string, queuedRunId: string): Promise<void> {
    await this.updateSyncRuns({ id, error_message: `${INTERRUPTED_MESSAGE}; its products were queued again (run ${queuedRunId})` })
  }

  /** Replaces the source ids of the queued run. */
  async setQueuedIds(id: string, productIds: number[]): Promise<void> {
    await this.updateSyncRuns({ id, product_ids: { ids: productIds } })
  }

  /** Turns the queued run into a run in status `running`, owned by the calling process, from now. */
  async beginQueuedRun(id: string, owner: string): Promise<SyncRunRecord> {
    const updated = await this.updateSyncRuns({ id, ...runningFields(owner) })
    return updated as SyncRunRecord
  }

  /** Stores the live progress of a running run and refreshes its heartbeat. */
  async saveProgress(id: string, progress: RunProgress): Promise<void> {
    await this.updateSyncRuns({ id, progress: { ...progress }, heartbeat_at: new Date() })
  }

  /** Refreshes the heartbeat of a running run (proof that its process is alive). */
  async heartbeat(id: string): Promise<void> {
    await this.updateSyncRuns({ id, heartbeat_at: new Date() })
  }

  /** Stores the outcome of a run that reached the end of the workflow. */
  async completeRun(id: string, completion: RunCompletion): Promise<void> {
    const { report, fetch, phaseTimings, startedAt, progress } = completion
    const finishedAt = new Date()
    await this.updateSyncRuns({
      id,
      status: report.status,
      finished_at: finishedAt,
      duration_ms: finishedAt.getTime() - startedAt.getTime(),
      fetched: report.counts.fetched,
      created: report.counts.created,
      updated: report.counts.updated,
      unchanged: report.counts.unchanged,
      kept: report.counts.kept,
      archived: report.counts.archived,
      deleted: report.counts.deleted,
      rejected: report.counts.rejected,
      failed: report.counts.failed,
      stock_levels: report.counts.stock_levels,
      images_uploaded: report.counts.images_uploaded,
      images_reused: report.counts.images_reused,
      requests: fetch.requests,
      retries: fetch.retries,
      phase_timings: { ...phaseTimings },
      progress: { ...progress },
      errors: jsonArray(report.errors),
      error_message: report.status === "failed" ? summarizeFailure(report.errors) : null,
      heartbeat_at: finishedAt,
    })
  }

  /**
   * Marks a run `failed` with a message (source down, workflow error, interrupted process).
   * Counters already known (requests, retries, phase timings) can be stored along.
   */
  async failRun(
    id: string,
    message: string,
    extra: Partial<Pick<SyncRunRecord, "requests" | "retries" | "phase_timings">> = {}
  ): Promise<void> {
    const run = (await this.retrieveSyncRun(id)) as SyncRunRecord
    const finishedAt = new Date()
    await this.updateSyncRuns({
      id,
      status: "failed",
      finished_at: finishedAt,
      duration_ms: finishedAt.getTime() - new Date(run.started_at).getTime(),
      error_message: message,
      heartbeat_at: finishedAt,
      ...extra,
    })
  }

  /** Every run currently recorded as `running` (normally zero or one). */
  async listRunningRuns(): Promise<SyncRunRecord[]> {
    const runs = await this.listSyncRuns({ status: "running" }, { order: { started_at: "DESC" } })
    return runs as SyncRunRecord[]
  }

  /**
   * Whether a run was interrupted (its process died; marked failed with {@link INTERRUPTED_MESSAGE})
   * since the last run that completed (success or partial), other than `currentRunId`: only then can
   * the store hold parts of a half-done write, such as inventory items without their product.
   */
  async interruptedSinceLastCompletedRun(currentRunId: string): Promise<boolean> {
    const [completed] = await this.listSyncRuns(
      { status: ["success", "partial"] },
      { order: { started_at: "DESC" }, take: 1, select: ["id", "started_at"] }
    )
    const since = completed ? { started_at: { $gt: completed.started_at } } : {}
    const interrupted = await this.listSyncRuns(
      { ...since, status: "failed", error_message: INTERRUPTED_MESSAGE, id: { $ne: currentRunId } },
      { take: 1, select: ["id"] }
    )
    return interrupted.length > 0
  }

  /**
   * The errors of the most recent run that completed (success or partial; a running run is neither):
   * the image copy reads from them which image hosts the last run could not reach. Empty before then.
   */
  async lastCompletedRunErrors(): Promise<RunError[]> {
    const [completed] = await this.listSyncRuns(
      { status: ["success", "partial"] },
      { order: { started_at: "DESC" }, take: 1, select: ["id", "errors"] }
    )
    return (completed?.errors as RunError[] | null | undefined) ?? []
  }

  /** The most recently started run (running or finished; not a queued one), or `null` before the first sync. */
  async latestRun(): Promise<SyncRunRecord | null> {
    const [run] = await this.listSyncRuns(
      { status: STARTED_STATUSES },
      { order: { started_at: "DESC" }, take: 1 }
    )
    return (run as SyncRunRecord | undefined) ?? null
  }

  /** One page of runs, newest first, with the total number of runs. */
  async listRunsPage(limit: number, offset: number): Promise<[SyncRunRecord[], number]> {
    const [runs, count] = await this.listAndCountSyncRuns(
      {},
      { order: { started_at: "DESC" }, skip: offset, take: limit }
    )
    return [runs as SyncRunRecord[], count]
  }

  /** Every image copied into the store so far, in the core's shape. */
  async listStoredImages(): Promise<StoredImage[]> {
    const rows = await this.listSyncedImages({}, { take: null })
    return rows.map((row) => ({
      sourceUrl: row.source_url,
      url: row.url,
      fileId: row.file_id,
      contentHash: row.content_hash,
      size: row.size,
      contentType: row.content_type,
    }))
  }

  /** Remembers images copied into the store (one row per source URL; a URL copied again replaces its row). */
  async saveStoredImages(images: StoredImage[]): Promise<void> {
    if (!images.length) {
      return
    }
    const existing = await this.listSyncedImages(
      { source_url: images.map((image) => image.sourceUrl) },
      { select: ["id", "source_url"], take: null }
    )
    const idByUrl = new Map(existing.map((row) => [row.source_url, row.id]))
    const rows = images.map((image) => ({
      source_url: image.sourceUrl,
      url: image.url,
      file_id: image.fileId,
      content_hash: image.contentHash,
      size: image.size,
      content_type: image.contentType,
    }))
    const fresh = rows.filter((row) => !idByUrl.has(row.source_url))
    const replaced = rows
      .filter((row) => idByUrl.has(row.source_url))
      .map((row) => ({ ...row, id: idByUrl.get(row.source_url) as string }))
    if (fresh.length) {
      await this.createSyncedImages(fresh)
    }
    if (replaced.length) {
      await this.updateSyncedImages(replaced)
    }
  }

  /** The run with this id, or `null` when there is none. */
  async findRun(id: string): Promise<SyncRunRecord | null> {
    const [run] = await this.listSyncRuns({ id }, { take: 1 })
    return (run as SyncRunRecord | undefined) ?? null
  }
}

/** The statuses of a run that has started: every status but `queued`. */
const STARTED_STATUSES: SyncRunStatus[] = ["running", "success", "partial", "failed"]

/** The fields of a run that starts now in the calling process (`owner`). */
function runningFields(owner: string) {
  const now = new Date()
  return {
    status: "running" as const,
    started_at: now,
    heartbeat_at: now,
    owner,
    progress: { ...startingProgress() },
  }
}

/**
 * DML types `json` columns as objects; PostgreSQL's jsonb stores arrays just as well, and the
 * record type (`SyncRunRecord.errors`) reads them back as arrays.
 */
function jsonArray<T extends object>(items: T[]): Record<string, unknown> {
  return items.map((item) => ({ ...item })) as unknown as Record<string, unknown>
}

/** The message of a failed run: the first recorded error, or a generic one. */
function summarizeFailure(errors: { message: string }[]): string {
  return errors[0]?.message ?? "the sync failed"
}
