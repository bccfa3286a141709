import type { ReplayJobView } from '@crm/projections';
import { formatReplayReport } from './replay-report';

const job = (over: Partial<ReplayJobView> = {}): ReplayJobView => ({
  id: 'r1',
  readModel: 'customer-profile',
  model: 'CustomerProfile',
  collection: 'customer_profiles',
  shadow: 'customer_profiles__replay_r1',
  mode: 'dry-run',
  from: { kind: 'beginning' },
  until: { kind: 'time', time: '2026-03-01T00:00:00.000Z', position: '900' },
  status: 'completed',
  phase: 'done',
  startPosition: '0',
  endPosition: '900',
  checkpoint: '900',
  counters: { eventsRead: 12_000, eventsApplied: 11_500, documentsWritten: 800, eventsSkipped: 1 },
  progress: { fraction: 1, eventsPerSecond: 4_000, etaSeconds: 0, elapsedSeconds: 3 },
  report: {
    eventsApplied: 11_500,
    foldEventsPerSecond: 6_000,
    phaseSeconds: { folding: 2, comparing: 1 },
    documentsWritten: 800,
    eventsSkipped: 1,
    durationSeconds: 3,
    diff: { liveDocuments: 800, rebuiltDocuments: 801, same: 790, changed: 9, added: 1, removed: 0, inFlight: 1, changedFields: { orders: 9, email: 2 }, examples: [{ id: 'c-1', comparison: 'changed', fields: ['orders'] }] },
  },
  skipped: [{ eventId: 'e-1', position: '42', error: 'boom' }],
  resumes: 1,
  createdAt: '2026-03-02T00:00:00.000Z',
  updatedAt: '2026-03-02T00:00:03.000Z',
  ...over,
});

describe('formatReplayReport', () => {
  it('says what the replay did and how the rebuild compares with the live model', () => {
    const text = formatReplayReport(job(), 'profile').join('\n');
    expect(text).toContain('replay r1 of customer-profile (profile, dry-run): completed in 3 s');
    expect(text).toContain('from the beginning until 2026-03-01T00:00:00.000Z (position 900); positions 0…900; resumed 1×');
    expect(text).toContain('events applied      11,500 (skipped 1, refused by the consumer too)');
    expect(text).toContain('speed               6,000 events/s while folding');
    expect(text).toContain('time by phase       folding 2 s, comparing 1 s');
    expect(text).toContain('against the live model: 790 same, 9 changed, 1 only in the rebuild, 0 only live, 1 in flight');
    expect(text).toContain('changed fields: orders (9), email (2)');
    expect(text).toContain('    c-1: changed (orders)');
    expect(text).toContain('dry run: the live model is unchanged');
    expect(text).toContain('skipped e-1 at 42: boom');
  });

  it('tells how to resume a failed replay', () => {
    const text = formatReplayReport(job({ status: 'failed', error: 'MongoDB away', report: null }), 'profile').join('\n');
    expect(text).toContain('error: MongoDB away');
    expect(text).toContain('resume with: crm replay --resume r1');
  });
});
