/**
 * Runs `work` for each item of a (possibly async) sequence, at most `limit` at a time, in the order the items
 * come. On the first failure no further item is started, the ones running are waited for (so no write or
 * heartbeat outlives the activity that started it), and that first error is thrown.
 *
 * Written here rather than taken from p-map/p-limit: those reject at the first error while the other calls
 * go on running, and an activity must not return while its downloads still write to staging.
 */
export async function forEachBounded<T>(
  items: AsyncIterable<T> | Iterable<T>,
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number ≥ 1, got ${limit}`);
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let index = 0;
  try {
    for await (const item of items) {
      while (running.size >= limit && !failure) await Promise.race(running);
      if (failure) break;
      const task: Promise<void> = work(item, index++).then(
        () => void running.delete(task),
        (error: unknown) => {
          running.delete(task);
          failure ??= { error };
        },
      );
      running.add(task);
    }
  } catch (error) {
    failure ??= { error }; // the sequence itself failed
  }
  await Promise.all(running);
  if (failure) throw failure.error;
}
