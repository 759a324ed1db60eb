/**
 * The seed the core's `decideRetry` draws its backoff jitter from: a 32-bit FNV-1a hash of the run id
 * plus the index of the request within the run. Same run and request → same delays, so a run's
 * retry timing can be reproduced; different requests of one run do not retry in lock-step.
 *
 * @param runId - the sync run id
 * @param requestIndex - the 0-based index of the request within the run
 */
export function retrySeed(runId: string, requestIndex: number): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < runId.length; i++) {
    hash ^= runId.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return (hash + requestIndex) >>> 0
}
