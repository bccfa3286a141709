import type { INestApplication } from '@nestjs/common';
import { rebuildMatchesLive } from '../document-diff';
import { ReplayService, type ReplayJobView, type StartReplayRequest } from '../nest/replay.service';

/** Polls a replay until it is no longer running. */
export async function waitForReplay(app: INestApplication, id: string, timeoutMs = 60_000): Promise<ReplayJobView> {
  const replays = app.get(ReplayService);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await replays.get(id);
    if (job.status !== 'running') return job;
    if (Date.now() > deadline) throw new Error(`replay ${id} still running after ${timeoutMs} ms: ${job.phase} at ${job.checkpoint}/${job.endPosition}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a replay through the service (as the admin API does) and waits for its end. */
export async function runReplay(app: INestApplication, request: StartReplayRequest, timeoutMs?: number): Promise<ReplayJobView> {
  const job = await app.get(ReplayService).start(request);
  return waitForReplay(app, job.id, timeoutMs);
}

/**
 * Rebuilds `readModel` from the event store (a dry run: the live model is untouched) and throws
 * unless the rebuild equals the live model document for document. Call it once the live model
 * has consumed everything (no documents in flight). Works for any read model of a service built
 * on `ReadSideModule` with an `eventStore`; returns the replay for further checks.
 */
export async function expectRebuildEqualsLive(app: INestApplication, readModel: string, options: { timeoutMs?: number } = {}): Promise<ReplayJobView> {
  const job = await runReplay(app, { readModel, mode: 'dry-run' }, options.timeoutMs);
  if (job.status !== 'completed') throw new Error(`rebuild of ${readModel} ${job.status}: ${job.error ?? ''}`);
  const diff = job.report?.diff;
  if (!diff) throw new Error(`rebuild of ${readModel} has no comparison`);
  if (!rebuildMatchesLive(diff) || diff.inFlight > 0) {
    throw new Error(
      `rebuild of ${readModel} differs from the live model: ${diff.changed} changed, ${diff.added} only rebuilt, ${diff.removed} only live, ${diff.inFlight} in flight; ` +
        `fields ${JSON.stringify(diff.changedFields)}; e.g. ${JSON.stringify(diff.examples.slice(0, 5))}`,
    );
  }
  if (diff.liveDocuments === 0) throw new Error(`rebuild of ${readModel} compared no documents: the live model is empty`);
  return job;
}
