/**
 * Whether Medusa has finished starting in this process: set by the catalog-sync module's
 * `onApplicationStart` hook, which Medusa calls once every module, workflow, job, subscriber and
 * route is loaded. Background work that starts workflows on its own (the queue job) waits for it.
 */
let started = false

/** Records that Medusa has finished starting. */
export function markApplicationStarted(): void {
  started = true
}

/** Whether Medusa has finished starting in this process. */
export function isApplicationStarted(): boolean {
  return started
}
