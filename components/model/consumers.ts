/**
 * Durable pull consumers of a stream as a stack declares them (ConsumerSpec) and as the back ends use them
 * (Consumer). Only durable pull consumers are modelled: a worker pool's pods share one durable and pull
 * from it, so work spreads across pods and survives their restarts.
 */
import { DURATION_RULE, parseDurationSeconds } from "./duration";
import { Problems } from "./errors";
import { isNatsName, NATS_NAME_RULE } from "./names";
import { isSubject, SUBJECT_RULE, subjectWithinAny } from "./subjects";

/**
 * `explicit` acknowledges each message; `all` acknowledges a message and every one before it. A pull
 * consumer must acknowledge, so nats-server refuses the third policy, `none`, on one.
 */
export const AckPolicy = {
  /** Each message is acknowledged on its own. */
  explicit: "explicit",
  /** An acknowledgement covers every earlier message too. */
  all: "all",
} as const;
/** How a consumer's messages are acknowledged. */
export type AckPolicy = (typeof AckPolicy)[keyof typeof AckPolicy];
export const ACK_POLICIES: readonly AckPolicy[] = Object.values(AckPolicy);

/** The server's default ack wait, set explicitly so a read-back config compares equal. */
export const DEFAULT_ACK_WAIT = "30s";
/**
 * Deliveries before a message is given up on. Finite, so one message that always fails (a poison message)
 * cannot hold an ack-pending slot and be retried forever; the server's own default is unlimited.
 */
export const DEFAULT_MAX_DELIVER = 5;
/** The server's default ceiling on delivered but unacknowledged messages. */
export const DEFAULT_MAX_ACK_PENDING = 1000;

/** A durable pull consumer of a stream, as the stream's `consumers` declare it. */
export interface ConsumerSpec {
  /** Durable name: the consumer outlives its clients and every pod of a worker pool binds to it. */
  durable: string;
  /** Free text shown in the consumer's info. Default none. */
  description?: string;
  /** Deliver only messages whose subject is within this pattern. Default: every subject of the stream. */
  filterSubject?: string;
  /** How deliveries are acknowledged. Default "explicit" (work-queue streams accept nothing else). */
  ackPolicy?: AckPolicy;
  /** How long a delivered message may stay unacknowledged before it is delivered again. Default "30s". */
  ackWait?: string;
  /** Deliveries of one message before it is given up on; -1 for no limit. Default 5. */
  maxDeliver?: number;
  /** Most messages delivered and not yet acknowledged, across every client of the consumer. Default 1000. */
  maxAckPending?: number;
  /** The user a worker pool pulls with; it must belong to the stream's account. Default: none named. */
  workerUser?: string;
}

/** A validated consumer with every default filled in. */
export interface Consumer {
  stream: string;
  account: string;
  durable: string;
  description: string | undefined;
  filterSubject: string | undefined;
  ackPolicy: AckPolicy;
  ackWait: string;
  ackWaitSeconds: number;
  maxDeliver: number;
  maxAckPending: number;
  workerUser: string | undefined;
}

/** What a consumer needs to know of the stream it belongs to. */
export interface ConsumerParent {
  name: string;
  account: string;
  subjects: readonly string[];
  workQueue: boolean;
}

function isLimit(value: unknown): value is number {
  return Number.isInteger(value) && ((value as number) >= 1 || value === -1);
}

export function resolveConsumer(spec: ConsumerSpec, stream: ConsumerParent, path: string, problems: Problems): Consumer {
  const given = (spec ?? {}) as Partial<ConsumerSpec>;
  if (!isNatsName(given.durable)) problems.add(`${path}.durable`, given.durable, NATS_NAME_RULE);

  const filterSubject = given.filterSubject;
  if (filterSubject !== undefined) {
    if (!isSubject(filterSubject)) problems.add(`${path}.filterSubject`, filterSubject, SUBJECT_RULE);
    else if (!subjectWithinAny(filterSubject, stream.subjects)) {
      problems.add(`${path}.filterSubject`, filterSubject, `use a subject within the stream's subjects (${stream.subjects.join(", ")})`);
    }
  }

  const ackPolicy = given.ackPolicy ?? "explicit";
  if (!ACK_POLICIES.includes(ackPolicy)) {
    problems.add(`${path}.ackPolicy`, ackPolicy, `use one of ${ACK_POLICIES.join(", ")}: a pull consumer must acknowledge what it is given`);
  } else if (stream.workQueue && ackPolicy !== "explicit") {
    problems.add(`${path}.ackPolicy`, ackPolicy, `use "explicit": a work-queue stream removes a message only when it is acknowledged, and nats-server refuses other ack policies on one`);
  }

  const ackWait = given.ackWait ?? DEFAULT_ACK_WAIT;
  const ackWaitSeconds = parseDurationSeconds(ackWait);
  if (ackWaitSeconds === undefined || ackWaitSeconds <= 0) problems.add(`${path}.ackWait`, ackWait, DURATION_RULE);

  const maxDeliver = given.maxDeliver ?? DEFAULT_MAX_DELIVER;
  if (!isLimit(maxDeliver)) problems.add(`${path}.maxDeliver`, maxDeliver, "use a whole number of at least 1, or -1 for no limit");

  const maxAckPending = given.maxAckPending ?? DEFAULT_MAX_ACK_PENDING;
  if (!isLimit(maxAckPending)) problems.add(`${path}.maxAckPending`, maxAckPending, "use a whole number of at least 1, or -1 for no limit");

  return {
    stream: stream.name,
    account: stream.account,
    durable: given.durable ?? "",
    description: given.description,
    filterSubject,
    ackPolicy,
    ackWait,
    ackWaitSeconds: ackWaitSeconds ?? 0,
    maxDeliver,
    maxAckPending,
    workerUser: given.workerUser,
  };
}
