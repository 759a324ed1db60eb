import { Readable } from "node:stream"

/**
 * Runs `task` over `items` with at most `limit` tasks in flight and returns the results in input order, through
 * Node's own limiter (`Readable.prototype.map` with `concurrency`). On the first failure no new task starts, the
 * tasks in flight are awaited (a write in flight is never abandoned half-counted), and the first error is thrown.
 *
 * @param items - the inputs
 * @param limit - the maximum number of tasks in flight (at least 1)
 * @param task - the async work for one item
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  let failure: { error: unknown } | null = null
  // Each task settles as a value (never rejects), so the stream ends only once every started task has; results
  // travel boxed, since a stream may not carry `null`.
  const settled: { value?: R }[] = await Readable.from(items.map((item, index) => ({ item, index })))
    .map(
      async ({ item, index }: { item: T; index: number }): Promise<{ value?: R }> => {
        if (failure !== null) {
          return {}
        }
        try {
          return { value: await task(item, index) }
        } catch (error) {
          failure ??= { error }
          return {}
        }
      },
      { concurrency: Math.max(1, limit) }
    )
    .toArray()
  if (failure !== null) {
    throw (failure as { error: unknown }).error
  }
  return settled.map((entry) => entry.value as R)
}
