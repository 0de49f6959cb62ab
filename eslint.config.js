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
  ...layerBoundaries(),
);

/**
 * The layers table of CONTRIBUTING.md as lint rules: each folder may import only what its row allows. A
 * pattern names a folder wherever it sits in a relative path (`../../storage/x.js`), so a rule holds from
 * any depth of the importing file.
 */
function layerBoundaries() {
  const folder = (name) => [`../${name}`, `../${name}/*`, `**/../${name}`, `**/../${name}/**`];
  const banFolders = (names, message) =>
    names.map((name) => ({ group: folder(name), message: `${message} (${name}/)` }));
  const banTypesToo = (names, message) =>
    names.map((name) => ({ group: folder(name), allowTypeImports: true, message: `${message} (${name}/)` }));
  const temporal = (names, message) => names.map((name) => ({ name: `@temporalio/${name}`, message }));
  const all = [
    'common',
    'csv',
    'salesforce',
    'storage',
    'activities',
    'workflows',
    'worker',
    'client',
    'cli',
    'emulator',
  ];
  const except = (...keep) => all.filter((name) => !keep.includes(name));
  const rule = (files, paths, patterns) => ({
    files,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] },
  });
  const noTemporal = { group: ['@temporalio/*'], message: 'This layer runs without Temporal.' };
  const io = ['undici', 'papaparse', 'fast-xml-parser'].map((name) => ({
    name,
    message: 'Do I/O in activities, not workflows.',
  }));
  return [
    rule(['common/**/*.ts'], temporal(['worker', 'client', 'activity'], 'common/ is shared by clients and workers.'), [
      ...banFolders(except('common'), 'common/ imports nothing of the product'),
    ]),
    rule(
      ['csv/**/*.ts'],
      [],
      [
        noTemporal,
        { group: ['@aws-sdk/*', 'undici'], message: 'csv/ reads and writes streams it is handed; no I/O of its own.' },
        ...banFolders(except('common', 'csv'), 'csv/ imports only common/'),
      ],
    ),
    rule(
      ['salesforce/**/*.ts'],
      [],
      [
        noTemporal,
        { group: ['@aws-sdk/*'], message: 'Storage belongs in storage/.' },
        ...banFolders(except('common', 'csv', 'salesforce'), 'salesforce/ imports only csv/ and common/'),
      ],
    ),
    rule(
      ['storage/**/*.ts'],
      [],
      [
        noTemporal,
        ...banFolders(
          except('common', 'csv', 'salesforce', 'storage'),
          'storage/ imports only salesforce/, csv/, common/',
        ),
      ],
    ),
    rule(
      ['activities/**/*.ts'],
      temporal(['worker', 'client', 'workflow'], 'Activities use @temporalio/activity only.'),
      banFolders(['workflows', 'worker', 'client', 'cli', 'emulator'], 'activities/ sit below workflows and workers'),
    ),
    rule(
      ['workflows/**/*.ts'],
      [
        ...nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not available in the workflow sandbox.' })),
        ...io,
        ...temporal(['activity'], 'Activity APIs are not available in workflows.'),
        ...temporal(['client', 'worker'], 'Use @temporalio/workflow in workflows.'),
      ],
      [
        { group: ['**/common/encryption-codec*'], message: 'The codec uses node:crypto; workflows never see it.' },
        ...banTypesToo(
          ['activities', 'csv', 'salesforce', 'storage'],
          'Workflows import activities and I/O code as types only',
        ),
        ...banFolders(['worker', 'client', 'cli', 'emulator'], 'Workflows run in the sandbox'),
      ],
    ),
    rule(
      ['worker/**/*.ts'],
      temporal(['client'], 'The worker gets its connection from @temporalio/worker.'),
      banFolders(['client', 'cli', 'emulator'], 'worker/ is a library for workers'),
    ),
    rule(['client/**/*.ts'], temporal(['worker', 'activity'], 'bulkflow/client must not load the worker.'), [
      ...banTypesToo(['activities', 'csv', 'salesforce', 'storage'], 'client/ uses I/O code only as types'),
      ...banFolders(['worker', 'cli', 'emulator'], 'client/ is the lean library a service imports'),
    ]),
    rule(
      ['emulator/**/*.ts'],
      [],
      [
        noTemporal,
        ...banFolders(except('emulator'), 'The emulator is an independent oracle: it imports nothing of the product'),
      ],
    ),
  ];
}
