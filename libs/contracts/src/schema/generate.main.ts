// `nx run contracts:generate`: writes the JSON Schemas and the AsyncAPI document under dist/contracts.
// Usage: node -r ts-node/register/transpile-only libs/contracts/src/schema/generate.main.ts [outDir]
import 'reflect-metadata';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { contractFiles } from './contract-files';

const outDir = resolve(process.argv[2] ?? 'dist/contracts');
rmSync(join(outDir, 'schemas'), { recursive: true, force: true });
const files = contractFiles();
for (const [path, text] of Object.entries(files)) {
  const target = join(outDir, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
}
console.log(`wrote ${Object.keys(files).length} files to ${outDir}`);
