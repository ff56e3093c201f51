// explain: a plausible queryPlanner document for the wrapped command (writes are not performed).
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { isPlainDocument } from '../../query/bson-types.js';
import type { CommandHandler } from '../../types.js';
import { countMatching } from './count-distinct.js';
import { runFind } from './find.js';

const EXPLAINABLE = new Set(['find', 'aggregate', 'count', 'distinct', 'update', 'delete', 'findAndModify', 'findandmodify']);

function filterOf(name: string, inner: Document): unknown {
  switch (name) {
    case 'find': return inner.filter ?? {};
    case 'count': case 'distinct': case 'findAndModify': case 'findandmodify': return inner.query ?? {};
    case 'update': return (inner.updates as Document[] | undefined)?.[0]?.q ?? {};
    case 'delete': return (inner.deletes as Document[] | undefined)?.[0]?.q ?? {};
    default: return {};
  }
}

export const explainHandler: CommandHandler = {
  name: 'explain',
  run(command, context) {
    const inner: unknown = command.explain;
    if (!isPlainDocument(inner)) throw new CommandError(ErrorCodes.FailedToParse, 'explain command requires a nested object');
    const name = Object.keys(inner)[0] ?? '';
    if (!EXPLAINABLE.has(name)) throw new CommandError(ErrorCodes.IllegalOperation, `Explain for ${name} is not supported`);
    const coll = typeof inner[name] === 'string' ? inner[name] : '$cmd.aggregate';
    const verbosity = typeof command.verbosity === 'string' ? command.verbosity : 'allPlansExecution';
    let nReturned: number | undefined;
    if (name === 'find') nReturned = runFind({ ...inner }, context).documents.length;
    if (name === 'count') nReturned = countMatching({ ...inner }, context);
    const queryPlanner = {
      namespace: `${context.dbName}.${coll}`,
      parsedQuery: filterOf(name, inner),
      winningPlan: { stage: 'COLLSCAN', direction: 'forward' },
      rejectedPlans: [],
    };
    const reply: Document = {
      explainVersion: '1',
      queryPlanner,
      command: { ...inner, $db: context.dbName },
      serverInfo: { host: 'localhost', port: 27017, version: '7.0.0', gitVersion: 'mongrove' },
      ok: 1,
    };
    if (verbosity !== 'queryPlanner' && nReturned !== undefined) {
      reply.executionStats = { executionSuccess: true, nReturned, executionTimeMillis: 0, totalKeysExamined: 0, totalDocsExamined: nReturned };
    }
    return reply;
  },
};
