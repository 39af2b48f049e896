import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', 'coverage/', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code is replayed: it must stay deterministic, so no Node built-ins and no side-effect modules.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins,
          patterns: [
            {
              group: ['../activities/*', '../api/*', '../db/*', '../runtime/*', '../embedded/*'],
              message: 'workflows import only domain/ and workflow APIs',
            },
          ],
        },
      ],
    },
  },
  {
    // The routes' declarations: what the API promises, in domain/ schemas, for the server and the client alike.
    files: ['contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins,
          patterns: [
            {
              group: ['../api/*', '../db/*', '../activities/*', '../workflows/*', '../runtime/*', '../client/*'],
              message: 'the contract imports only domain/ and zod',
            },
          ],
        },
      ],
    },
  },
  {
    // Use cases say what starting and accepting an invitation take; the callers hand them the database's part.
    files: ['usecases/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../api/*', '../db/*', '../activities/*', '../store/*', '../delivery/*', '../runtime/*'],
              message: 'use cases import domain/, workflow messages and Temporal client APIs',
            },
          ],
        },
      ],
    },
  },
  {
    // Stores read and write tables; transports put messages out. Neither knows who calls it.
    files: ['store/**/*.ts', 'delivery/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../api/*', '../activities/*', '../usecases/*', '../plugin/*'],
              message: 'stores and transports do not import their callers',
            },
          ],
        },
      ],
    },
  },
  {
    // Tables are read and written in store/ only, each in one style: SQL, or an entity for workspaces and api_keys.
    files: ['api/**/*.ts', 'activities/**/*.ts', 'plugin/**/*.ts', 'runtime/**/*.ts', 'bin/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/db/entities', '**/db/entities/*'], message: 'entities are store/ business' }] },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression[callee.property.name=/^(execute|getKnex|getConnection|createQueryBuilder|nativeUpdate|nativeDelete|flush|persist)$/]',
          message: 'queries belong in store/',
        },
      ],
    },
  },
  {
    // The client ships to hosts' backends: fetch, standardwebhooks, and the types of domain/ and contract/.
    files: ['client/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins,
          patterns: [
            {
              group: [
                '../api/*',
                '../db/*',
                '../activities/*',
                '../workflows/*',
                '../runtime/*',
                '../embedded/*',
                '../config/*',
                '../plugin/*',
                'express',
                'pino*',
                '@mikro-orm/*',
                '@temporalio/*',
                'pg',
                'nodemailer',
                'twilio',
              ],
              message: 'the client imports only domain/, contract/ types, zod and standardwebhooks',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
