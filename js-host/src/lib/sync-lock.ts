import type { ILockingModule } from "@medusajs/framework/types"

/**
 * The Locking-module key held while an instance decides to start a run and records it (Sync Now, the schedule,
 * starting the queued run). With a shared provider (Redis, Postgres) two instances deciding at once take turns;
 * the database decides anyway (one running run, conditional transitions), so the lock only spares the loser a
 * refused insert, and nothing depends on it.
 */
export const SYNC_LOCK_KEY = "catalog-sync:run"

/** Longest wait for the lock, in seconds (its holders read and write a few rows). */
const SYNC_LOCK_TIMEOUT_SECONDS = 10

/** Lease of the lock in seconds: a process killed while holding it frees the key this much later at most. */
const SYNC_LOCK_LEASE_SECONDS = 15

/** Runs `work` while holding the sync lock (waiting for it when another instance holds it). */
export function withSyncLock<T>(locking: ILockingModule, work: () => Promise<T>): Promise<T> {
  return locking.execute(SYNC_LOCK_KEY, work, { timeout: SYNC_LOCK_TIMEOUT_SECONDS, expire: SYNC_LOCK_LEASE_SECONDS })
}
