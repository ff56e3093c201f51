// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'specs/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'No enums: use a union of string literals or a const object.' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'mongodb', message: 'The official driver is a test oracle: never import it from src/.' },
          { name: 'mongosh', message: 'mongosh is a test oracle: never import it from src/.' },
          { name: 'mongodb-memory-server', message: 'Test-only.' },
        ],
      }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/bson.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'bson', message: "Import BSON through src/bson.ts: it is the only file that imports 'bson'." },
          { name: 'mongodb', message: 'The official driver is a test oracle: never import it from src/.' },
          { name: 'mongosh', message: 'mongosh is a test oracle: never import it from src/.' },
          { name: 'mongodb-memory-server', message: 'Test-only.' },
        ],
      }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
