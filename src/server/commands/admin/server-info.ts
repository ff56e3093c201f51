// Commands that describe the server: buildInfo, serverStatus, hostInfo,
// getCmdLineOpts, getLog, whatsmyuri, connectionStatus, ping.
import { arch, cpus, hostname, platform, release, totalmem, type as osType } from 'node:os';
import { Long } from '../../../bson.js';
import {
  hostString,
  MAX_BSON_OBJECT_SIZE,
  SERVER_VERSION,
  SERVER_VERSION_ARRAY,
  type ServerRuntime,
} from '../../server-runtime.js';
import { opCountersOf } from '../../op-counters.js';
import { ttlMonitorOf } from '../../storage/ttl-monitor.js';
import type { CommandHandler } from '../../types.js';
import { requireAdminDatabase } from './admin-only.js';

/** A real server's fixed connection limit as serverStatus reports it. */
const AVAILABLE_CONNECTIONS = 838_860;

export function serverInfoCommands(runtime: ServerRuntime): CommandHandler[] {
  return [
    { name: 'ping', run: () => ({}) },
    {
      name: 'buildInfo',
      aliases: ['buildinfo'],
      run: () => ({
        version: SERVER_VERSION,
        gitVersion: 'mongrove-embedded',
        modules: [],
        allocator: 'system',
        javascriptEngine: 'none',
        sysInfo: 'deprecated',
        versionArray: SERVER_VERSION_ARRAY,
        bits: 64,
        debug: false,
        maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
        storageEngines: ['memory'],
      }),
    },
    {
      name: 'serverStatus',
      run: () => {
        const uptimeMillis = Date.now() - runtime.startedAt.getTime();
        return {
          host: hostString(runtime.address()),
          version: SERVER_VERSION,
          process: runtime.router === undefined ? 'mongod' : 'mongos',
          pid: Long.fromNumber(process.pid),
          uptime: uptimeMillis / 1000,
          uptimeMillis: Long.fromNumber(uptimeMillis),
          uptimeEstimate: Long.fromNumber(Math.floor(uptimeMillis / 1000)),
          localTime: new Date(),
          connections: {
            current: runtime.connections.current,
            available: AVAILABLE_CONNECTIONS,
            totalCreated: runtime.connections.totalCreated,
            active: runtime.connections.current,
          },
          opcounters: opCountersOf(runtime).toDocument(),
          storageEngine: { name: 'memory', supportsCommittedReads: true, persistent: false },
          metrics: { ttl: { deletedDocuments: Long.fromNumber(ttlMonitorOf(runtime.storage).deletedDocuments), passes: Long.fromNumber(ttlMonitorOf(runtime.storage).passes) } },
        };
      },
    },
    {
      name: 'hostInfo',
      run: () => ({
        system: {
          currentTime: new Date(),
          hostname: hostname(),
          cpuAddrSize: 64,
          memSizeMB: Math.round(totalmem() / (1024 * 1024)),
          numCores: cpus().length,
          cpuArch: arch(),
          numaEnabled: false,
        },
        os: { type: osType(), name: platform(), version: release() },
        extra: {},
      }),
    },
    {
      name: 'getCmdLineOpts',
      run(_command, context) {
        requireAdminDatabase('getCmdLineOpts', context);
        const { host, port } = runtime.address();
        return { argv: ['mongrove-server', '--port', String(port), '--host', host], parsed: { net: { bindIp: host, port } } };
      },
    },
    {
      name: 'getLog',
      run(command, context) {
        requireAdminDatabase('getLog', context);
        if (command.getLog === '*') return { names: ['global', 'startupWarnings'] };
        return { totalLinesWritten: 0, log: [] };
      },
    },
    {
      name: 'whatsmyuri',
      run: (_command, context) => ({ you: context.connection.remoteAddress }),
    },
    {
      name: 'connectionStatus',
      run: (command, context) => {
        // mongod's connection_status.cpp: the authenticated user and its roles.
        const auth = runtime.connections.get(context.connection.id)?.auth;
        const user = runtime.security.authenticatedUser(auth);
        const authInfo: Record<string, unknown> = {
          authenticatedUsers: user === undefined ? [] : [{ user: user.user, db: user.db }],
          // Every role the user holds, inherited ones included (mongod's getAuthenticatedRoleNames).
          authenticatedUserRoles: runtime.security.users.roles.closure(runtime.security.rolesOf(auth)).map((r) => ({ role: r.role, db: r.db })),
        };
        if (command.showPrivileges === true) authInfo.authenticatedUserPrivileges = runtime.security.privilegesOf(auth);
        return { authInfo };
      },
    },
  ];
}
