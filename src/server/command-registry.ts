// The command table: handlers by name and alias. Lookup is case-sensitive, as
// on a real server ("isMaster" and "ismaster" are two registered aliases).
import { MongoInvalidArgumentError } from '../errors.js';
import type { CommandHandler } from './types.js';

export interface RegisterOptions {
  /** Replace a handler already registered under one of the names (default: throw). */
  replace?: boolean;
}

export class CommandRegistry {
  private readonly byName = new Map<string, CommandHandler>();

  register(handler: CommandHandler, options: RegisterOptions = {}): void {
    if (typeof handler !== 'object' || handler === null) {
      throw new MongoInvalidArgumentError('a command handler must be an object { name, run }');
    }
    if (typeof handler.run !== 'function') {
      throw new MongoInvalidArgumentError(`command handler '${String(handler.name)}' must have a run(command, context) function`);
    }
    const names = [handler.name, ...(handler.aliases ?? [])];
    for (const name of names) {
      if (typeof name !== 'string' || name.length === 0 || name.startsWith('$')) {
        throw new MongoInvalidArgumentError(`invalid command name ${JSON.stringify(name)}: it must be a non-empty string not starting with '$'`);
      }
      if (options.replace !== true && this.byName.has(name)) {
        throw new MongoInvalidArgumentError(`a command named '${name}' is already registered (pass { replace: true } to override it)`);
      }
    }
    for (const name of names) this.byName.set(name, handler);
  }

  registerAll(handlers: Iterable<CommandHandler>, options?: RegisterOptions): void {
    for (const handler of handlers) this.register(handler, options);
  }

  lookup(name: string): CommandHandler | undefined {
    return this.byName.get(name);
  }

  /** Every distinct handler, in registration order. */
  handlers(): CommandHandler[] {
    return [...new Set(this.byName.values())];
  }
}

/** A handler's name followed by its aliases. */
export function namesOf(handler: CommandHandler): string[] {
  return [handler.name, ...(handler.aliases ?? [])];
}
