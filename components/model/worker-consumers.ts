/**
 * A worker user pulls from one durable consumer, and by design cannot create it: the consumer it names must
 * be declared with the stream, or the user's creds open nothing that exists.
 */
import { AccountSpec } from "./accounts";
import { Problems } from "./errors";
import { Stream } from "./streams";

/** Checks each worker's consumer against the declared consumers of its stream; a missing stream is the user resolver's to report. */
export function checkWorkerConsumers(accounts: readonly AccountSpec[], streams: readonly Stream[], problems: Problems, path = "accounts"): void {
  accounts.forEach((account, accountIndex) => {
    (account.users ?? []).forEach((user, userIndex) => {
      if (user.worker === undefined) return;
      const stream = streams.find((candidate) => candidate.account === account.name && candidate.name === user.worker!.stream);
      if (stream === undefined || stream.consumers.some((consumer) => consumer.durable === user.worker!.consumer)) return;
      problems.add(
        `${path}[${accountIndex}].users[${userIndex}].worker.consumer`,
        user.worker.consumer,
        `name a consumer declared under the stream ${stream.name}: ${stream.consumers.map((consumer) => consumer.durable).join(", ") || "(it declares none: add one under its consumers)"}`,
      );
    });
  });
}
