/**
 * Runs the segmentation bench on its own:
 *   npx nx build segmentation && TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register/transpile-only bench/src/segmentation/run-segmentation-bench.ts
 */
import { log } from '../report';
import { runSegmentationBench } from './segmentation.bench';

runSegmentationBench({ log })
  .then((result) => log(`\n${JSON.stringify(result, null, 2)}`))
  .catch((error: unknown) => {
    log(`segmentation bench failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exitCode = 1;
  });
