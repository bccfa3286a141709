import type { AppendOutcome, AppendRequest, EventStore } from '../event-store.port';

/**
 * Multi-stream append for stores without a multi-stream transaction: one append per stream,
 * each with its own outcome. Appends to the same stream stay in request order.
 */
export async function appendEach(store: Pick<EventStore, 'appendToStream'>, requests: AppendRequest[]): Promise<AppendOutcome[]> {
  const byStream = new Map<string, number[]>();
  requests.forEach((r, i) => byStream.set(r.streamId, [...(byStream.get(r.streamId) ?? []), i]));
  const outcomes: AppendOutcome[] = new Array(requests.length);
  await Promise.all(
    [...byStream.values()].map(async (indexes) => {
      for (const i of indexes) {
        const { streamId, events, expectedRevision } = requests[i];
        outcomes[i] = await store.appendToStream(streamId, events, { expectedRevision }).then(
          (result): AppendOutcome => ({ ok: true, result }),
          (error: Error): AppendOutcome => ({ ok: false, error }),
        );
      }
    }),
  );
  return outcomes;
}
