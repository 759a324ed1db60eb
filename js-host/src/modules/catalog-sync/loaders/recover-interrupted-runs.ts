import type { LoaderOptions } from "@medusajs/framework/types"
import { isRunOwnerGone } from "../../../lib/process-identity"
import { INTERRUPTED_MESSAGE } from "../constants"
import type { SyncRunRecord } from "../types"

/** The part of the module's internal `sync_run` service this loader uses. */
interface SyncRunStore {
  list(filters: { status: string }): Promise<SyncRunRecord[]>
  update(data: Partial<SyncRunRecord>[]): Promise<unknown>
}

/**
 * At start-up, marks as `failed` every run left `running` by a process that is gone (killed,
 * crashed, restarted), so no run stays `running` forever. Runs of another live process are left alone
 * (see `isRunOwnerGone`). Before the module's migration has run (no table yet) it only logs.
 */
export default async function recoverInterruptedRunsLoader({
  container,
  logger,
}: LoaderOptions): Promise<void> {
  const store = container.resolve<SyncRunStore>("syncRunService")
  let running: SyncRunRecord[]
  try {
    running = await store.list({ status: "running" })
  } catch (error) {
    logger?.warn(`catalog-sync: could not read sync runs at start-up (${(error as Error).message})`)
    return
  }
  const now = Date.now()
  const abandoned = running.filter((run) => isRunOwnerGone(run.owner, run.heartbeat_at, now))
  if (!abandoned.length) {
    return
  }
  const finishedAt = new Date(now)
  await store.update(
    abandoned.map((run) => ({
      id: run.id,
      status: "failed" as const,
      finished_at: finishedAt,
      duration_ms: now - new Date(run.started_at).getTime(),
      error_message: INTERRUPTED_MESSAGE,
    }))
  )
  logger?.warn(`catalog-sync: marked ${abandoned.length} interrupted run(s) as failed`)
}
