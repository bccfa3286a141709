import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const SERVICES = ['ingest', 'profile', 'segmentation', 'loyalty', 'analytics'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface RunningService {
  readonly name: ServiceName;
  readonly url: string;
  readonly process: ChildProcess;
  readonly output: string[];
}

const root = join(__dirname, '../../..');

/** Starts a built service (`dist/apps/<name>/main.js`) as its own process, configured by env only. */
export function startService(name: ServiceName, port: number, env: Record<string, string>): RunningService {
  const output: string[] = [];
  const child = spawn(process.execPath, [join(root, 'dist/apps', name, 'main.js')], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  return { name, url: `http://127.0.0.1:${port}`, process: child, output };
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * SIGTERM and wait. Nest re-raises the signal after its shutdown hooks ran, so a clean stop ends
 * by SIGTERM (or code 0); needing SIGKILL means shutdown hung.
 */
export function stopService(service: RunningService, timeoutMs = 15_000): Promise<'clean' | 'killed' | 'failed'> {
  return new Promise((resolve) => {
    if (service.process.exitCode !== null || service.process.signalCode !== null) return resolve('clean');
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      service.process.kill('SIGKILL');
    }, timeoutMs);
    service.process.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(killed ? 'killed' : code === 0 || signal === 'SIGTERM' ? 'clean' : 'failed');
    });
    service.process.kill('SIGTERM');
  });
}
