import 'reflect-metadata';
import { bootstrapService } from '@crm/platform';
import { loadProfileSettings, SERVICE } from './profile.env';
import { ProfileModule } from './profile.module';

async function main(): Promise<void> {
  const settings = loadProfileSettings();
  await bootstrapService(ProfileModule.register(settings), {
    service: SERVICE,
    description: 'The customer 360: identity, demographics, lifecycle stage and purchase stats per customer.',
    http: settings.http,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
