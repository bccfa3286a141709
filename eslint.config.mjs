// Module boundaries are enforced here, not by convention:
// - an app imports libs, never another app;
// - domain libs (pure decide/evolve, rules, formulas) import no framework, database or broker client.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const infrastructurePackages = [
  '@nestjs/*',
  'mongoose',
  'mongodb',
  'kafkajs',
  'pg',
  '@eventstore/*',
  'express',
  'prom-client',
  'pino',
];

export default [
  { ignores: ['**/dist', '**/node_modules', '**/.local', '**/tmp', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:infra', 'type:domain', 'type:contracts', 'type:testing'] },
            // The end-to-end suite drives built services as processes: it imports no project code.
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:infra', 'type:domain', 'type:contracts', 'type:testing'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:domain', 'type:contracts', 'type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:infra', 'type:domain', 'type:contracts'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'],
              bannedExternalImports: infrastructurePackages,
            },
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:contracts'],
              bannedExternalImports: infrastructurePackages.filter((p) => p !== '@nestjs/*'),
            },
          ],
        },
      ],
      // Settings classes annotate property types on purpose: decorator metadata (used for env
      // conversion) is only emitted for annotated types by per-file transpilers.
      '@typescript-eslint/no-inferrable-types': ['error', { ignoreProperties: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
];
