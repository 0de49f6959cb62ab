// ESLint flat config: type-aware rules everywhere, and a sandbox rule set for workflows/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.bulkflow/', '.tmp/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test()/describe() return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O libraries,
    // and activities only as types (their code must never be bundled into the workflow).
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'Node built-ins are not available in the workflow sandbox.',
            })),
            { name: 'undici', message: 'Do I/O in activities, not workflows.' },
            { name: 'papaparse', message: 'Do I/O in activities, not workflows.' },
            { name: 'fast-xml-parser', message: 'Do I/O in activities, not workflows.' },
            { name: '@temporalio/activity', message: 'Activity APIs are not available in workflows.' },
            { name: '@temporalio/client', message: 'Use @temporalio/workflow in workflows.' },
            { name: '@temporalio/worker', message: 'Use @temporalio/workflow in workflows.' },
          ],
          patterns: [
            {
              group: ['../activities/*', '../activities', '../salesforce/*', '../salesforce'],
              allowTypeImports: true,
              message: 'Import activities and the Salesforce client as types only.',
            },
          ],
        },
      ],
    },
  },
);
