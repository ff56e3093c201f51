// mongrove-server's command line: [--port N] [--host H] [--auth] [--user NAME:PWD]... [--replSet NAME [--members N]] [--loadBalanced] [--sharded] [--tlsCertificateKeyFile F [--tlsCAFile F]] [--help].
export const USAGE = `Usage: mongrove-server [--port N] [--host H] [--auth] [--user NAME:PASSWORD]... [--replSet NAME [--members N]] [--loadBalanced] [--sharded]
       [--tlsCertificateKeyFile F [--tlsCAFile F [--tlsAllowConnectionsWithoutCertificates]]]

Starts mongrove's embedded MongoDB-wire-compatible server (for tests and
development, never production) and prints its connection string on the first
line of stdout. Serves until SIGINT or SIGTERM.

  --port N              TCP port, 0-65535 (default 0: an ephemeral port)
  --host H              interface to listen on (default 127.0.0.1)
  --auth                require authentication (SCRAM-SHA-1/256), as mongod --auth
  --user NAME:PASSWORD  create an admin-database user with the root role at start (repeatable)
  --replSet NAME        run as the primary of a one-member replica set NAME
                        (the printed connection string names the set)
  --members N           with --replSet: N members (1-50, default 1), each on its own port
                        (consecutive from --port unless it is 0); member 0 starts as primary,
                        replSetStepDown elects another. Members share one data engine (no lag)
  --loadBalanced        behave as mongoses behind load balancers: the printed connection string
                        (loadBalanced=true) fronts one service, the second line's fronts two
  --sharded             run a sharded cluster: two mongos routers over one engine (transactions,
                        sessions and data cluster-wide; failpoints and cursors per mongos); the
                        printed connection string names the first, the second line's both
  --tlsCertificateKeyFile F
                        serve TLS only, with the server certificate and private key of PEM file F
                        (the printed connection string carries tls=true), as mongod's flag
  --tlsCAFile F         with --tlsCertificateKeyFile: verify client certificates against the CA(s)
                        of PEM file F and require one, as mongod; a verified certificate's
                        subject authenticates MONGODB-X509 users (created in $external)
  --tlsAllowConnectionsWithoutCertificates
                        with --tlsCAFile: accept clients without a (valid) certificate (they
                        cannot use MONGODB-X509)
  --help                show this message

PLAIN, which mongod offers only as a proxy to LDAP, is simulated for $external
users created through the MemoryServer API with a password (no LDAP server).
`;

export interface CliUser {
  user: string;
  pwd: string;
}

/** The TLS flags, as given (files are read by the CLI, not the parser). */
export interface CliTls {
  tlsCertificateKeyFile?: string;
  tlsCAFile?: string;
  tlsAllowConnectionsWithoutCertificates?: boolean;
}

export type CliCommand =
  | { kind: 'serve'; host: string; port: number; tls?: CliTls; auth?: boolean; users?: CliUser[]; replSet?: string; members?: number; loadBalanced?: boolean; sharded?: boolean }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export function parseCliArgs(argv: readonly string[]): CliCommand {
  let host = '127.0.0.1';
  let port = 0;
  let auth = false;
  let loadBalanced = false;
  let sharded = false;
  const users: CliUser[] = [];
  let replSet: string | undefined;
  let members: number | undefined;
  const tls: CliTls = {};
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
    if (arg === '--sharded') {
      sharded = true;
      continue;
    }
    if (arg === '--tlsAllowConnectionsWithoutCertificates') {
      tls.tlsAllowConnectionsWithoutCertificates = true;
      continue;
    }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--tlsCertificateKeyFile' || flag === '--tlsCAFile') {
      const file = inline ?? argv[++i];
      if (file === undefined || file === '') return { kind: 'error', message: `${flag} needs a value` };
      tls[flag === '--tlsCAFile' ? 'tlsCAFile' : 'tlsCertificateKeyFile'] = file;
      continue;
    }
    if (flag !== '--port' && flag !== '--host' && flag !== '--user' && flag !== '--replSet' && flag !== '--members') return { kind: 'error', message: `unknown argument '${arg}'` };
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') return { kind: 'error', message: `${flag} needs a value` };
    if (flag === '--host') {
      host = value;
    } else if (flag === '--replSet') {
      replSet = value;
    } else if (flag === '--members') {
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 50) return { kind: 'error', message: `--members must be an integer from 1 to 50, got '${value}'` };
      members = Number(value);
    } else if (flag === '--user') {
      const colon = value.indexOf(':');
      if (colon <= 0) return { kind: 'error', message: `--user must be NAME:PASSWORD, got '${value}'` };
      users.push({ user: value.slice(0, colon), pwd: value.slice(colon + 1) });
    } else {
      if (!/^\d+$/.test(value) || Number(value) > 65535) return { kind: 'error', message: `--port must be an integer from 0 to 65535, got '${value}'` };
      port = Number(value);
    }
  }
  if (members !== undefined && members > 1 && replSet === undefined) return { kind: 'error', message: '--members needs --replSet NAME (the set\'s name)' };
  if (members !== undefined && members > 1 && loadBalanced) return { kind: 'error', message: '--members cannot be combined with --loadBalanced' };
  if (sharded && loadBalanced) return { kind: 'error', message: '--sharded cannot be combined with --loadBalanced' };
  if (sharded && members !== undefined && members > 1) return { kind: 'error', message: '--sharded cannot be combined with --members' };
  if (tls.tlsCAFile !== undefined && tls.tlsCertificateKeyFile === undefined) return { kind: 'error', message: '--tlsCAFile needs --tlsCertificateKeyFile' };
  if (tls.tlsAllowConnectionsWithoutCertificates === true && tls.tlsCAFile === undefined) {
    return { kind: 'error', message: '--tlsAllowConnectionsWithoutCertificates needs --tlsCAFile' };
  }
  const command: CliCommand = { kind: 'serve', host, port };
  if (tls.tlsCertificateKeyFile !== undefined) command.tls = tls;
  if (auth) command.auth = true;
  if (users.length > 0) command.users = users;
  if (replSet !== undefined) command.replSet = replSet;
  if (members !== undefined) command.members = members;
  if (loadBalanced) command.loadBalanced = true;
  if (sharded) command.sharded = true;
  return command;
}
