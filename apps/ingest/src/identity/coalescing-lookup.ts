interface Waiter<V> {
  readonly keys: readonly string[];
  readonly resolve: (values: Map<string, V>) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Many concurrent look-ups by key share one query: while a query is in flight, new requests wait
 * and go together in the next one. Every request resolves on the per-request hot path of ingest
 * (merged customer ids), so under load this turns one round trip per request into one per batch.
 */
export class CoalescingLookup<V> {
  private waiting: Waiter<V>[] = [];
  private inFlight = false;

  constructor(private readonly fetch: (keys: string[]) => Promise<Map<string, V>>) {}

  get(keys: readonly string[]): Promise<Map<string, V>> {
    if (keys.length === 0) return Promise.resolve(new Map());
    return new Promise((resolve, reject) => {
      this.waiting.push({ keys, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight || this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    this.inFlight = true;
    this.fetch([...new Set(batch.flatMap((w) => w.keys))])
      .then(
        (values) => batch.forEach((w) => w.resolve(new Map(w.keys.flatMap((k) => (values.has(k) ? [[k, values.get(k) as V]] : []))))),
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        this.inFlight = false;
        this.flush();
      });
  }
}
