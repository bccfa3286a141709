import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '../../../..');
const crmInfra = join(root, 'infra/local/crm-infra');

export type InfraServer = 'postgres' | 'kafka' | 'mongo';

/**
 * A stack of servers of its own (PostgreSQL, Kafka, MongoDB-wire) on ports nobody else uses, so
 * the fault suite can stop and start them without disturbing other tests or a running platform.
 * Jars come from the shared download cache.
 */
export class PrivateInfra {
  readonly dir: string;
  readonly ports: { postgres: number; kafka: number; kafkaController: number; mongo: number };

  constructor(basePort: number) {
    this.dir = mkdtempSync(join(tmpdir(), 'crm-faults-'));
    chmodSync(this.dir, 0o755); // PostgreSQL runs as its own user and must reach its data directory
    this.ports = { postgres: basePort, kafka: basePort + 1, kafkaController: basePort + 2, mongo: basePort + 3 };
    const sharedCache = join(process.env['CRM_LOCAL_DIR'] ?? join(root, '.local'), 'cache');
    mkdirSync(sharedCache, { recursive: true });
    if (!existsSync(join(this.dir, 'cache'))) symlinkSync(sharedCache, join(this.dir, 'cache'));
  }

  get env(): Record<string, string> {
    return {
      POSTGRES_URL: `postgres://crm@127.0.0.1:${this.ports.postgres}/crm_events`,
      KAFKA_BROKERS: `127.0.0.1:${this.ports.kafka}`,
      MONGODB_URL: `mongodb://127.0.0.1:${this.ports.mongo}`,
    };
  }

  private get infraEnv(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      CRM_LOCAL_DIR: this.dir,
      CRM_PG_PORT: String(this.ports.postgres),
      CRM_KAFKA_PORT: String(this.ports.kafka),
      CRM_KAFKA_CONTROLLER_PORT: String(this.ports.kafkaController),
      CRM_MONGO_PORT: String(this.ports.mongo),
    };
  }

  async up(...servers: InfraServer[]): Promise<void> {
    await run(crmInfra, ['up', ...servers], { env: this.infraEnv, timeout: 180_000 });
  }

  async down(...servers: InfraServer[]): Promise<void> {
    await run(crmInfra, ['down', ...servers], { env: this.infraEnv, timeout: 120_000 });
  }

  /** Stops everything and deletes the stack's data (the shared cache is only linked). */
  async destroy(): Promise<void> {
    await this.down().catch(() => undefined);
    rmSync(join(this.dir, 'cache'), { force: true });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
