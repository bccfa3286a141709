import 'reflect-metadata';
import { bootstrapService } from '@crm/platform';
import { loadSegmentationSettings, SERVICE } from './segmentation.env';
import { SegmentationModule } from './segmentation.module';

async function main(): Promise<void> {
  const settings = loadSegmentationSettings();
  await bootstrapService(SegmentationModule.register(settings), {
    service: SERVICE,
    description: 'Rule-based customer segments: which customers each segment holds and which segments a customer is in.',
    http: settings.http,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
