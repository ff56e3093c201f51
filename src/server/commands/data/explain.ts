// explain: the wrapped command's plan and (verbosity permitting) execution statistics, as
// mongod 7/8 reports them (src/server/explain/); writes are never performed.
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { explainReply } from '../../explain/explain-reply.js';
import { isPlainDocument } from '../../query/bson-types.js';
import type { CommandHandler } from '../../types.js';

const EXPLAINABLE = new Set(['find', 'aggregate', 'count', 'distinct', 'update', 'delete', 'findAndModify', 'findandmodify']);

export const explainHandler: CommandHandler = {
  name: 'explain',
  run(command, context) {
    const inner: unknown = command.explain;
    if (!isPlainDocument(inner)) throw new CommandError(ErrorCodes.FailedToParse, 'explain command requires a nested object');
    const name = Object.keys(inner)[0] ?? '';
    if (!EXPLAINABLE.has(name)) throw new CommandError(ErrorCodes.IllegalOperation, `Explain for ${name} is not supported`);
    const verbosity = typeof command.verbosity === 'string' ? command.verbosity : 'allPlansExecution';
    return explainReply(name, { ...inner }, verbosity, context);
  },
};
