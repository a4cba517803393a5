/**
 * Least-privilege permissions of the user roles. The subject lists were found minimal by trying them
 * against nats-server 2.9.10 with the nats.js 2.29 client: each entry left out makes the role's work fail.
 */

/** Publish and subscribe allow lists of one user. Every subject not listed is refused. */
export interface Permissions {
  publish: string[];
  subscribe: string[];
  /**
   * May answer the requests it receives: publish once to each request's reply subject, whatever it is. A
   * responder to another account's requests needs it, since those replies go to subjects the server makes up.
   */
  allowResponses: boolean;
}

/**
 * Replies (request/reply, JetStream publish acks, pull responses) arrive on the client's inbox. Inboxes live
 * in the user's own account, so allowing them does not reach outside it.
 */
export const INBOX_SUBJECTS = "_INBOX.>";

/**
 * Subjects that every account has for itself: replies, and the JetStream, key-value and object-store APIs
 * that act on the account's own streams. A permission on them stays inside the account.
 */
export const ACCOUNT_LOCAL_SUBJECTS: readonly string[] = [INBOX_SUBJECTS, "$JS.>", "$KV.>", "$O.>"];

/**
 * A JetStream publisher publishes on the stream's subjects and reads the publish ack on its inbox. No
 * JetStream API subject is needed: `js.publish` is a plain request to the stream subject, and the stream
 * answers it itself.
 */
export function publisherPermissions(streamSubjects: readonly string[]): Permissions {
  return { publish: [...streamSubjects], subscribe: [INBOX_SUBJECTS], allowResponses: false };
}

/**
 * A pull-consumer worker of one durable consumer: look the consumer up (CONSUMER.INFO, also what the client
 * calls to bind to it), request messages (MSG.NEXT) and ack them. Nothing here can create, change or delete
 * a stream or consumer. Without the `$JS.ACK` subject the client's ack is refused and the message is
 * delivered again after its ack wait.
 */
export function workerPermissions(stream: string, consumer: string): Permissions {
  return {
    publish: [
      `$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`,
      `$JS.API.CONSUMER.INFO.${stream}.${consumer}`,
      `$JS.ACK.${stream}.${consumer}.>`,
    ],
    subscribe: [INBOX_SUBJECTS],
    allowResponses: false,
  };
}

/**
 * The system account's operations user (what the exporter and the `nats` CLI use): server and account
 * requests such as `$SYS.REQ.SERVER.PING`, and the system events for monitoring.
 */
export const SYSTEM_USER_PERMISSIONS: Readonly<Permissions> = {
  publish: ["$SYS.REQ.>"],
  subscribe: ["$SYS.>", INBOX_SUBJECTS],
  allowResponses: false,
};

/** Several roles' permissions as one, without repeats, sorted so that the order a stack lists them in does not change the JWT. */
export function combinePermissions(...parts: readonly Permissions[]): Permissions {
  const union = (lists: string[][]) => [...new Set(lists.flat())].sort();
  return {
    publish: union(parts.map((part) => part.publish)),
    subscribe: union(parts.map((part) => part.subscribe)),
    allowResponses: parts.some((part) => part.allowResponses),
  };
}
