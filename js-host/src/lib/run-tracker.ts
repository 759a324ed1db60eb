import type { BatchResult, CatalogPlanSummary, FetchStats, RunDeadline, RunOwner } from "catalog-sync-core"
import { startingProgress } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import type { PhaseTimings, RunProgress } from "../modules/catalog-sync/types"

/** Thrown at a batch boundary of a run that another process took over: this process stops writing. */
export class RunLostError extends Error {
  constructor(readonly runId: string) {
    super(`catalog-sync: run ${runId} was taken over by another process; this process stopped writing to the store`)
  }
}

/** Thrown at a batch boundary of a run an operator asked to stop: the run ends `cancelled`. */
export class RunCancelledError extends Error {
  constructor(readonly runId: string) {
    super(`catalog-sync: run ${runId} was stopped by an operator at a batch boundary`)
  }
}

/** Progress is written to the run record at most this often (the last state is always written). */
const PROGRESS_WRITE_INTERVAL_MS = 250

/**
 * One run this process executes: its live telemetry (request counters, phase timings, progress) and its
 * ownership. Steps of the sync workflow update the telemetry; progress is persisted to the run record
 * (throttled) with a heartbeat, and the final figures are stored when the run ends. Every write to the record
 * is guarded by the owner's boot: once one is refused, the run was taken over, the tracker is `lost`, and the
 * next {@link checkpoint} (each batch boundary) stops the sync.
 */
export class RunTracker {
  /** Requests, retries and pages, as the core's `summarizeRun` wants them. */
  readonly fetch: FetchStats = { requests: 0, retries: 0, pagesTotal: 0, pagesFetched: 0 }
  /** Milliseconds per phase (`fetch_ms`, `write_ms`, …). */
  readonly phaseTimings: PhaseTimings = {}
  /** The current progress (also what is written to `sync_run.progress`). */
  readonly progress: RunProgress = startingProgress()

  private lastWriteAt = 0
  private writing: Promise<void> | null = null
  private dirty = false
  private lost_ = false
  private cancelRequested_ = false
  private stoppedOnRequest_ = false

  /** The plan's summary, once the plan step made it (the counts of a run stopped on request come from it). */
  planSummary: CatalogPlanSummary | null = null
  /** The results of the product batches written so far. */
  readonly results: BatchResult[] = []

  /**
   * @param runId - the run this tracker belongs to
   * @param owner - this process, as the run's owner
   * @param service - the module service that stores progress
   * @param onWriteError - called when a progress write fails (the sync goes on)
   */
  constructor(
    readonly runId: string,
    readonly owner: RunOwner,
    private readonly service: CatalogSyncModuleService,
    private readonly onWriteError: (error: Error) => void
  ) {}

  /** Whether another process took the run over (a guarded write was refused). */
  get lost(): boolean {
    return this.lost_
  }

  /** Whether the run stopped at a boundary because an operator asked (its end is then `cancelled`). */
  get stoppedOnRequest(): boolean {
    return this.stoppedOnRequest_
  }

  /** The heartbeat: proves this process alive, with the progress when it changed; notes a lost run and a stop request. */
  async beat(): Promise<void> {
    if (this.dirty) {
      await this.flush()
    } else if (!this.lost_) {
      this.note(await this.service.beat(this.runId, this.owner.boot))
    }
  }

  /**
   * A batch boundary (also between the phases before the writes): a guarded heartbeat (with the progress) that
   * confirms this process still owns the run, and that nobody asked to stop it.
   * @throws {RunLostError} when the run was taken over: nothing more may be written
   * @throws {RunCancelledError} when an operator asked to stop the run: nothing more is written, the run ends
   *   `cancelled`
   */
  async checkpoint(): Promise<void> {
    if (!this.lost_) {
      this.dirty = false
      this.note(await this.service.beat(this.runId, this.owner.boot, { ...this.progress }))
    }
    if (this.lost_) {
      throw new RunLostError(this.runId)
    }
    if (this.cancelRequested_) {
      this.stoppedOnRequest_ = true
      throw new RunCancelledError(this.runId)
    }
  }

  /** Notes what a guarded heartbeat answered. */
  private note(state: { owned: boolean; cancelRequested: boolean }): void {
    this.lost_ = this.lost_ || !state.owned
    this.cancelRequested_ = this.cancelRequested_ || state.cancelRequested
  }

  /** When the run started (its record's `started_at`, set once this process owns the run). */
  startedAt: Date = new Date()

  /** The run's deadline (`runTimeoutMs` after its start), for the core's `checkRunDeadline`. */
  deadline(runTimeoutMs: number): RunDeadline {
    return { startedAtMs: this.startedAt.getTime(), runTimeoutMs }
  }

  /**
   * Runs one phase: marks it in the progress and adds its duration to `<phase>_ms` (a phase done in two parts,
   * such as the store's read and its writes, counts both), also when it throws.
   */
  async phase<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now()
    this.updateProgress({ phase: name })
    try {
      return await work()
    } finally {
      const key = `${name}_ms` as const
      this.phaseTimings[key] = (this.phaseTimings[key] ?? 0) + Math.round(performance.now() - started)
    }
  }

  /**
   * Adds `n` to a read figure stored beside the phase timings (`stamps_read`, `full_rows_read`: how many products
   * the run read as stamps and with their full relations), so a run's cost can be checked after it ends.
   */
  count(name: "stamps_read" | "full_rows_read", n: number): void {
    this.phaseTimings[name] = (this.phaseTimings[name] ?? 0) + n
  }

  /** Changes the progress and schedules a (throttled) write to the run record. */
  updateProgress(patch: Partial<RunProgress>): void {
    Object.assign(this.progress, patch)
    this.dirty = true
    if (this.writing === null && Date.now() - this.lastWriteAt >= PROGRESS_WRITE_INTERVAL_MS) {
      this.writing = this.writeProgress()
    }
  }

  /** Waits for the progress write in flight, then writes the latest progress if it changed since. */
  async flush(): Promise<void> {
    if (this.writing) {
      await this.writing
    }
    if (this.dirty) {
      await this.writeProgress()
    }
  }

  private async writeProgress(): Promise<void> {
    this.dirty = false
    this.lastWriteAt = Date.now()
    try {
      if (!this.lost_) {
        this.note(await this.service.beat(this.runId, this.owner.boot, { ...this.progress }))
      }
    } catch (error) {
      this.onWriteError(error as Error)
    } finally {
      this.writing = null
    }
  }
}

const trackers = new Map<string, RunTracker>()

/** Registers the tracker of a run started by this process. */
export function registerTracker(tracker: RunTracker): void {
  trackers.set(tracker.runId, tracker)
}

/** Whether this process executes the run (the core's `heldHere` in liveness). */
export function isHeldHere(runId: string): boolean {
  return trackers.has(runId)
}

/** Forgets the tracker of a finished run. */
export function unregisterTracker(runId: string): void {
  trackers.delete(runId)
}

/**
 * The tracker of a run started by this process.
 * @throws when the run is not executed by this process (use `startSync`)
 */
export function trackerFor(runId: string): RunTracker {
  const tracker = trackers.get(runId)
  if (!tracker) {
    throw new Error(`catalog-sync: run ${runId} was not started by this process (use startSync)`)
  }
  return tracker
}
