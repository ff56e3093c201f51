// mongrove-server's command line: [--port N] [--host H] [--help].
export const USAGE = `Usage: mongrove-server [--port N] [--host H]

Starts mongrove's embedded MongoDB-wire-compatible server (for tests and
development, never production) and prints its connection string on the first
line of stdout. Serves until SIGINT or SIGTERM.

  --port N   TCP port, 0-65535 (default 0: an ephemeral port)
  --host H   interface to listen on (default 127.0.0.1)
  --help     show this message
`;

export type CliCommand = { kind: 'serve'; host: string; port: number } | { kind: 'help' } | { kind: 'error'; message: string };

export function parseCliArgs(argv: readonly string[]): CliCommand {
  let host = '127.0.0.1';
  let port = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag !== '--port' && flag !== '--host') return { kind: 'error', message: `unknown argument '${arg}'` };
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') return { kind: 'error', message: `${flag} needs a value` };
    if (flag === '--host') {
      host = value;
    } else {
      if (!/^\d+$/.test(value) || Number(value) > 65535) return { kind: 'error', message: `--port must be an integer from 0 to 65535, got '${value}'` };
      port = Number(value);
    }
  }
  return { kind: 'serve', host, port };
}
