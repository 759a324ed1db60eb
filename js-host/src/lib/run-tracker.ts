import type { FetchStats } from "catalog-sync-core"
import { startingProgress } from "../modules/catalog-sync/constants"
import type CatalogSyncModuleService from "../modules/catalog-sync/service"
import type { PhaseTimings, RunProgress } from "../modules/catalog-sync/types"

/** Progress is written to the run record at most this often (the last state is always written). */
const PROGRESS_WRITE_INTERVAL_MS = 250

/**
 * The live telemetry of one run in this process: request counters, phase timings and progress.
 * Steps of the sync workflow update it; progress is persisted to the run record (throttled), and the
 * final figures are stored when the run ends, whether it succeeded or failed.
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

  /**
   * @param runId - the run this tracker belongs to
   * @param startedAt - when the run started
   * @param service - the module service that stores progress
   * @param onWriteError - called when a progress write fails (the sync goes on)
   */
  constructor(
    readonly runId: string,
    readonly startedAt: Date,
    private readonly service: CatalogSyncModuleService,
    private readonly onWriteError: (error: Error) => void
  ) {}

  /**
   * Runs one phase: marks it in the progress and records its duration as `<phase>_ms`,
   * also when it throws.
   */
  async phase<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now()
    this.updateProgress({ phase: name })
    try {
      return await work()
    } finally {
      this.phaseTimings[`${name}_ms`] = Math.round(performance.now() - started)
    }
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
      await this.service.saveProgress(this.runId, { ...this.progress })
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

/** Forgets the tracker of a finished run. */
export function unregisterTracker(runId: string): void {
  trackers.delete(runId)
}

/**
 * The tracker of a run started by this process.
 * @throws when the run was not started through `startSync` in this process
 */
export function trackerFor(runId: string): RunTracker {
  const tracker = trackers.get(runId)
  if (!tracker) {
    throw new Error(`catalog-sync: run ${runId} was not started by this process (use startSync)`)
  }
  return tracker
}
