// Lint: typescript-eslint's recommended rules plus the layer import direction of
// shared/design/architecture.md §1.4 (VS Code's "code-layering" idea, with core ESLint rules only).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
  },
});

const NODE = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.tmp/**', 'renderer/dist/**', 'assets/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  layer(['electron/common/**'], [...NODE, '**/io/*', '**/formats/**', '**/evidence/**', '**/artefacts/**', '**/analysis/**', '**/engine/**', 'electron', 'zod'], 'Bad layering: electron/common imports nothing.'),
  layer(['electron/io/**'], ['**/formats/**', '**/evidence/**', '**/artefacts/**', '**/analysis/**', '**/engine/**', '**/hashing/**', 'electron'], 'Bad layering: io may import common and node:fs only.'),
  layer(['electron/formats/**'], ['**/evidence/**', '**/artefacts/**', '**/analysis/**', '**/engine/**', '**/hashing/**', '**/report/**', 'electron', 'node:fs', 'node:fs/promises', 'fs'], 'Bad layering: a parser never knows where its bytes came from (common and io only).'),
  // Exception (architecture.md "Our dependencies"): formats/zip opens ZIP files on disk through
  // node-stream-zip, and zip/tar spill deflated members to a private temp file for random access.
  { files: ['electron/formats/zip/**', 'electron/formats/tar/**'], rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/evidence/**', '**/artefacts/**', '**/analysis/**', '**/engine/**', 'electron'], message: 'Bad layering: a parser never knows where its bytes came from.' }] }] } },
  layer(['electron/evidence/**'], ['**/artefacts/**', '**/analysis/**', '**/engine/**', '**/report/**', 'electron', '**/formats/*/!(index).js'], 'Bad layering: evidence may use common, io and formats (through index.ts).'),
  layer(['electron/artefacts/**'], ['**/analysis/**', '**/engine/**', '**/report/**', '**/evidence/**', 'electron', '**/formats/*/!(index).js', ...NODE.filter((n) => n !== 'node:*')], 'Bad layering: artefacts use common, io, formats (index) and the Target interface.'),
  layer(['electron/analysis/**'], ['**/formats/**', '**/evidence/**', '**/engine/**', '**/hashing/**', '**/io/**', 'electron'], 'Bad layering: analysis reads records and indicators, never bytes.'),
  layer(['electron/hashing/**', 'electron/report/**'], ['**/artefacts/**', '**/engine/**', '**/cli/**', 'electron'], 'Bad layering: hashing and report sit below the engine.'),
  layer(['electron/engine/**'], ['**/cli/**', '**/workers/**', '**/main/**', '**/ipc/**', '**/preload/**'], 'Bad layering: nothing below the CLI imports it.'),
  layer(['renderer/**'], [...NODE, '**/electron/io/**', '**/electron/formats/**', '**/electron/evidence/**', '**/electron/engine/**'], 'Bad layering: the renderer talks only to the preload bridge.'),
);
