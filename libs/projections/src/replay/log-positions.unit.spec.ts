import { headPosition, positionAtTime } from './log-positions';
import { FakeLog, storedEvents } from './testing/fake-log';

const log = new FakeLog(
  storedEvents([
    { streamId: 'customer-a', type: 't', position: 3n, recordedAt: '2026-01-01T00:00:00Z' },
    { streamId: 'customer-a', type: 't', position: 7n, recordedAt: '2026-01-02T00:00:00Z' },
    { streamId: 'customer-b', type: 't', position: 8n, recordedAt: '2026-01-02T00:00:00Z' },
    { streamId: 'customer-b', type: 't', position: 5_000n, recordedAt: '2026-01-05T00:00:00Z' },
  ]),
);

describe('positions in the log', () => {
  it('finds the head of a sparse log, and 0 for an empty one', async () => {
    expect(await headPosition(log)).toBe(5_000n);
    expect(await headPosition(new FakeLog([]))).toBe(0n);
  });

  it('finds the last position recorded at or before an instant', async () => {
    expect(await positionAtTime(log, new Date('2025-12-31T00:00:00Z'))).toBe(0n);
    expect(await positionAtTime(log, new Date('2026-01-01T00:00:00Z'))).toBe(3n);
    expect(await positionAtTime(log, new Date('2026-01-02T00:00:00Z'))).toBe(8n);
    expect(await positionAtTime(log, new Date('2026-01-04T00:00:00Z'))).toBe(8n);
    expect(await positionAtTime(log, new Date('2027-01-01T00:00:00Z'))).toBe(5_000n);
  });

  it('needs about one read per bit of the position range', async () => {
    const before = log.reads;
    await positionAtTime(log, new Date('2026-01-03T00:00:00Z'));
    expect(log.reads - before).toBeLessThan(40);
  });
});
