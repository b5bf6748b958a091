// Lint: typescript-eslint's type-checked rules, Lit template rules, custom-element
// rules and template accessibility rules for the widgets and the newsroom console
// (console/); type-checked rules for the server too.
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import litA11y from 'eslint-plugin-lit-a11y';
import js from '@eslint/js';
import globals from 'globals';

// Scripts, tests and configs written as plain ES modules: eslint's recommended
// rules with Node's globals. No type-aware rules: with typescript-eslint's default
// project (no tsconfig for them) they work, but on untyped JavaScript they report
// about 4,700 no-unsafe-* findings (everything is `any`), and of the rest most are
// node:test's describe()/test() calls as floating promises (off for the .ts tests too).
const mjs = ['**/*.mjs'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'lib/',
      'storybook-static/',
      'src/generated/',
      'console/src/generated/',
      'console/lib/',
      '.data/',
      'server/.data/',
      '**/*.js',
    ],
  },
  { files: mjs, ...js.configs.recommended },
  {
    files: mjs,
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Functions these pass to a browser (page.evaluate, executeScript) run there.
    files: [
      'bench/**/*.mjs',
      'test/e2e/**/*.mjs',
      'scripts/bench-wall.mjs',
      'scripts/screenshots.mjs',
      'scripts/storybook-smoke.mjs',
    ],
    languageOptions: { globals: { ...globals.browser } },
  },
  ...tseslint.configs.recommendedTypeChecked.map((c) => ({ ...c, ignores: mjs })),
  {
    ignores: mjs,
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'console/src/**/*.ts', 'stories/**/*.ts', 'test/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    files: ['src/**/*.ts', 'console/src/**/*.ts'],
    ...wc.configs['flat/recommended'],
  },
  {
    files: ['src/**/*.ts', 'console/src/**/*.ts', 'stories/**/*.ts'],
    ...litA11y.configs.recommended,
  },
  {
    // The store interface is async for every engine; SQLite's methods need no await.
    files: ['server/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // Tests poke at internals and build fixtures on the fly.
    files: ['test/**/*.ts', 'server/test/**/*.ts', 'server/bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
);
