/**
 * Runs the loyalty bench on its own (the platform bench, `npm run bench`, runs it as one of its phases):
 *   npx nx run-many -t build -p ingest loyalty && TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register/transpile-only bench/src/loyalty/run-loyalty-bench.ts
 */
import { log } from '../report';
import { runLoyaltyBench } from './loyalty.bench';

runLoyaltyBench({ log })
  .then((result) => log(`\n${JSON.stringify(result, null, 2)}`))
  .catch((error: unknown) => {
    log(`loyalty bench failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exitCode = 1;
  });
