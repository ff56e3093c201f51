// Atlas Search index commands: known to mongod, refused without a search service (see
// search-not-enabled.ts). The index-management spec tests expect an error mentioning Atlas.
import { searchNotEnabled } from '../../search-not-enabled.js';
import type { CommandHandler } from '../../types.js';

function refused(name: string): CommandHandler {
  return {
    name,
    run() {
      throw searchNotEnabled();
    },
  };
}

export const searchIndexHandlers: CommandHandler[] = [refused('createSearchIndexes'), refused('dropSearchIndex'), refused('updateSearchIndex')];
