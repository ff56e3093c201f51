// The error a mongod without a search service (mongot) gives for Atlas Search index commands and
// the $listSearchIndexes stage: the embedded server has no search service either.
import { CommandError } from './command-error.js';

export const SEARCH_NOT_ENABLED = 31082;

const MESSAGE =
  'Using Atlas Search Database Commands and the $listSearchIndexes aggregation stage requires additional configuration. ' +
  'Please connect to Atlas or an AtlasCLI local deployment to enable. ' +
  'For more information on how to connect, see https://dochub.mongodb.org/core/atlas-cli-deploy-local-reqs';

export function searchNotEnabled(): CommandError {
  return new CommandError(SEARCH_NOT_ENABLED, MESSAGE, { codeName: 'SearchNotEnabled' });
}
