import { defineConfig } from 'vitest/config';

// Files that replace modules with vi.mock need a module registry of their own; every other file
// shares its worker's registry (isolate: false), which saves re-importing the driver and server
// for each of the ~220 files (about half of `npm test`'s wall time). A file that mocks a module
// must be listed here, and no file may rely on module state another file left behind.
const MOCKING_FILES = ['test/monitoring/logger/driver-logging.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: MOCKING_FILES, isolate: false } },
      { extends: true, test: { name: 'isolated', include: MOCKING_FILES } },
    ],
  },
});
