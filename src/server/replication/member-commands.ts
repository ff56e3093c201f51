// The replica-set commands a member of a multi-member set answers: replSetStepDown,
// replSetFreeze and replSetGetStatus (the one-member set keeps the standalone's answers).
// A step-down aborts the transactions in progress, as mongod does.
import { Long, type Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { requireAdminDatabase } from '../commands/admin/admin-only.js';
import { ErrorCodes } from '../error-codes.js';
import { numberValue } from '../failpoints/failpoint.js';
import type { CommandHandler } from '../types.js';
import type { ReplicaSetMembers } from './members.js';
import type { ReplicaSetState } from './replica-set.js';

/** A non-negative whole number of seconds from `value`, or `fallback` when absent. */
function seconds(command: string, field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const secs = numberValue(value);
  if (secs === undefined || !Number.isFinite(secs)) throw new CommandError(ErrorCodes.TypeMismatch, `${command}: '${field}' must be a number`);
  if (secs < 0) throw new CommandError(ErrorCodes.BadValue, `${command}: '${field}' must not be negative, got ${secs}`);
  return Math.floor(secs);
}

function stepDownCommand(replication: ReplicaSetState, members: ReplicaSetMembers, index: number): CommandHandler {
  return {
    name: 'replSetStepDown',
    run(command, context) {
      requireAdminDatabase('replSetStepDown', context);
      const stepDownSecs = seconds('replSetStepDown', 'replSetStepDown', command.replSetStepDown, 60);
      const secondaryCatchUpPeriodSecs = seconds('replSetStepDown', 'secondaryCatchUpPeriodSecs', command.secondaryCatchUpPeriodSecs, 10);
      if (command.force !== undefined && typeof command.force !== 'boolean') {
        throw new CommandError(ErrorCodes.TypeMismatch, "replSetStepDown: 'force' must be a boolean");
      }
      if (stepDownSecs === 0) throw new CommandError(ErrorCodes.BadValue, 'replSetStepDown: stepdown period must be a positive number of seconds');
      if (secondaryCatchUpPeriodSecs > stepDownSecs) {
        throw new CommandError(ErrorCodes.BadValue, 'replSetStepDown: stepdown period must be longer than secondaryCatchUpPeriodSecs');
      }
      members.stepDown(index, { stepDownSecs, secondaryCatchUpPeriodSecs, force: command.force === true });
      // mongod 4.2+ aborts every transaction in progress (their next statement fails
      // NoSuchTransaction) and interrupts in-flight writes (stepdown-interrupts.ts), but closes no
      // connection.
      replication.transactions.abortAll();
      return {};
    },
  };
}

function freezeCommand(members: ReplicaSetMembers, index: number): CommandHandler {
  return {
    name: 'replSetFreeze',
    run(command, context) {
      requireAdminDatabase('replSetFreeze', context);
      members.freeze(index, seconds('replSetFreeze', 'replSetFreeze', command.replSetFreeze, 0));
      return command.replSetFreeze === 0 ? { info: 'unfreezing' } : {};
    },
  };
}

function getStatusCommand(replication: ReplicaSetState, members: ReplicaSetMembers, index: number): CommandHandler {
  return {
    name: 'replSetGetStatus',
    run(_command, context) {
      requireAdminDatabase('replSetGetStatus', context);
      const optime = { ts: replication.clock.current(), t: Long.fromNumber(members.term) };
      const optimeDate = new Date(optime.ts.t * 1000);
      const statusOf = (member: number): Document => {
        const primary = members.isPrimary(member);
        return {
          _id: member,
          name: members.hosts()[member],
          health: 1,
          state: primary ? 1 : 2,
          stateStr: primary ? 'PRIMARY' : 'SECONDARY',
          uptime: members.uptimeSecs(member),
          optime,
          optimeDate,
          ...(primary ? { electionId: members.electionId } : {}),
          ...(member === index ? { self: true } : {}),
        };
      };
      return {
        set: replication.setName,
        date: new Date(),
        myState: members.isPrimary(index) ? 1 : 2,
        term: Long.fromNumber(members.term),
        members: members.hosts().map((_host, member) => statusOf(member)),
      };
    },
  };
}

/** The commands member `index` adds (replacing the standalone's replSetGetStatus). */
export function memberCommands(replication: ReplicaSetState, members: ReplicaSetMembers, index: number): CommandHandler[] {
  return [stepDownCommand(replication, members, index), freezeCommand(members, index), getStatusCommand(replication, members, index)];
}
