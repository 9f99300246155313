import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/build/**', 'node_modules/**', '.cache/**', 'test-images/**', 'artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Plain-JS files are Node scripts (scripts/*.mjs) and this config; TypeScript files get their
  // globals from their tsconfig's lib and types, which no-undef cannot see.
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: globals.node },
  },
  // Custom hooks live in .ts files (api/api.ts) as well as components in .tsx.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      // State that follows props is derived during render (or reset with a `key`), not set in an
      // effect: an effect costs an extra render with the stale value first.
      'react-hooks/set-state-in-effect': 'error',
    },
  },
);
