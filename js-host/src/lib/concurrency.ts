/**
 * Runs `task` over `items` with at most `limit` tasks in flight and returns the results in input
 * order. On the first failure no new task starts, the tasks in flight are awaited, and the first
 * error is thrown.
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
  const results = new Array<R>(items.length)
  let next = 0
  let failure: { error: unknown } | null = null

  const worker = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      const index = next++
      try {
        results[index] = await task(items[index], index)
      } catch (error) {
        failure ??= { error }
      }
    }
  }

  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker)
  await Promise.all(workers)
  if (failure !== null) {
    throw (failure as { error: unknown }).error
  }
  return results
}
