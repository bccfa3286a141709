/**
 * Output: progress while a phase runs, the final table of figures against targets, and
 * bench/results/latest.json. All figures are machine-dependent (cores, disk, what else runs):
 * compare runs on the same machine, and the e2e/raw ratio across machines.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';

export const RESULTS_DIR = path.resolve(__dirname, '..', 'results');

export const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

export interface Progress {
  update(done: number, extra?: { sent?: number; note?: string }): void;
  stop(): void;
}

/**
 * One bar per phase with a rolling events/s. Without a TTY (CI, piped output) cli-progress prints
 * a plain line every second instead of redrawing.
 */
export function progress(title: string, total: number): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: `${title.padEnd(22)} [{bar}] {value}/{total} | sent {sent} | {rate} ev/s | {duration}s {note}`,
      barsize: 24,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 1_000,
      fps: 5,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  const window: { t: number; n: number }[] = [{ t: started, n: 0 }];
  bar.start(total, 0, { sent: 0, rate: 0, note: '' });
  return {
    update(done, extra = {}) {
      const now = performance.now();
      window.push({ t: now, n: done });
      while (window.length > 2 && now - window[0].t > 2_000) window.shift(); // ~2 s rolling rate
      const first = window[0];
      const rate = now > first.t ? ((done - first.n) * 1_000) / (now - first.t) : 0;
      bar.update(done, { sent: extra.sent ?? done, rate: Math.round(rate), note: extra.note ?? '' });
    },
    stop() {
      bar.stop();
    },
  };
}

export interface Row {
  metric: string;
  value: number;
  unit: string;
  /** Pass when value >= target (higher is better) or <= target (lower is better). */
  target?: number;
  better?: 'higher' | 'lower';
}

const fmt = (n: number): string =>
  !Number.isFinite(n) ? 'n/a' : Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n < 10 ? 2 : 1);

export function verdict(row: Row): 'PASS' | 'SHORT' | '' {
  if (row.target === undefined) return '';
  if (!Number.isFinite(row.value)) return 'SHORT';
  return (row.better === 'lower' ? row.value <= row.target : row.value >= row.target) ? 'PASS' : 'SHORT';
}

export function table(rows: Row[]): string {
  const cells = rows.map((r) => [
    r.metric,
    `${fmt(r.value)} ${r.unit}`.trim(),
    r.target === undefined ? '' : `${r.better === 'lower' ? '≤' : '≥'} ${fmt(r.target)} ${r.unit}`.trim(),
    verdict(r),
  ]);
  const header = ['figure', 'measured', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === 1 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function writeResults(result: unknown, name = 'latest.json'): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, name);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
