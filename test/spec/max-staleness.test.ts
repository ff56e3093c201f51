// Max staleness spec tests: staleness estimates with and without a primary, and the
// errors for maxStalenessSeconds values the topology cannot honour.
import { runSelectionTest, type SelectionTest } from '../selection/support/selection-runner.js';
import { specFiles } from '../support/specs-dir.js';
import { registerSpecSuite } from './harness.js';

registerSpecSuite(
  'max-staleness',
  specFiles<SelectionTest>('max-staleness').map((file) => ({
    file: file.name,
    name: file.name.replace(/\.json$/, ''),
    run: () => runSelectionTest(file.content),
  })),
);
