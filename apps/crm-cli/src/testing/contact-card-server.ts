/**
 * A read-side service process for the CLI's integration tests: the contact-card test read model
 * behind the real ReadSideModule (consumer, admin API, replays), configured from the environment
 * like a deployed service. Started with ts-node by the tests, killed with SIGKILL by one of them.
 *
 * REPLAY_PAGE_SIZE: events per replay batch; REPLAY_BATCH_DELAY_MS: a pause after each batch, so
 * a test can stop a replay midway; REPLAY_LEASE_MS: how soon a killed replay is resumed;
 * REPLAY_SYNC_WRITES=true: write and checkpoint after every batch.
 */
import 'reflect-metadata';
import { bootstrapService } from '@crm/platform';
import { ContactCardServiceModule, loadReplayTestSettings } from '@crm/projections/testing';

const number = (name: string, fallback: number): number => (process.env[name] ? Number(process.env[name]) : fallback);

async function main(): Promise<void> {
  const settings = loadReplayTestSettings(process.env);
  const delay = number('REPLAY_BATCH_DELAY_MS', 0);
  const module = ContactCardServiceModule.register(settings, {
    replay: {
      pageSize: number('REPLAY_PAGE_SIZE', 5_000),
      leaseMs: number('REPLAY_LEASE_MS', 30_000),
      syncWrites: process.env['REPLAY_SYNC_WRITES'] === 'true',
      ...(delay > 0 ? { hooks: { afterBatch: () => new Promise<void>((r) => setTimeout(r, delay)) } } : {}),
    },
  });
  await bootstrapService(module, { service: settings.service, description: 'contact cards (test service)', http: settings.http });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
