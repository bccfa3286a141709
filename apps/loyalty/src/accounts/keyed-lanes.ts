/**
 * Runs work for the same key one after the other (and different keys in parallel). Commands on
 * one account in this process then queue instead of racing each other into optimistic-concurrency
 * retries; writers in other processes are still kept apart by the stream's expected revision.
 */
export class KeyedLanes {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  get busyKeys(): number {
    return this.tails.size;
  }
}
