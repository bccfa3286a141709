/**
 * Runs the analytics bench on its own (the platform bench, `npm run bench`, runs it as one of its phases):
 *   npx nx build analytics && TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register/transpile-only bench/src/analytics/run-analytics-bench.ts
 */
import { log } from '../report';
import { runAnalyticsBench } from './analytics.bench';

runAnalyticsBench({ log })
  .then((result) => log(`\n${JSON.stringify(result, null, 2)}`))
  .catch((error: unknown) => {
    log(`analytics bench failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exitCode = 1;
  });
