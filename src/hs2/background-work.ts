/**
 * Work a connection goes on with after its caller already has an answer
 * (closing a query's operation once its rows are delivered; cancelling and
 * closing a stopped statement once the server answered), counted so that
 * `settled()` can wait for it. Its failures reach no caller.
 *
 * @module
 * @internal
 */

/** Background jobs of one connection. */
export class BackgroundWork {
  private jobs = 0;
  private waiters: Array<() => void> = [];

  /** Whether a job is still running. */
  get busy(): boolean {
    return this.jobs > 0;
  }

  /**
   * Counts `work` until it settles. A rejection goes to `onError` (which
   * must not throw), never to an unhandled-rejection handler.
   */
  add(work: Promise<unknown>, onError: (err: unknown) => void): void {
    this.jobs += 1;
    work
      .catch(onError)
      .finally(() => {
        this.jobs -= 1;
        if (this.jobs === 0) for (const wake of this.waiters.splice(0)) wake();
      })
      .catch(() => undefined);
  }

  /** Resolves once no job is running (at once when none is). Never rejects. */
  settled(): Promise<void> {
    if (this.jobs === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
