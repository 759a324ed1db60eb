import type { SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import type { Context } from "@medusajs/framework/types"
import { InjectManager, MedusaContext, MedusaService } from "@medusajs/framework/utils"
import { runTransition } from "catalog-sync-core"
import type {
  ChangeKind,
  LedgerKey,
  LedgerRow,
  LedgerWrites,
  ProductChange,
  RunEnd,
  SeenFingerprint,
  RunError,
  RunOwner,
  StoredImage,
  SyncOptions,
} from "catalog-sync-core"
import { markApplicationStarted } from "../../lib/application-state"
import { giveUpRunsHeldHere } from "../../lib/takeover"
import { startingProgress } from "./constants"
import SyncBatch from "./models/sync-batch"
import SyncChange from "./models/sync-change"
import SyncRun from "./models/sync-run"
import SyncedImage from "./models/synced-image"
import SyncedProduct from "./models/synced-product"
import {
  claimRows,
  ledgerRowsJson,
  recordRows,
  recordSeenFingerprints,
  releaseClaims,
  removeRows,
  removeRowsOfProducts,
  toLedgerRow,
} from "./ledger-store"
import type { LedgerRecord } from "./ledger-store"
import WebhookDelivery from "./models/webhook-delivery"
import { validateModuleOptions } from "./plugin-options"
import { applyTransition, compareAndSet, DB_DURATION_MS, DB_NOW, readNowMs, readRunningRuns } from "./run-records"
import type { ColumnValue, RunningRun } from "./run-records"
import { CATALOG_TRIGGERS, SYNC_RUN_STATUSES } from "./types"
import type { NewRunInput, RunFigures, RunProgress, SyncChangeRecord, SyncRunRecord, SyncRunStatus } from "./types"

/**
 * The `catalogSync` module's service: holds the validated plugin options, keeps the `sync_run`
 * records (with the removals a run held back and which run applied them), remembers the images copied into
 * Medusa's file storage (`synced_image`, one row per source URL) and the webhook calls accepted inside their
 * replay window (`webhook_delivery`, one row per replay key), and writes the sync ledger (`synced_product`, one
 * row per source product, one statement per batch).
 *
 * Every change of a run's life cycle (record, queue, start, claim, heartbeat, end, interrupt) is one of the
 * core's transitions applied as a single conditional statement (`run-records.ts`) whose result says whether it
 * applied: two processes racing for one run never both win, and a process that lost its run changes nothing.
 *
 * The generated CRUD methods (`createSyncRuns`, `updateSyncRuns`, `listAndCountSyncRuns`, …) come
 * from `MedusaService`; the methods below are the ones the sync, the routes and the job use.
 */
export default class CatalogSyncModuleService extends MedusaService({
  SyncRun,
  SyncBatch,
  SyncChange,
  SyncedImage,
  SyncedProduct,
  WebhookDelivery,
}) {
  private readonly syncOptions_: SyncOptions

  /**
   * Medusa's module life-cycle hooks: once the application has started, background work may start syncs; when it
   * shuts down (SIGTERM), the runs this process executes end `interrupted` at once (`giveUpRunsHeldHere`).
   */
  __hooks = {
    onApplicationStart: async (): Promise<void> => markApplicationStarted(),
    onApplicationPrepareShutdown: async (): Promise<void> => {
      await giveUpRunsHeldHere(this)
    },
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

  /**
   * Records a new run in status `running` (the core's `begin` transition: an insert), owned by `owner`, or by
   * nobody when it is handed to the workers; its start and first heartbeat are the database's time.
   *
   * @returns the run, or `null` when another run is running (the table allows one)
   */
  @InjectManager()
  async beginRun(input: NewRunInput, @MedusaContext() context: Context = {}): Promise<SyncRunRecord | null> {
    return applyTransition(managerOf(context), input.id, runTransition({ kind: "begin" }), {
      trigger: input.trigger,
      product_ids: input.productIds === null ? null : { ids: input.productIds },
      removals_of: input.removalsOf ?? null,
      preview_of: input.previewOf ?? null,
      ...runningFields(input.owner),
    })
  }

  /**
   * Names the run that takes run `run`'s set — its held removals (`removals_applied_by`) or its preview
   * (`preview_applied_by`): `next`, or `null` to free it — if the run is still as the caller read it, its status and
   * `observed` taker: a compare-and-set, so of two requests at once one takes the set.
   *
   * @returns whether it changed
   */
  @InjectManager()
  async setTaker(
    run: Pick<SyncRunRecord, "id" | "status">,
    column: "removals_applied_by" | "preview_applied_by",
    observed: string | null,
    next: string | null,
    @MedusaContext() context: Context = {}
  ): Promise<boolean> {
    return compareAndSet(managerOf(context), run.id, { status: run.status, column, value: observed }, { [column]: next })
  }

  /** The webhook run waiting for the running sync, or `null` (there is at most one). */
  async findQueuedRun(): Promise<SyncRunRecord | null> {
    const [run] = await this.listSyncRuns({ status: "queued" }, { take: 1 })
    return (run as SyncRunRecord | undefined) ?? null
  }

  /**
   * Records the queued webhook run (the core's `queue` transition: status `queued`, trigger `webhook`) with the
   * source ids it will sync; its `started_at` is the time it was queued until it starts.
   *
   * @returns whether it was recorded: `false` when another run is already queued (the table allows one)
   */
  @InjectManager()
  async queueRun(id: string, productIds: number[], @MedusaContext() context: Context = {}): Promise<boolean> {
    const queued = await applyTransition(managerOf(context), id, runTransition({ kind: "queue" }), {
      trigger: "webhook",
      started_at: DB_NOW,
      product_ids: { ids: productIds },
    })
    return queued !== null
  }

  /**
   * Replaces the ids of the queued run if they are still `observed` (a compare-and-set: two webhook calls
   * merging at once never lose each other's ids; the loser merges again).
   *
   * @returns whether the ids were replaced (`false`: they changed meanwhile, or the run started)
   */
  @InjectManager()
  async setQueuedIds(
    id: string,
    observed: number[],
    productIds: number[],
    @MedusaContext() context: Context = {}
  ): Promise<boolean> {
    return compareAndSet(
      managerOf(context),
      id,
      { status: "queued", column: "product_ids", value: { ids: observed } },
      { product_ids: { ids: productIds } }
    )
  }

  /**
   * Starts the queued run (the core's `startQueued` transition: same id, status `running`, from now), owned
   * by `owner`, or by nobody when it is handed to the workers.
   *
   * @returns the run, or `null` when it is no longer queued or another run is running
   */
  @InjectManager()
  async startQueuedRun(
    id: string,
    owner: RunOwner | null,
    @MedusaContext() context: Context = {}
  ): Promise<SyncRunRecord | null> {
    return applyTransition(managerOf(context), id, runTransition({ kind: "startQueued" }), runningFields(owner))
  }

  /**
   * A worker takes a run a server handed to the workers (the core's `claim` transition: only a run without
   * owner): delivered twice, the event still starts the run once.
   *
   * @returns the run, or `null` when another worker took it or it ended
   */
  @InjectManager()
  async claimRun(id: string, owner: RunOwner, @MedusaContext() context: Context = {}): Promise<SyncRunRecord | null> {
    return applyTransition(managerOf(context), id, runTransition({ kind: "claim" }), {
      owner,
      heartbeat_at: DB_NOW,
    })
  }

  /**
   * The owner's heartbeat (the core's `heartbeat` transition, guarded by its boot), with the live progress
   * when given: proves the owner alive and tells it whether it still owns the run.
   *
   * @returns whether the caller still owns the run (`false`: it was taken over; the caller must stop writing)
   */
  async heartbeat(id: string, ownerBoot: string, progress: RunProgress | null = null): Promise<boolean> {
    return (await this.beat(id, ownerBoot, progress)).owned
  }

  /**
   * The owner's heartbeat, as {@link heartbeat}, telling also whether an operator asked to stop the run
   * (`cancel_requested_at`): the owner then stops at this batch boundary.
   */
  @InjectManager()
  async beat(
    id: string,
    ownerBoot: string,
    progress: RunProgress | null = null,
    @MedusaContext() context: Context = {}
  ): Promise<{ owned: boolean; cancelRequested: boolean }> {
    const changes: Record<string, ColumnValue> = { heartbeat_at: DB_NOW }
    if (progress) {
      changes.progress = { ...progress }
    }
    const run = await applyTransition(managerOf(context), id, runTransition({ kind: "heartbeat" }), changes, {
      ownerBoot,
    })
    return { owned: run !== null, cancelRequested: Boolean(run?.cancel_requested_at) }
  }

  /**
   * Records an operator's request to stop a running run (`cancel_requested_at`, the database's time), if it is
   * still running without one: its owner, in this process or another, sees it at its next batch boundary.
   *
   * @returns whether the request was recorded now
   */
  @InjectManager()
  async requestCancel(id: string, @MedusaContext() context: Context = {}): Promise<boolean> {
    return compareAndSet(
      managerOf(context),
      id,
      { status: "running", column: "cancel_requested_at", value: null },
      { cancel_requested_at: DB_NOW }
    )
  }



  /** Stores a preview's change list, in its order (500 rows per statement). */
  async saveChanges(runId: string, entries: ProductChange[]): Promise<void> {
    for (let start = 0; start < entries.length; start += CHANGES_PER_INSERT) {
      await this.createSyncChanges(
        entries.slice(start, start + CHANGES_PER_INSERT).map((entry, offset) => ({
          run_id: runId,
          position: start + offset,
          source_id: entry.source_id,
          product_id: entry.product_id,
          kind: entry.kind,
          title: entry.title,
          diff: jsonArray(entry.diff),
          completes: entry.completes as unknown as Record<string, unknown>,
          errors: jsonArray(entry.errors),
        }))
      )
    }
  }

  /** One page of a preview's change list, in its order, of one kind or all, with the number of such rows. */
  async listChangesPage(
    runId: string,
    kind: ChangeKind | null,
    limit: number,
    offset: number
  ): Promise<[SyncChangeRecord[], number]> {
    const [rows, count] = await this.listAndCountSyncChanges(
      kind === null ? { run_id: runId } : { run_id: runId, kind },
      { order: { position: "ASC" }, skip: offset, take: limit }
    )
    return [rows as unknown as SyncChangeRecord[], count]
  }

  /** Records on the ledger the content fingerprint a preview saw upstream for each product (one statement). */
  @InjectManager()
  async recordSeenFingerprints(seen: SeenFingerprint[], @MedusaContext() sharedContext: Context = {}): Promise<void> {
    await recordSeenFingerprints(managerOf(sharedContext).getKnex(), seen)
  }

  /** The ledger's record of the product with this Medusa id (with what a preview saw upstream), or `null`. */
  async findLedgerRecordOfProduct(productId: string): Promise<LedgerRecord | null> {
    const [row] = await this.listSyncedProducts({ product_id: productId }, { take: 1 })
    return (row as unknown as LedgerRecord | undefined) ?? null
  }

  /**
   * Ends a run its owner executed: the core's `RunEnd` (status, message) with what the owner measured.
   *
   * @returns whether it applied (`false`: the caller no longer owns the run, which it must then leave alone)
   */
  @InjectManager()
  async endRun(
    id: string,
    ownerBoot: string,
    end: RunEnd,
    figures: RunFigures,
    @MedusaContext() context: Context = {}
  ): Promise<boolean> {
    const run = await applyTransition(
      managerOf(context),
      id,
      end.transition,
      {
        ...endFields(end),
        ...(figures.counts ?? {}),
        ...(figures.errors ? { errors: jsonArray(figures.errors) } : {}),
        ...(figures.held_removals?.length ? { held_removals: jsonArray(figures.held_removals) } : {}),
        ...(figures.preview
          ? {
              listing_fingerprint: figures.preview.listing_fingerprint,
              plan_fingerprint: figures.preview.plan_fingerprint,
              change_counts: { ...figures.preview.change_counts },
            }
          : {}),
        requests: figures.requests,
        retries: figures.retries,
        phase_timings: { ...figures.phase_timings },
        progress: { ...figures.progress },
        heartbeat_at: DB_NOW,
      },
      { ownerBoot }
    )
    return run !== null
  }

  /**
   * Ends a running run whose owner another process judged gone (the core's `interrupt` end), if the run still
   * has the owner and heartbeat that process observed: an owner that proved alive meanwhile keeps its run.
   *
   * @returns whether the run was interrupted
   */
  @InjectManager()
  async interruptRun(observed: RunningRun, end: RunEnd, @MedusaContext() context: Context = {}): Promise<boolean> {
    const run = await applyTransition(managerOf(context), observed.id, end.transition, endFields(end), {
      observed: { owner: observed.owner, heartbeatAt: observed.heartbeat_at },
    })
    return run !== null
  }

  /** The running runs as takeovers judge them, with the database's current time (ms). */
  @InjectManager()
  async readRunningRuns(@MedusaContext() context: Context = {}): Promise<{ runs: RunningRun[]; nowMs: number }> {
    return readRunningRuns(managerOf(context))
  }

  /** The database's current time, in ms since the epoch. */
  @InjectManager()
  async databaseNowMs(@MedusaContext() context: Context = {}): Promise<number> {
    return readNowMs(managerOf(context))
  }

  /** Webhook runs a dead process interrupted whose ids were not queued again yet, oldest first. */
  async listInterruptedWebhookRuns(): Promise<SyncRunRecord[]> {
    const runs = await this.listSyncRuns(
      { trigger: "webhook", status: "interrupted", requeued_run_id: null },
      { order: { started_at: "ASC" }, take: null }
    )
    return (runs as SyncRunRecord[]).filter((run) => (run.product_ids?.ids ?? []).length > 0)
  }

  /**
   * Notes on an interrupted webhook run that its ids were queued again, in run `queuedRunId` — once: of two
   * processes doing it at once, one does.
   *
   * @returns whether this call noted it
   */
  @InjectManager()
  async markRequeued(id: string, queuedRunId: string, @MedusaContext() context: Context = {}): Promise<boolean> {
    return compareAndSet(
      managerOf(context),
      id,
      { status: "interrupted", column: "requeued_run_id", value: null },
      { requeued_run_id: queuedRunId }
    )
  }

  /** Every run currently recorded as `running` (zero or one). */
  async listRunningRuns(): Promise<SyncRunRecord[]> {
    const runs = await this.listSyncRuns({ status: "running" }, { order: { started_at: "DESC" } })
    return runs as SyncRunRecord[]
  }

  /**
   * Whether a run was interrupted (its process died and another took it over: status `interrupted`)
   * since the last catalog run that completed (success or partial; runs applying held removals do not count),
   * other than `currentRunId`: only then can the store hold parts of a half-done write, such as inventory items
   * without their product.
   */
  async interruptedSinceLastCompletedRun(currentRunId: string): Promise<boolean> {
    const [completed] = await this.listSyncRuns(
      { status: ["success", "partial"], trigger: CATALOG_TRIGGERS },
      { order: { started_at: "DESC" }, take: 1, select: ["id", "started_at"] }
    )
    const since = completed ? { started_at: { $gt: completed.started_at } } : {}
    const interrupted = await this.listSyncRuns(
      { ...since, status: "interrupted", id: { $ne: currentRunId } },
      { take: 1, select: ["id"] }
    )
    return interrupted.length > 0
  }

  /**
   * The errors of the most recent catalog run that completed (success or partial; a running run is neither,
   * and a run applying held removals copies no image): the image copy reads from them which image hosts the
   * last run could not reach. Empty before then.
   */
  async lastCompletedRunErrors(): Promise<RunError[]> {
    const [completed] = await this.listSyncRuns(
      { status: ["success", "partial"], trigger: CATALOG_TRIGGERS },
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

  /** Every ledger row as one JSON text (an array of `LedgerRow`), for the core's store check. */
  @InjectManager()
  async ledgerJson(@MedusaContext() sharedContext: Context = {}): Promise<string> {
    return ledgerRowsJson(managerOf(sharedContext).getKnex())
  }

  /** Every row of the sync ledger, in the core's shape. */
  async listLedgerRows(): Promise<LedgerRow[]> {
    const rows = await this.listSyncedProducts({}, { take: null })
    return (rows as unknown as LedgerRecord[]).map(toLedgerRow)
  }

  /**
   * Claims `creating` ledger rows before a create batch's workflow runs: all of them, or none (one
   * statement in a transaction).
   * @throws naming the keys when one of them already has a row; nothing is claimed then
   */
  @InjectManager()
  async claimLedgerRows(rows: LedgerRow[], @MedusaContext() sharedContext: Context = {}): Promise<void> {
    await claimRows(managerOf(sharedContext).getKnex(), rows)
  }

  /** Releases the claims `runId` made for a batch whose workflow failed (rows still `creating` only). */
  @InjectManager()
  async releaseLedgerClaims(
    keys: LedgerKey[],
    runId: string,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<void> {
    await releaseClaims(managerOf(sharedContext).getKnex(), keys, runId)
  }

  /**
   * Writes what the core decided: rows upserted by key, keys removed, rows of deleted products removed
   * (one statement each, none for an empty list).
   */
  @InjectManager()
  async writeLedger(writes: LedgerWrites, @MedusaContext() sharedContext: Context = {}): Promise<void> {
    const knex = managerOf(sharedContext).getKnex()
    await recordRows(knex, writes.record)
    await removeRows(knex, writes.remove)
    await removeRowsOfProducts(knex, writes.remove_products ?? [])
  }

  /**
   * Remembers an accepted webhook call by its replay key until `expiresAt` (both from the core's
   * `checkWebhook`), after deleting the keys that expired before `now`. The table's unique index on the key
   * decides a race between instances: the insert that fails is the replay.
   * @returns `true` for a call seen for the first time, `false` for a replay of an accepted one
   */
  async rememberWebhookDelivery(replayKey: string, expiresAt: Date, now: Date = new Date()): Promise<boolean> {
    await this.deleteWebhookDeliveries({ expires_at: { $lt: now } })
    try {
      await this.createWebhookDeliveries({ replay_key: replayKey, expires_at: expiresAt })
      return true
    } catch (error) {
      const [stored] = await this.listWebhookDeliveries({ replay_key: replayKey }, { take: 1, select: ["id"] })
      if (stored) {
        return false
      }
      throw error
    }
  }

  /** Forgets an accepted call whose ids could not be stored, so that the sender's retry is not a replay. */
  async forgetWebhookDelivery(replayKey: string): Promise<void> {
    await this.deleteWebhookDeliveries({ replay_key: replayKey })
  }

  /**
   * Runs `work` with the module's entity manager, for the statements on the published batches of a run
   * (`batch-records.ts`: publish, claim, renew, record, withdraw), each a single statement.
   */
  @InjectManager()
  async withBatchRows<T>(work: (manager: SqlEntityManager) => Promise<T>, @MedusaContext() context: Context = {}): Promise<T> {
    return work(managerOf(context))
  }

  /** The run with this id, or `null` when there is none. */
  async findRun(id: string): Promise<SyncRunRecord | null> {
    const [run] = await this.listSyncRuns({ id }, { take: 1 })
    return (run as SyncRunRecord | undefined) ?? null
  }
}

/** Change rows written per statement. */
const CHANGES_PER_INSERT = 500

/** The statuses of a run that has started: every status but `queued`. */
const STARTED_STATUSES: SyncRunStatus[] = SYNC_RUN_STATUSES.filter((status) => status !== "queued")

/** The entity manager Medusa put in a method's context (`@InjectManager`). */
function managerOf(context: Context): SqlEntityManager {
  return context.manager as SqlEntityManager
}

/** The fields of a run that starts now, executed by `owner` (or handed to the workers: no owner yet). */
function runningFields(owner: RunOwner | null): Record<string, ColumnValue> {
  return {
    started_at: DB_NOW,
    heartbeat_at: DB_NOW,
    owner,
    progress: { ...startingProgress() },
  }
}

/** The fields every end of a run sets: when, how long, and the core's message. */
function endFields(end: RunEnd): Record<string, ColumnValue> {
  return { finished_at: DB_NOW, duration_ms: DB_DURATION_MS, error_message: end.errorMessage }
}

/**
 * DML types `json` columns as objects; PostgreSQL's jsonb stores arrays just as well, and the
 * record type (`SyncRunRecord.errors`) reads them back as arrays.
 */
function jsonArray<T extends object>(items: T[]): Record<string, unknown> {
  return items.map((item) => ({ ...item })) as unknown as Record<string, unknown>
}
