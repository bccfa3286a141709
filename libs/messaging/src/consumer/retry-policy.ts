/** Exponential backoff with full jitter, capped: spreads retries of many partitions over time. */
export const backoffDelay = (attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number =>
  Math.round(random() * Math.min(maxMs, baseMs * 2 ** attempt));

/**
 * Errors that say nothing about the event itself (a database or broker that is down): retried
 * until they pass, never dead-lettered, so an outage cannot empty a topic into the DLQ.
 */
export function isTransientError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const text = `${error.name} ${error.message} ${(error as { code?: unknown }).code ?? ''}`;
  return /Mongo(Network|ServerSelection|NotConnected|PoolCleared|Topology)|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|KafkaJS(Connection|NumberOfRetriesExceeded|RequestTimeout)|connection (closed|terminated)|interrupted|not primary|NotWritablePrimary/i.test(
    text,
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
