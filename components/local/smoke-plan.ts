/**
 * Which of the stack's own users the smoke check works through: for each durable consumer, a user that may
 * pull from it and a user that may publish to its stream. Users are picked by what their permissions allow,
 * not by the role they were declared with, so a user with explicit permissions can serve as well.
 */
import { Account, User } from "../model/accounts";
import { Consumer } from "../model/consumers";
import { clientInboxPrefix } from "../model/permissions";
import { Stream } from "../model/streams";
import { subjectWithinAny } from "../model/subjects";

/** One job sent through a stream: published by one user, pulled and acknowledged by another. */
export interface JobCheck {
  stream: Stream;
  consumer: Consumer;
  /** The subject the job is published to: within the stream and the consumer's filter. */
  subject: string;
  publisher: User;
  worker: User;
}

const PLACEHOLDER_TOKEN = "smoke";

/** A subject that a pattern matches, its wildcards filled in. */
export function concreteSubject(pattern: string): string {
  return pattern
    .split(".")
    .map((token) => (token === "*" || token === ">" ? PLACEHOLDER_TOKEN : token))
    .join(".");
}

function allows(subjects: readonly string[], subject: string): boolean {
  return subjectWithinAny(subject, subjects);
}

/** A client connection (not a leaf-only user) that can read replies on its inbox (its own, or the default one the provisioner keeps). */
export function isClient(user: User): boolean {
  const clientConnections = user.connectionTypes === undefined || user.connectionTypes.includes("STANDARD");
  return clientConnections && allows(user.permissions.subscribe, `${clientInboxPrefix(user)}.${PLACEHOLDER_TOKEN}`);
}

/** A client that may publish to `subject`. */
export function mayPublish(user: User, subject: string): boolean {
  return isClient(user) && allows(user.permissions.publish, subject);
}

/** A client that may subscribe to `subject`. */
export function maySubscribe(user: User, subject: string): boolean {
  return isClient(user) && allows(user.permissions.subscribe, subject);
}

/** Look the consumer up, ask it for messages, and acknowledge them: what a pull worker does. */
function mayPull(user: User, stream: string, consumer: string): boolean {
  const needed = [`$JS.API.CONSUMER.INFO.${stream}.${consumer}`, `$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`, `$JS.ACK.${stream}.${consumer}.1.1.1.0.0`];
  return isClient(user) && needed.every((subject) => allows(user.permissions.publish, subject));
}

/**
 * One check per durable consumer that has both a user able to pull from it and a user able to publish to its
 * stream, both in the stream's account. The consumer's declared `workerUser` is preferred as the worker.
 */
export function planJobChecks(accounts: readonly Account[], streams: readonly Stream[]): JobCheck[] {
  return streams.flatMap((stream) => {
    const users = accounts.find((account) => account.name === stream.account)?.users ?? [];
    return stream.consumers.flatMap((consumer): JobCheck[] => {
      const subject = concreteSubject(consumer.filterSubject ?? stream.subjects[0]);
      const workers = users.filter((user) => mayPull(user, stream.name, consumer.durable));
      const worker = workers.find((user) => user.name === consumer.workerUser) ?? workers[0];
      const publisher = users.find((user) => user !== worker && mayPublish(user, subject)) ?? users.find((user) => mayPublish(user, subject));
      return worker && publisher ? [{ stream, consumer, subject, publisher, worker }] : [];
    });
  });
}
