import type { CatalogPlanner, StoreCheck, TaxonomyReader } from "catalog-sync-core"
import type { SourceBodies } from "./source-bodies"

/**
 * What a run keeps from one step of its workflow to a later one outside the workflow: the core's objects inside
 * WebAssembly (the taxonomy reader, from the fetch step, which feeds it, to the taxonomy step; the store check, from
 * the repair step to the plan step; the planner, from the plan step to the write and stock steps), which a
 * workflow's deep copy of step outputs does not survive, and the fetched source bodies (from the fetch step to the
 * write step), which a workflow would keep until the run ends. They stay here, in the
 * process executing the run, by run id; {@link releaseRun} frees what a run left when it ends.
 */
interface HeldObjects {
  taxonomy?: TaxonomyReader
  check?: StoreCheck
  planner?: CatalogPlanner
  bodies?: SourceBodies
}

const held = new Map<string, HeldObjects>()

/** Keeps a run's object for a later step (freeing the one it replaces). */
export function hold<K extends keyof HeldObjects>(runId: string, key: K, value: NonNullable<HeldObjects[K]>): void {
  const objects = held.get(runId) ?? {}
  objects[key]?.free()
  objects[key] = value
  held.set(runId, objects)
}

/**
 * Takes a run's object out (the caller frees it or holds it again); throws when an earlier step of this run did not
 * leave it in this process.
 */
export function take<K extends keyof HeldObjects>(runId: string, key: K): NonNullable<HeldObjects[K]> {
  const value = borrow(runId, key)
  delete held.get(runId)?.[key]
  return value
}

/**
 * A run's object, left held for a later step (the write step plans its windows with the planner the stock step
 * takes afterwards); throws like {@link take} when an earlier step of this run did not leave it in this process.
 */
export function borrow<K extends keyof HeldObjects>(runId: string, key: K): NonNullable<HeldObjects[K]> {
  const value = held.get(runId)?.[key]
  if (!value) {
    throw new Error(`catalog-sync: run ${runId} has no ${key} in this process (the step that makes it did not run here)`)
  }
  return value as NonNullable<HeldObjects[K]>
}

/** Frees whatever a run still holds (called when the run ends, however it ends). */
export function releaseRun(runId: string): void {
  const objects = held.get(runId)
  held.delete(runId)
  objects?.taxonomy?.free()
  objects?.check?.free()
  objects?.planner?.free()
  objects?.bodies?.free()
}
