// Tag set matching: the first tag set that matches any candidate decides.
import type { ServerDescription } from '../sdam/server-description.js';
import type { TagSet } from './read-preference-input.js';

export function matchesTagSet(server: ServerDescription, tagSet: TagSet): boolean {
  return Object.entries(tagSet).every(([key, value]) => server.tags[key] === value);
}

export function filterByTagSets(servers: readonly ServerDescription[], tagSets: readonly TagSet[] | undefined): ServerDescription[] {
  if (tagSets === undefined || tagSets.length === 0) return [...servers];
  for (const tagSet of tagSets) {
    const matching = servers.filter((server) => matchesTagSet(server, tagSet));
    if (matching.length > 0) return matching;
  }
  return [];
}
