// serverStatus opcounters, counted as mongod counts them: insert per document, update and delete
// per statement, query per find, getmore per getMore, command for everything else.
import { Long, type Document } from '../bson.js';
import type { CommandHandler } from './types.js';

export class OpCounters {
  insert = 0;
  query = 0;
  update = 0;
  delete = 0;
  getmore = 0;
  command = 0;

  count(commandName: string, body: Document): void {
    const statements = (field: string): number => {
      const list: unknown = body[field];
      return Array.isArray(list) ? list.length : 0;
    };
    switch (commandName) {
      case 'insert': this.insert += statements('documents'); break;
      case 'update': this.update += statements('updates'); break;
      case 'delete': this.delete += statements('deletes'); break;
      case 'find': this.query++; break;
      case 'getMore': this.getmore++; break;
      default: this.command++;
    }
  }

  toDocument(): Document {
    return {
      insert: Long.fromNumber(this.insert),
      query: Long.fromNumber(this.query),
      update: Long.fromNumber(this.update),
      delete: Long.fromNumber(this.delete),
      getmore: Long.fromNumber(this.getmore),
      command: Long.fromNumber(this.command),
    };
  }
}

const counters = new WeakMap<object, OpCounters>();

/** The counters of one server (keyed by its runtime). */
export function opCountersOf(runtime: object): OpCounters {
  let found = counters.get(runtime);
  if (found === undefined) {
    found = new OpCounters();
    counters.set(runtime, found);
  }
  return found;
}

/** The handler, counting each command it runs. */
export function countingHandler(handler: CommandHandler, opCounters: OpCounters): CommandHandler {
  return {
    ...handler,
    run(command, context) {
      opCounters.count(handler.name, command);
      return handler.run(command, context);
    },
  };
}
