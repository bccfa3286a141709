/**
 * Everything about processes: the backing servers (checked, started through crm-infra when
 * down), the platform services spawned from dist/ with an isolated environment, and /proc
 * sampling of memory and CPU (Linux only).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

/** Same node flags as the Dockerfiles and infra/local/run-platform. */
export const SERVICE_NODE_OPTIONS = '--max-old-space-size=128 --max-semi-space-size=4';

/**
 * The run's own API key (every scope): the spawned services are configured with its sha256
 * (`API_KEYS`), and every request below sends it. The rate limit is lifted so it measures the
 * platform, not the limiter (which still runs, as deployed, on every request).
 */
export const BENCH_API_KEY = randomBytes(32).toString('base64url');
export const benchAuthEnv = (): Record<string, string> => ({
  API_KEYS: `bench:${createHash('sha256').update(BENCH_API_KEY).digest('hex')}:*`,
  RATE_LIMIT_PER_MINUTE: '1000000000',
});

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CRM_INFRA = path.join(REPO_ROOT, 'infra/local/crm-infra');

export interface InfraEnv {
  POSTGRES_URL: string;
  KAFKA_BROKERS: string;
  MONGODB_URL: string;
}

export interface InfraProcess {
  name: string;
  pid: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function tcpOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** host:port of a URL or a `host:port` list entry. */
function hostPort(address: string): { host: string; port: number } {
  const url = address.includes('://') ? new URL(address) : new URL(`tcp://${address}`);
  return { host: url.hostname, port: Number(url.port) };
}

function infraEnvFromScript(): Partial<InfraEnv> {
  const out = spawnSync(CRM_INFRA, ['env'], { encoding: 'utf8' });
  const env: Record<string, string> = {};
  for (const line of (out.stdout ?? '').split('\n')) {
    const m = /^export (\w+)=['"]?(.*?)['"]?$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}

async function unreachable(env: InfraEnv): Promise<string[]> {
  const targets = { postgres: env.POSTGRES_URL, kafka: env.KAFKA_BROKERS.split(',')[0], mongo: env.MONGODB_URL };
  const down: string[] = [];
  for (const [name, address] of Object.entries(targets)) {
    const { host, port } = hostPort(address);
    if (!(await tcpOpen(host, port))) down.push(`${name} (${host}:${port})`);
  }
  return down;
}

/**
 * Connection settings (process env wins over `crm-infra env`) with every server reachable.
 * Starts the local servers via `crm-infra up` when they are down, since that script is idempotent.
 */
export async function ensureInfra(log: (line: string) => void): Promise<InfraEnv> {
  const fromScript = infraEnvFromScript();
  const env: InfraEnv = {
    POSTGRES_URL: process.env.POSTGRES_URL ?? fromScript.POSTGRES_URL ?? 'postgres://crm@127.0.0.1:55432/crm_events',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? fromScript.KAFKA_BROKERS ?? '127.0.0.1:59092',
    MONGODB_URL: process.env.MONGODB_URL ?? fromScript.MONGODB_URL ?? 'mongodb://127.0.0.1:57017',
  };
  let down = await unreachable(env);
  if (down.length === 0) return env;
  log(`servers not reachable: ${down.join(', ')} — running \`infra/local/crm-infra up\``);
  const up = spawnSync(CRM_INFRA, ['up'], { stdio: 'inherit' });
  for (let i = 0; i < 60 && (down = await unreachable(env)).length > 0; i++) await sleep(1_000);
  if (down.length > 0 || up.status !== 0) {
    throw new Error(
      `servers still not reachable: ${down.join(', ') || '(crm-infra up failed)'}.\n` +
        `Start them with \`infra/local/crm-infra up\` (see \`infra/local/crm-infra status\` and \`crm-infra logs <svc>\`).`,
    );
  }
  return env;
}

/** pids of the local servers, from `crm-infra status` (empty when they run elsewhere). */
export function infraProcesses(): InfraProcess[] {
  const out = spawnSync(CRM_INFRA, ['status'], { encoding: 'utf8' });
  const found: InfraProcess[] = [];
  for (const line of (out.stdout ?? '').split('\n')) {
    const m = /^(\w+)\s+running\s+pid\s+(\d+)/.exec(line.trim());
    if (m) found.push({ name: m[1], pid: Number(m[2]) });
  }
  return found;
}

export function infraDescription(): string {
  const out = spawnSync(CRM_INFRA, ['status'], { encoding: 'utf8' });
  return (out.stdout ?? '').trim();
}

// ---------------------------------------------------------------------------------------------
// platform services

export interface RunningService {
  name: string;
  port: number;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

export function spawnService(name: 'ingest' | 'profile', port: number, env: Record<string, string>, logDir: string): RunningService {
  const main = path.join(REPO_ROOT, 'dist/apps', name, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} missing: run \`npx nx run-many -t build -p ingest profile\` first`);
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  // A clean env (plus PATH/HOME) so a developer's shell settings cannot leak into the run.
  const child = spawn(process.execPath, [main], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      // The services' runtime flags as deployed (Dockerfiles, infra/local/run-platform): a bounded heap.
      NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS ?? SERVICE_NODE_OPTIONS,
      ...benchAuthEnv(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, port, child, logFile, exited };
}

export function httpGet(port: number, urlPath: string, agent?: http.Agent, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent, timeout: timeoutMs, headers: { 'x-api-key': BENCH_API_KEY } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${urlPath} timed out`)));
    req.on('error', reject);
  });
}

export async function waitReady(services: RunningService[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(services);
  let lastBody = '';
  while (pending.size > 0) {
    for (const svc of [...pending]) {
      if (svc.child.exitCode !== null) {
        const tail = readFileSync(svc.logFile, 'utf8').trim().split('\n').slice(-12).join('\n    ');
        throw new Error(`${svc.name} exited with code ${svc.child.exitCode}; ${svc.logFile} ends with:\n    ${tail}`);
      }
      const res = await httpGet(svc.port, '/health/ready').catch((e: Error) => ({ status: 0, body: e.message }));
      if (res.status === 200) pending.delete(svc);
      else lastBody = `${svc.name}: ${res.status} ${res.body.slice(0, 300)}`;
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms — ${lastBody}`);
    await sleep(200);
  }
}

/** SIGTERM (graceful Nest shutdown), then SIGKILL if it lingers. */
export async function stopService(svc: RunningService, graceMs = 8_000): Promise<void> {
  if (svc.child.exitCode !== null || svc.child.signalCode !== null) return;
  svc.child.kill('SIGTERM');
  const timer = sleep(graceMs).then(() => 'timeout' as const);
  if ((await Promise.race([svc.exited, timer])) === 'timeout') {
    svc.child.kill('SIGKILL');
    await svc.exited;
  }
}

// ---------------------------------------------------------------------------------------------
// /proc sampling

/** Resident set size in MB, or NaN when the process is gone. */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export class RssSampler {
  readonly maxMb = new Map<string, number>();
  private readonly phase = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly targets: { name: string; pid: number }[]) {}

  /** Maxima since the last call (per phase), then starts over; the overall maxima are kept. */
  phaseMax(): Record<string, number> {
    this.sample();
    const out = Object.fromEntries(this.phase);
    this.phase.clear();
    return out;
  }

  start(everyMs = 200): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  current(name: string): number {
    const t = this.targets.find((x) => x.name === name);
    return t ? rssMb(t.pid) : NaN;
  }

  private sample(): void {
    for (const { name, pid } of this.targets) {
      const mb = rssMb(pid);
      if (!Number.isFinite(mb)) continue;
      this.maxMb.set(name, Math.max(this.maxMb.get(name) ?? 0, mb));
      this.phase.set(name, Math.max(this.phase.get(name) ?? 0, mb));
    }
  }
}

const CLOCK_TICKS = 100; // USER_HZ; 100 on every mainstream Linux build

/** CPU seconds of each process tree (process + live descendants + reaped children), from /proc. */
export function cpuSeconds(roots: { name: string; pid: number }[]): Map<string, number> {
  const procs = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // comm may contain spaces: fields are parsed after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      procs.set(Number(entry), { ppid, ticks });
    } catch {
      // exited while listing
    }
  }
  const children = new Map<number, number[]>();
  for (const [pid, p] of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const rootPids = new Set(roots.map((r) => r.pid));
  const result = new Map<string, number>();
  for (const { name, pid } of roots) {
    let ticks = 0;
    const stack = [pid];
    while (stack.length) {
      const current = stack.pop() as number;
      ticks += procs.get(current)?.ticks ?? 0;
      // Another root's tree is counted under its own name (the services are the bench's children).
      stack.push(...(children.get(current) ?? []).filter((c) => !rootPids.has(c)));
    }
    result.set(name, ticks / CLOCK_TICKS);
  }
  return result;
}

/** CPU used per process tree between two snapshots, as "cores busy" over the wall time. */
export function cpuShare(before: Map<string, number>, after: Map<string, number>, wallSeconds: number): Record<string, number> {
  const share: Record<string, number> = {};
  for (const [name, end] of after) share[name] = (end - (before.get(name) ?? end)) / wallSeconds;
  return share;
}

export function httpPostJson(port: number, urlPath: string, json: string, agent: http.Agent, timeoutMs = 30_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method: 'POST',
        agent,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), 'x-api-key': BENCH_API_KEY },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`POST ${urlPath} timed out`)));
    req.on('error', reject);
    req.end(json);
  });
}

/** Sum of a Prometheus counter over all its label sets, from a /metrics text body. */
export function promCounter(metricsText: string, name: string): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat: shows load the bench did not cause. */
export function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal = 0] = fields; // skips idle and iowait
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}
