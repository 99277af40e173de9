// Lint: typescript-eslint's type-checked rules plus the project's conventions (code-style §4.2).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layers (ARCHITECTURE.md §3): which src folders a folder may not import. Checked on the import text:
// a relative specifier climbing out of the folder ('../../resources/pods/syncer.js') into a forbidden one.
const SRC_FOLDERS = [
  'binaries', 'cli', 'config', 'controlplane', 'coredns', 'drivers', 'embedded-host', 'images',
  'k8s', 'kine', 'lib', 'operations', 'resources', 'runtime', 'syncer', 'vclusters',
];
const APP = ['cli', 'controlplane', 'drivers', 'embedded-host', 'operations', 'vclusters'];
const except = (...allowed) => SRC_FOLDERS.filter((f) => !allowed.includes(f));
const layer = (folder, forbidden, files = [`src/${folder}/**/*.ts`]) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
            message: `layers (ARCHITECTURE.md §3): src/${folder} imports none of src/{${forbidden.join(',')}}`,
          },
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'src/kine/generated/**', 'bin/**', 'test/go/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }] },
      ],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='process'][callee.property.name='exit']", message: 'throw a VClusterError; src/cli/main.ts decides the exit code' },
      ],
    },
  },
  {
    files: ['src/cli/main.ts', 'bin/**', 'test/**', 'bench/**', 'scripts/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  layer('lib', except('lib')),
  layer('k8s', except('lib', 'k8s')),
  layer('runtime', ['syncer', 'resources', 'coredns', 'kine', ...APP]),
  // the syncer framework: the resources registry is handed to it (src/controlplane/start-syncer.ts)
  layer('syncer', ['resources', 'coredns', ...APP]),
  layer('resources', ['coredns', 'kine', ...APP]),
  layer('kine', ['syncer', 'resources', 'cli']),
  // the kine flags' test parses them through the `vcluster kine` command
  layer('kine', ['syncer', 'resources'], ['src/kine/config.test.ts']),
);
