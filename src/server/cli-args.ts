// mongrove-server's command line: [--port N] [--host H] [--auth] [--user NAME:PWD]... [--replSet NAME] [--loadBalanced] [--help].
export const USAGE = `Usage: mongrove-server [--port N] [--host H] [--auth] [--user NAME:PASSWORD]... [--replSet NAME] [--loadBalanced]

Starts mongrove's embedded MongoDB-wire-compatible server (for tests and
development, never production) and prints its connection string on the first
line of stdout. Serves until SIGINT or SIGTERM.

  --port N              TCP port, 0-65535 (default 0: an ephemeral port)
  --host H              interface to listen on (default 127.0.0.1)
  --auth                require authentication (SCRAM-SHA-1/256), as mongod --auth
  --user NAME:PASSWORD  create an admin-database user with the root role at start (repeatable)
  --replSet NAME        run as the primary of a one-member replica set NAME
                        (the printed connection string names the set)
  --loadBalanced        behave as mongoses behind load balancers: the printed connection string
                        (loadBalanced=true) fronts one service, the second line's fronts two
  --help                show this message
`;

export interface CliUser {
  user: string;
  pwd: string;
}

export type CliCommand =
  | { kind: 'serve'; host: string; port: number; auth?: boolean; users?: CliUser[]; replSet?: string; loadBalanced?: boolean }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export function parseCliArgs(argv: readonly string[]): CliCommand {
  let host = '127.0.0.1';
  let port = 0;
  let auth = false;
  let loadBalanced = false;
  const users: CliUser[] = [];
  let replSet: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--auth') {
      auth = true;
      continue;
    }
    if (arg === '--loadBalanced') {
      loadBalanced = true;
      continue;
    }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag !== '--port' && flag !== '--host' && flag !== '--user' && flag !== '--replSet') return { kind: 'error', message: `unknown argument '${arg}'` };
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') return { kind: 'error', message: `${flag} needs a value` };
    if (flag === '--host') {
      host = value;
    } else if (flag === '--replSet') {
      replSet = value;
    } else if (flag === '--user') {
      const colon = value.indexOf(':');
      if (colon <= 0) return { kind: 'error', message: `--user must be NAME:PASSWORD, got '${value}'` };
      users.push({ user: value.slice(0, colon), pwd: value.slice(colon + 1) });
    } else {
      if (!/^\d+$/.test(value) || Number(value) > 65535) return { kind: 'error', message: `--port must be an integer from 0 to 65535, got '${value}'` };
      port = Number(value);
    }
  }
  const command: CliCommand = { kind: 'serve', host, port };
  if (auth) command.auth = true;
  if (users.length > 0) command.users = users;
  if (replSet !== undefined) command.replSet = replSet;
  if (loadBalanced) command.loadBalanced = true;
  return command;
}
