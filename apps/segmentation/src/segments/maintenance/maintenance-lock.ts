/**
 * Runs maintenance tasks (back-fills, sweeps) one at a time in this process: they read and write
 * the same documents, and one at a time keeps their effect on the shared servers bounded.
 */
export class MaintenanceLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every task queued so far has finished. */
  async idle(): Promise<void> {
    for (let seen = this.tail; ; seen = this.tail) {
      await seen;
      if (seen === this.tail) return;
    }
  }
}
