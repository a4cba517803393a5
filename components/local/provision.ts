/**
 * Creating a stack's streams, consumers and key-value buckets on a running local cluster, from the same
 * settings objects the Kubernetes side is written from. Each account's resources are created through a
 * connection of that account: streams and buckets belong to the account they are created in.
 */
import { NatsConnection } from "nats";
import { consumerSettings, keyValueSettings, streamSettings } from "../model/jetstream-config";
import { JetStreamResources } from "../model/jetstream-resources";

/** The resources of one account, as the stack declares them. */
export function resourcesOf(resources: JetStreamResources, account: string): JetStreamResources {
  return {
    streams: resources.streams.filter((stream) => stream.account === account),
    keyValues: resources.keyValues.filter((kv) => kv.account === account),
  };
}

function refused(what: string, error: unknown): Error {
  return new Error(`${what} was refused: ${(error as Error).message}`);
}

/**
 * Creates every stream with its consumers, then every bucket, in the order declared; the first refusal stops
 * the run with the resource's name in the message. Returns one line per resource created.
 */
export async function provisionJetStream(nc: NatsConnection, resources: JetStreamResources): Promise<string[]> {
  const jsm = await nc.jetstreamManager();
  const created: string[] = [];
  for (const stream of resources.streams) {
    const info = await jsm.streams.add(streamSettings(stream)).catch((error: unknown) => {
      throw refused(`stream ${stream.name}`, error);
    });
    created.push(`stream ${info.config.name} created (R${info.config.num_replicas}, ${info.config.retention}, ${info.config.storage})`);
    for (const consumer of stream.consumers) {
      await jsm.consumers.add(stream.name, consumerSettings(consumer)).catch((error: unknown) => {
        throw refused(`consumer ${stream.name}/${consumer.durable}`, error);
      });
      created.push(`consumer ${stream.name}/${consumer.durable} created`);
    }
  }
  const js = nc.jetstream();
  for (const kv of resources.keyValues) {
    await js.views.kv(kv.bucket, keyValueSettings(kv)).catch((error: unknown) => {
      throw refused(`key-value bucket ${kv.bucket}`, error);
    });
    created.push(`key-value bucket ${kv.bucket} created (R${kv.replicas})`);
  }
  return created;
}
