#!/usr/bin/env node
// mongrove-server: runs the embedded server until SIGINT/SIGTERM.
// First stdout line: the connection string. Bad arguments: usage on stderr, exit 2.
import { parseCliArgs, USAGE } from './cli-args.js';
import { MemoryServer } from './memory-server.js';
import { serverTlsFromFiles } from './cli-tls.js';

async function main(): Promise<void> {
  const command = parseCliArgs(process.argv.slice(2));
  if (command.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (command.kind === 'error') {
    process.stderr.write(`mongrove-server: ${command.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const server = await MemoryServer.start({ host: command.host, port: command.port, auth: command.auth, users: command.users, replSet: command.replSet, members: command.members, loadBalanced: command.loadBalanced, sharded: command.sharded, tls: serverTlsFromFiles(command.tls) });
  process.stdout.write(`${server.uri}\n`);
  if (server.multiServiceUri !== undefined) process.stdout.write(`${server.multiServiceUri}\n`);
  if (server.multiMongosUri !== undefined) process.stdout.write(`${server.multiMongosUri}\n`);
  const shutdown = (): void => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`mongrove-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
