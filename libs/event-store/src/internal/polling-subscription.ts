import type { StoredEvent, Subscription, SubscriptionHandler } from '../event-store.port';

/** What a polling subscription needs from an adapter. */
export interface PollingSource {
  /** Next events after `from` (exclusive); `blocked` = more exist but aren't safe to deliver yet. */
  readBatch(from: bigint | undefined, maxCount: number): Promise<{ events: StoredEvent[]; blocked: boolean }>;
  /** Registers a "something may have been appended" hint; returns the unregister function. */
  onWake(listener: () => void): () => void;
}

export interface PollingOptions {
  batchSize: number;
  /** Safety-net poll when idle (the wake hint is the fast path). */
  idlePollMs: number;
  /** Poll while the log is blocked behind an in-flight transaction (it may abort: no wake hint then). */
  blockedPollMs: number;
  /** Cap of the exponential backoff after errors. */
  maxBackoffMs: number;
}

/**
 * Catch-up-then-live subscription as a single loop: page through the log from the checkpoint, and
 * when caught up wait for a wake hint or the poll timer. Catch-up and live are the same code path,
 * so there is no hand-over window where an event could be skipped or delivered twice.
 */
export function startPollingSubscription(
  source: PollingSource,
  fromPosition: bigint | undefined,
  handler: SubscriptionHandler,
  onError: ((err: Error) => void) | undefined,
  options: PollingOptions,
): Subscription {
  let checkpoint = fromPosition;
  let stopped = false;
  let woken = false;
  let interrupt: (() => void) | undefined;

  const unregister = source.onWake(() => {
    woken = true;
    interrupt?.();
  });

  // Resolves after `ms`, or early on a wake hint (if `wakeable`) or stop.
  const pause = (ms: number, wakeable: boolean) =>
    new Promise<void>((resolve) => {
      if (stopped || (wakeable && woken)) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        interrupt = undefined;
        resolve();
      }
      interrupt = wakeable ? done : () => (stopped ? done() : undefined);
    });

  const loop = async () => {
    let failures = 0;
    while (!stopped) {
      try {
        woken = false;
        const { events, blocked } = await source.readBatch(checkpoint, options.batchSize);
        if (stopped) break;
        if (events.length > 0) {
          await handler(events);
          checkpoint = events[events.length - 1].position;
        } else {
          await pause(blocked ? options.blockedPollMs : options.idlePollMs, true);
        }
        failures = 0;
      } catch (err) {
        if (stopped) break;
        failures++;
        onError?.(err instanceof Error ? err : new Error(String(err)));
        // Resume from the last delivered checkpoint after a backoff; the failed batch is retried.
        await pause(Math.min(options.maxBackoffMs, 50 * 2 ** failures), false);
      }
    }
  };
  const running = loop();

  return {
    async stop() {
      stopped = true;
      unregister();
      interrupt?.();
      await running;
    },
  };
}

/** Registers a subscription with its store, which stops whatever is still registered on close. */
export function trackSubscription(registry: Set<Subscription>, inner: Subscription): Subscription {
  const subscription: Subscription = {
    stop: async () => {
      registry.delete(subscription);
      await inner.stop();
    },
  };
  registry.add(subscription);
  return subscription;
}
