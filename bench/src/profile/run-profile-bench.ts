/**
 * Runs the profile query bench on its own:
 *   npx nx build profile && TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register/transpile-only bench/src/profile/run-profile-bench.ts
 */
import { log } from '../report';
import { runProfileBench } from './profile-search.bench';

runProfileBench({ log })
  .then((result) => log(`\n${JSON.stringify(result, null, 2)}`))
  .catch((error: unknown) => {
    log(`profile bench failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exitCode = 1;
  });
