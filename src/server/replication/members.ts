// The members of a multi-member replica set (MemoryServer.start({ replSet, members: N })) and
// their elections. Every member is a separate listener with its own identity, failpoints and
// connections, but all share one data engine: a secondary reads the primary's data at once,
// with no replication lag, so every secondary is always "caught up".
import { ObjectId } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import type { TopologyVersion } from '../topology-version.js';

export type MemberRole = 'primary' | 'secondary';

/** How long after a step-down the next primary is elected (mongod takes seconds; tests want it quick). */
export const DEFAULT_ELECTION_DELAY_MS = 100;

/** The most members mongod allows in a set. */
export const MAX_MEMBERS = 50;

interface Member {
  readonly index: number;
  /** "host:port", known once the member listens. */
  readonly address: () => string;
  /** The member's own topologyVersion: a role change bumps it, answering waiting awaitable hellos. */
  readonly topology: TopologyVersion;
  role: MemberRole;
  /** No election of this member before this time (replSetFreeze, or its own step-down). */
  ineligibleUntil: number;
  /** When the member started, for replSetGetStatus's uptime. */
  readonly startedAt: number;
  /** How many times the member stepped down (operations that began before one are interrupted). */
  stepDowns: number;
}

export interface StepDownRequest {
  stepDownSecs: number;
  /** Accepted and validated; with no replication lag there is never anything to catch up. */
  secondaryCatchUpPeriodSecs: number;
  force: boolean;
}

/** mongod's electionId: an ObjectId made of 0x7fffffff and the election's term. */
function electionIdForTerm(term: number): ObjectId {
  return new ObjectId(`7fffffff${term.toString(16).padStart(16, '0')}`);
}

export class ReplicaSetMembers {
  private readonly members: Member[] = [];
  private currentTerm = 1;
  private currentElectionId = electionIdForTerm(1);
  private electionTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(readonly electionDelayMS: number = DEFAULT_ELECTION_DELAY_MS) {}

  /** Adds a member; the first one added starts as the primary. */
  add(address: () => string, topology: TopologyVersion): number {
    const index = this.members.length;
    this.members.push({ index, address, topology, role: index === 0 ? 'primary' : 'secondary', ineligibleUntil: 0, startedAt: Date.now(), stepDowns: 0 });
    return index;
  }

  get count(): number {
    return this.members.length;
  }

  get term(): number {
    return this.currentTerm;
  }

  get electionId(): ObjectId {
    return this.currentElectionId;
  }

  /** Every member's "host:port", in member order. */
  hosts(): string[] {
    return this.members.map((member) => member.address());
  }

  roleOf(index: number): MemberRole {
    return this.member(index).role;
  }

  isPrimary(index: number): boolean {
    return this.member(index).role === 'primary';
  }

  /** The member reached at `address`, or undefined when none is. */
  indexOf(address: string): number | undefined {
    return this.members.find((member) => member.address() === address)?.index;
  }

  /** The primary's "host:port"; undefined while an election is pending. */
  primary(): string | undefined {
    return this.members.find((member) => member.role === 'primary')?.address();
  }

  /** replSetStepDown on member `index`: it becomes a secondary, ineligible for `stepDownSecs`; an election follows. */
  stepDown(index: number, request: StepDownRequest): void {
    const member = this.member(index);
    if (member.role !== 'primary') throw new CommandError(ErrorCodes.NotWritablePrimary, 'not primary so can\'t step down');
    const now = Date.now();
    // Secondaries share the primary's data, so every one is caught up; `force` matters only without an electable one.
    if (!request.force && !this.members.some((other) => other !== member && other.ineligibleUntil <= now)) {
      throw new CommandError(ErrorCodes.ExceededTimeLimit, 'No electable secondaries caught up as of the step-down deadline');
    }
    member.ineligibleUntil = now + request.stepDownSecs * 1000;
    member.stepDowns++;
    this.changeRole(member, 'secondary');
    this.scheduleElection();
  }

  /** How many times member `index` has stepped down. */
  stepDownsOf(index: number): number {
    return this.member(index).stepDowns;
  }

  /** replSetFreeze on member `index`: not electable for `secs` seconds (0 unfreezes). */
  freeze(index: number, secs: number): void {
    const member = this.member(index);
    if (member.role === 'primary') {
      throw new CommandError(95, 'cannot freeze node when primary or running for election. state: Primary', { codeName: 'NotSecondary' });
    }
    member.ineligibleUntil = secs === 0 ? 0 : Date.now() + secs * 1000;
    if (this.primary() === undefined) this.scheduleElection();
  }

  /** Seconds since the member started, for replSetGetStatus. */
  uptimeSecs(index: number): number {
    return Math.floor((Date.now() - this.member(index).startedAt) / 1000);
  }

  /** Cancels a pending election (server shutdown). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.electionTimer);
    this.electionTimer = undefined;
  }

  private member(index: number): Member {
    const member = this.members[index];
    if (member === undefined) throw new RangeError(`no replica set member ${index}`);
    return member;
  }

  /**
   * Every member's hello changes with the primary (its role, or the `primary` it names), so each
   * bumps its topologyVersion: streaming monitors hear of the change at once.
   */
  private changeRole(member: Member, role: MemberRole): void {
    if (member.role === role) return;
    member.role = role;
    for (const each of this.members) each.topology.bump();
  }

  /** Elects an eligible secondary after the election delay; retries while none is eligible. */
  private scheduleElection(): void {
    if (this.stopped || this.electionTimer !== undefined) return;
    this.electionTimer = setTimeout(() => {
      this.electionTimer = undefined;
      if (this.stopped || this.primary() !== undefined) return;
      const now = Date.now();
      const candidate = this.members.find((member) => member.ineligibleUntil <= now);
      if (candidate === undefined) {
        this.scheduleElection();
        return;
      }
      this.currentTerm++;
      this.currentElectionId = electionIdForTerm(this.currentTerm);
      this.changeRole(candidate, 'primary');
    }, this.electionDelayMS);
    this.electionTimer.unref();
  }
}
