// hello / isMaster / ismaster: the handshake and the SDAM heartbeat. As a
// standalone we are always writable primary; in replica-set mode, the primary
// of a one-member set or one member of a multi-member set, in its current role. The first hello may carry client
// metadata (recorded for appName-scoped failpoints) and a compression list.
import type { Document, ObjectId } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import {
  LOGICAL_SESSION_TIMEOUT_MINUTES,
  MAX_BSON_OBJECT_SIZE,
  MAX_MESSAGE_SIZE_BYTES,
  MAX_WIRE_VERSION,
  MAX_WRITE_BATCH_SIZE,
  hostString,
  type ServerRuntime,
} from '../../server-runtime.js';
import type { CommandHandler } from '../../types.js';
import { negotiateCompressors } from '../../wire-server/compression.js';

/**
 * The serviceId to answer with when a hello asks for load-balanced mode (load-balancers spec).
 * A server not behind a load balancer answers such a hello without one, as mongod does: the
 * driver then refuses the connection itself ("... the server does not support this mode").
 */
function loadBalancedHandshake(runtime: ServerRuntime, command: Document, routedTo: ObjectId | undefined): ObjectId | undefined {
  if (command.loadBalanced !== true || runtime.loadBalancer === undefined) return undefined;
  return routedTo ?? runtime.loadBalancer.serviceIds[0];
}

/** A mongos answers as a writable primary with msg 'isdbgrid' and none of its shards' replica-set fields. */
function mongosFields(legacy: boolean): Document {
  return { ...(legacy ? { ismaster: true } : { isWritablePrimary: true }), msg: 'isdbgrid' };
}

export function helloCommand(runtime: ServerRuntime): CommandHandler {
  return {
    name: 'hello',
    aliases: ['isMaster', 'ismaster'],
    observe(command, context) {
      const state = runtime.connections.get(context.connection.id);
      if (command.client !== undefined && state !== undefined) {
        if (state.clientMetadataReceived) {
          throw new CommandError(ErrorCodes.ClientMetadataCannotBeMutated, 'The client metadata document may only be sent in the first hello');
        }
        if (typeof command.client !== 'object' || command.client === null || Array.isArray(command.client)) {
          throw new CommandError(ErrorCodes.TypeMismatch, "The 'client' field of the hello command must be a document");
        }
        state.recordClientMetadata(command.client as Document);
      }
    },
    async run(command, context) {
      const state = runtime.connections.get(context.connection.id);
      if (command.compression !== undefined && state !== undefined) {
        state.compressors = await negotiateCompressors(command.compression);
      }
      const legacy = Object.keys(command)[0] !== 'hello';
      const reply: Document = {};
      if (command.helloOk === true) reply.helloOk = true;
      const balanced = loadBalancedHandshake(runtime, command, state?.serviceId);
      if (balanced !== undefined) Object.assign(reply, mongosFields(legacy), { serviceId: balanced });
      else if (runtime.router !== undefined) Object.assign(reply, mongosFields(legacy));
      else if (runtime.replication !== undefined) Object.assign(reply, runtime.replication.helloFields(hostString(runtime.address()), legacy));
      else if (legacy) reply.ismaster = true;
      else reply.isWritablePrimary = true;
      Object.assign(reply, {
        topologyVersion: runtime.topology.toDocument(),
        maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
        maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
        maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
        localTime: new Date(),
        logicalSessionTimeoutMinutes: LOGICAL_SESSION_TIMEOUT_MINUTES,
        connectionId: context.connection.id,
        minWireVersion: 0,
        maxWireVersion: MAX_WIRE_VERSION,
        readOnly: false,
      });
      if (state !== undefined && state.compressors.length > 0) reply.compression = [...state.compressors];
      Object.assign(reply, runtime.security.helloFields(command, state?.auth));
      return reply;
    },
  };
}
