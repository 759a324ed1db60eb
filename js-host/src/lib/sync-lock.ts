import type { ILockingModule } from "@medusajs/framework/types"

/** The Locking-module key every sync takes: one sync at a time per store. */
export const SYNC_LOCK_KEY = "catalog-sync:run"

/**
 * Lease of the lock in seconds. The running sync renews it with every heartbeat; if its process
 * dies, a shared provider (Postgres, Redis) frees the key when the lease ends. The default
 * in-memory provider keeps locks in the process itself, so they die with it.
 */
export const SYNC_LOCK_LEASE_SECONDS = 60

/**
 * Takes the sync lock for a run without waiting.
 * @returns `false` when another run holds it
 */
export async function tryAcquireSyncLock(locking: ILockingModule, runId: string): Promise<boolean> {
  try {
    await locking.acquire(SYNC_LOCK_KEY, { ownerId: runId, expire: SYNC_LOCK_LEASE_SECONDS })
    return true
  } catch {
    return false
  }
}

/** Extends the lease of a lock the run holds (called with every heartbeat). */
export async function renewSyncLock(locking: ILockingModule, runId: string): Promise<void> {
  await locking.acquire(SYNC_LOCK_KEY, { ownerId: runId, expire: SYNC_LOCK_LEASE_SECONDS })
}

/** Gives the lock back (only if this run holds it). */
export async function releaseSyncLock(locking: ILockingModule, runId: string): Promise<void> {
  await locking.release(SYNC_LOCK_KEY, { ownerId: runId })
}
