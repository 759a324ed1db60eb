import { randomUUID } from "node:crypto"
import { hostname } from "node:os"

/** How often a running sync refreshes `sync_run.heartbeat_at`. */
export const HEARTBEAT_INTERVAL_MS = 10_000

/** A run whose heartbeat is older than this is considered abandoned by its process. */
export const HEARTBEAT_STALE_MS = 45_000

/**
 * This process as written to `sync_run.owner`: `host#pid#boot`, where `boot` is random per process
 * start, so a restarted process that got the same pid (pid 1 in a container) is still a different owner.
 */
export const PROCESS_OWNER = `${hostname()}#${process.pid}#${randomUUID().slice(0, 8)}`

/** The parts of an owner string. */
interface Owner {
  host: string
  pid: number
}

function parseOwner(owner: string): Owner | null {
  const [host, pid] = owner.split("#")
  const parsedPid = Number(pid)
  return host && Number.isInteger(parsedPid) && parsedPid > 0 ? { host, pid: parsedPid } : null
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * Tells whether the process that owns a `running` run is gone, so the run can be marked failed and
 * a new sync may start.
 *
 * - owned by this very process (same boot) → alive;
 * - owned by an earlier process on this host with this pid, or by a pid that no longer exists → dead;
 * - otherwise (another host, or a live pid that may be another Medusa process) → dead only when its
 *   heartbeat is older than {@link HEARTBEAT_STALE_MS}.
 *
 * @param owner - `sync_run.owner`
 * @param heartbeatAt - `sync_run.heartbeat_at`
 * @param nowMs - the current time (ms since epoch)
 */
export function isRunOwnerGone(owner: string | null, heartbeatAt: Date | null, nowMs: number): boolean {
  if (owner === PROCESS_OWNER) {
    return false
  }
  const parsed = owner ? parseOwner(owner) : null
  if (parsed && parsed.host === hostname()) {
    if (parsed.pid === process.pid || !isPidAlive(parsed.pid)) {
      return true
    }
  }
  const lastSign = heartbeatAt ? new Date(heartbeatAt).getTime() : 0
  return nowMs - lastSign > HEARTBEAT_STALE_MS
}
