/**
 * Waiting for something, but not for ever.
 *
 * @module
 * @internal
 */

/**
 * Waits for `work` at most `ms` milliseconds: true when it fulfilled in
 * time, false when the time ran out first (it goes on unobserved; a later
 * rejection is swallowed). A rejection in time is rethrown. The timer never
 * keeps the process alive.
 */
export async function finishesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false);
    timer.unref();
  });
  const inTime = work.then(() => true);
  inTime.catch(() => undefined);
  try {
    return await Promise.race([inTime, late]);
  } finally {
    clearTimeout(timer);
  }
}
