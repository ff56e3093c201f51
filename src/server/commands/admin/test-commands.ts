// mongod's Stable API test commands (present with enableTestCommands): they do
// nothing; the dispatcher's Stable API checks decide whether they may run.
import type { CommandHandler } from '../../types.js';

const TEST_COMMANDS = ['testVersion1', 'testVersion2', 'testVersions1And2', 'testDeprecation', 'testDeprecationInVersion2', 'testRemoval'];

export function stableApiTestCommands(): CommandHandler[] {
  return TEST_COMMANDS.map((name) => ({ name, run: () => ({}) }));
}
