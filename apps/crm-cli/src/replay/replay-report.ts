import type { ReplayJobView } from '@crm/projections';

const n = (value: number): string => value.toLocaleString('en-US');

const pointOf = (point: ReplayJobView['from'] | ReplayJobView['until']): string => {
  switch (point.kind) {
    case 'beginning':
      return 'the beginning';
    case 'head':
      return 'the head of the log';
    case 'position':
      return `position ${point.position}`;
    case 'time':
      return `${point.time} (position ${point.position})`;
  }
};

/** The final report of a replay, for people: what it did, and how the rebuild compares with the live model. */
export function formatReplayReport(job: ReplayJobView, service: string): string[] {
  const report = job.report;
  const lines = [
    `replay ${job.id} of ${job.readModel} (${service}, ${job.mode}): ${job.status}${report ? ` in ${report.durationSeconds} s` : ''}`,
    `  from ${pointOf(job.from)} until ${pointOf(job.until)}; positions ${job.startPosition}…${job.endPosition}${job.resumes > 0 ? `; resumed ${job.resumes}×` : ''}`,
    `  events read         ${n(job.counters.eventsRead)}`,
    `  events applied      ${n(job.counters.eventsApplied)}${job.counters.eventsSkipped > 0 ? ` (skipped ${n(job.counters.eventsSkipped)}, refused by the consumer too)` : ''}`,
    `  documents written   ${n(job.counters.documentsWritten)}`,
    `  speed               ${n(report?.foldEventsPerSecond ?? job.progress.eventsPerSecond)} events/s${report?.foldEventsPerSecond ? ' while folding' : ''}`,
  ];
  const phases = Object.entries(report?.phaseSeconds ?? {}).filter(([, s]) => (s ?? 0) > 0);
  if (phases.length > 0) lines.push(`  time by phase       ${phases.map(([p, s]) => `${p} ${s} s`).join(', ')}`);
  const diff = report?.diff;
  if (diff) {
    lines.push(
      `  against the live model: ${n(diff.same)} same, ${n(diff.changed)} changed, ${n(diff.added)} only in the rebuild, ${n(diff.removed)} only live, ${n(diff.inFlight)} in flight`,
    );
    const fields = Object.entries(diff.changedFields).sort((a, b) => b[1] - a[1]);
    if (fields.length > 0) lines.push(`  changed fields: ${fields.map(([f, c]) => `${f} (${n(c)})`).join(', ')}`);
    for (const example of diff.examples.slice(0, 10)) lines.push(`    ${example.id}: ${example.comparison}${example.fields ? ` (${example.fields.join(', ')})` : ''}`);
  }
  if (job.mode === 'swap' && job.status === 'completed') lines.push('  the rebuilt model is live');
  if (job.mode === 'dry-run' && job.status === 'completed') lines.push('  dry run: the live model is unchanged');
  if (report?.snapshotCollection) lines.push(`  snapshot kept in collection ${report.snapshotCollection}; query it with GET /v1/admin/replays/${job.id}/documents?filter=…`);
  for (const skipped of job.skipped.slice(0, 5)) lines.push(`  skipped ${skipped.eventId} at ${skipped.position}: ${skipped.error}`);
  if (job.error) lines.push(`  error: ${job.error}`, `  resume with: crm replay --resume ${job.id}`);
  return lines;
}
