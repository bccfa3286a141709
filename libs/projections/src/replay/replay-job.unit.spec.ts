import { replayProgress, replayReport, type ReplayJob } from './replay-job';

const base = (over: Partial<ReplayJob> = {}): ReplayJob => ({
  _id: 'j',
  readModel: 'p',
  model: 'P',
  collection: 'ps',
  shadow: 'ps__replay_j',
  mode: 'swap',
  from: { kind: 'beginning' },
  until: { kind: 'head' },
  status: 'running',
  phase: 'folding',
  startPosition: '0',
  endPosition: '1000',
  checkpoint: '250',
  counters: { eventsRead: 250, eventsApplied: 200, documentsWritten: 50, eventsSkipped: 0 },
  skipped: [],
  resumes: 0,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:10Z'),
  runStartedAt: new Date('2026-01-01T00:00:00Z'),
  runStartCheckpoint: '0',
  runStartEventsRead: 0,
  ...over,
});

describe('replay progress', () => {
  it('derives share done, events per second and ETA from positions and the current run', () => {
    const progress = replayProgress(base(), new Date('2026-01-01T00:00:10Z'));
    expect(progress).toEqual({ fraction: 0.25, eventsPerSecond: 25, etaSeconds: 30, elapsedSeconds: 10 });
  });

  it('measures speed over the current run after a resume', () => {
    const resumed = base({ checkpoint: '750', counters: { eventsRead: 750, eventsApplied: 0, documentsWritten: 0, eventsSkipped: 0 }, runStartedAt: new Date('2026-01-01T00:01:00Z'), runStartCheckpoint: '500', runStartEventsRead: 500, resumes: 1 });
    const progress = replayProgress(resumed, new Date('2026-01-01T00:01:05Z'));
    expect(progress).toMatchObject({ fraction: 0.75, eventsPerSecond: 50, etaSeconds: 5 });
  });

  it('has no ETA before any progress, and reports chunks for incremental replays', () => {
    expect(replayProgress(base({ checkpoint: '0' }), new Date('2026-01-01T00:00:01Z')).etaSeconds).toBeNull();
    expect(replayProgress(base({ phase: 'refolding', chunks: 4, chunksDone: 1 }), new Date('2026-01-01T00:00:01Z')).fraction).toBe(0.25);
  });

  it('reports a finished job with its snapshot collection', () => {
    const done = base({ status: 'completed', mode: 'snapshot', finishedAt: new Date('2026-01-01T00:00:20Z') });
    expect(replayProgress(done, new Date('2026-01-01T01:00:00Z'))).toMatchObject({ fraction: 1, etaSeconds: 0, elapsedSeconds: 20 });
    expect(replayReport(done)).toEqual({
      eventsApplied: 200,
      foldEventsPerSecond: null,
      phaseSeconds: {},
      documentsWritten: 50,
      eventsSkipped: 0,
      durationSeconds: 20,
      diff: null,
      snapshotCollection: 'ps__replay_j',
    });
    expect(replayReport({ ...done, phaseSeconds: { folding: 5, comparing: 10 } })).toMatchObject({ foldEventsPerSecond: 50 });
  });
});
