// What replica-set mode adds to a server: its set name and election id, the
// logical clock, and the retryable-write history. In the one-member set hello
// reports us as the set's primary; in a multi-member set (members.ts) each
// member reports its own role. Every reply carries $clusterTime and operationTime.
import { Long, ObjectId, type Document } from '../../bson.js';
import { MongoInvalidArgumentError } from '../../errors.js';
import { numberValue } from '../failpoints/failpoint.js';
import { LogicalClock } from './logical-clock.js';
import type { ReplicaSetMembers } from './members.js';
import { RetryableWriteHistory } from './retryable-write-history.js';
import { TransactionTable } from '../transactions/transaction-table.js';

/** Commands whose success advances the optime (mongod writes an oplog entry for each). */
const WRITE_COMMANDS = new Set([
  'insert', 'update', 'delete', 'findAndModify', 'findandmodify', 'bulkWrite',
  'create', 'drop', 'dropDatabase', 'createIndexes', 'dropIndexes', 'renameCollection', 'collMod', 'commitTransaction',
]);

/** The one-member set's one term: it never holds an election. */
const TERM = Long.fromNumber(1);

export class ReplicaSetState {
  readonly clock = new LogicalClock();
  readonly history = new RetryableWriteHistory();
  /** Each session's multi-document transaction. */
  readonly transactions = new TransactionTable(this.history);
  /** Fixed per server: a driver compares it across heartbeats to detect stale primaries. */
  readonly electionId = new ObjectId();

  /**
   * The members of a multi-member set (MemoryServer.start({ members: N > 1 })); absent for the
   * one-member set, whose single member is always primary and never holds an election.
   */
  members: ReplicaSetMembers | undefined;

  constructor(readonly setName: string) {
    if (typeof setName !== 'string' || setName.length === 0 || /[/\s,]/.test(setName)) {
      throw new MongoInvalidArgumentError(`MemoryServer replSet must be a non-empty set name without '/', ',' or spaces, got ${JSON.stringify(setName)}`);
    }
  }

  /** hello's replica-set fields for the member reached at `me` ("host:port"). */
  helloFields(me: string, legacy: boolean): Document {
    if (this.members !== undefined) return this.memberHelloFields(this.members, me, legacy);
    const opTime = { ts: this.clock.current(), t: TERM };
    const writeDate = new Date(opTime.ts.t * 1000);
    return {
      hosts: [me],
      setName: this.setName,
      setVersion: 1,
      ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
      secondary: false,
      primary: me,
      me,
      electionId: this.electionId,
      lastWrite: { opTime, lastWriteDate: writeDate, majorityOpTime: opTime, majorityWriteDate: writeDate },
    };
  }

  /** hello's fields on one member of a multi-member set, as mongod reports them for its role. */
  private memberHelloFields(members: ReplicaSetMembers, me: string, legacy: boolean): Document {
    const index = members.indexOf(me);
    const isPrimary = index !== undefined && members.isPrimary(index);
    const primary = members.primary();
    const opTime = { ts: this.clock.current(), t: Long.fromNumber(members.term) };
    const writeDate = new Date(opTime.ts.t * 1000);
    return {
      hosts: members.hosts(),
      setName: this.setName,
      setVersion: 1,
      ...(legacy ? { ismaster: isPrimary } : { isWritablePrimary: isPrimary }),
      secondary: !isPrimary,
      ...(primary !== undefined ? { primary } : {}),
      me,
      // Only the primary reports the election that made it primary.
      ...(isPrimary ? { electionId: members.electionId } : {}),
      lastWrite: { opTime, lastWriteDate: writeDate, majorityOpTime: opTime, majorityWriteDate: writeDate },
    };
  }

  /** Adds `$clusterTime` and `operationTime`; a successful write command first ticks the clock. */
  stampReply(reply: Document, commandName: string): void {
    const succeeded = numberValue(reply.ok) === 1;
    const operationTime = succeeded && WRITE_COMMANDS.has(commandName) ? this.clock.tick() : this.clock.current();
    reply.$clusterTime = this.clock.clusterTimeDocument();
    reply.operationTime = operationTime;
  }

  clear(): void {
    this.history.clear();
    this.transactions.clear();
  }
}
