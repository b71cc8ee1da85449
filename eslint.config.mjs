// Flat config. The one architectural rule that matters most: src/core never touches `vscode`,
// so everything there stays testable in plain Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { noFutureDate } from './eslint/noFutureDate.cjs';

export default tseslint.config(
  {
    ignores: [
      'test/unit/lint/fixtures/**',
      'dist/**',
      'out/**',
      'node_modules/**',
      '.vscode-test/**',
      'dist-vsix/**',
      '**/.aws-sam/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-exports': [
        'error',
        {
          restrictDefaultExports: {
            direct: true,
            named: true,
            defaultFrom: true,
            namedFrom: true,
            namespaceFrom: true,
          },
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      // Prettier wraps code at 120; this catches what it leaves alone (comments, long strings).
      'max-len': [
        'error',
        {
          code: 120,
          comments: 120,
          ignoreUrls: true,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
        },
      ],
    },
  },
  {
    // Imports run one way: a cycle means a type or a helper is in the wrong file (#25).
    files: [
      'src/**/*.ts',
      'webview/**/*.ts',
      'emulator/src/**/*.ts',
      'infra/src/**/*.ts',
      'infra/check/**/*.ts',
      'test/unit/lint/fixtures/cycle/**',
    ],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json', '.node'] })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['src/core/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'src/core must not import vscode: put VS Code glue in src/vscode.' }] },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='require'][arguments.0.value='vscode']",
          message: 'src/core must not require vscode: put VS Code glue in src/vscode.',
        },
        {
          selector: "ImportExpression[source.value='vscode']",
          message: 'src/core must not import vscode: put VS Code glue in src/vscode.',
        },
      ],
    },
  },
  {
    // Tests never name a date still to come (eslint/noFutureDate.cjs says why).
    files: ['test/**', 'emulator/test/**', 'infra/**/*.test.ts', 'bench/**'],
    plugins: { storyteller: { rules: { 'no-future-date': noFutureDate } } },
    rules: { 'storyteller/no-future-date': 'error' },
  },
  {
    // The story panel's webview runs in a browser: browser globals, and none of Node's.
    files: ['webview/**'],
    languageOptions: { globals: { ...globals.browser, acquireVsCodeApi: 'readonly' } },
    rules: {
      'no-restricted-globals': ['error', 'process', 'require', 'Buffer', '__dirname', '__filename', 'global'],
      // The panel shares the host's protocol and nothing else of it: what it needs moves there.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)src/(?!core/story/protocol/)',
              message: 'The webview imports only src/core/story/protocol/**: move a pure helper there.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.cjs', 'test/host/fixtures/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Config files themselves use `export default`, which the tools require.
    files: ['*.mjs', '*.config.*'],
    rules: { 'no-restricted-exports': 'off' },
  },
);
