/**
 * What an attack must leave as it was: each stream's stored messages, bytes, sequences, subjects and creation
 * time, and each of its consumers' delivery and ack state, read through a manager that may look them up.
 */
import { JetStreamManager } from "nats";
import { expect } from "vitest";

/** One consumer's position: what it delivered, what was acked, what waits. Pull requests waiting are left out. */
export interface ConsumerState {
  delivered: number;
  ackFloor: number;
  pending: number;
  ackPending: number;
  redelivered: number;
}

/** One stream's contents and shape, and its consumers by name. */
export interface StreamState {
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  subjects: string[];
  created: string;
  consumers: Record<string, ConsumerState>;
}

/** The state of each named stream that `jsm` can look up. */
export async function streamStates(jsm: JetStreamManager, streams: readonly string[]): Promise<Record<string, StreamState>> {
  const states: Record<string, StreamState> = {};
  for (const name of streams) {
    const info = await jsm.streams.info(name);
    const consumers: Record<string, ConsumerState> = {};
    for (const consumer of await jsm.consumers.list(name).next()) {
      consumers[consumer.name] = {
        delivered: consumer.delivered.stream_seq,
        ackFloor: consumer.ack_floor.stream_seq,
        pending: consumer.num_pending,
        ackPending: consumer.num_ack_pending,
        redelivered: consumer.num_redelivered,
      };
    }
    states[name] = {
      messages: info.state.messages,
      bytes: info.state.bytes,
      firstSeq: info.state.first_seq,
      lastSeq: info.state.last_seq,
      subjects: info.config.subjects ?? [],
      created: info.created,
      consumers,
    };
  }
  return states;
}

/** Streams to watch, each with a manager of its account that may look it up. */
export type WatchedStreams = readonly { jsm: JetStreamManager; streams: readonly string[] }[];

async function allStates(watched: WatchedStreams): Promise<Record<string, StreamState>[]> {
  return Promise.all(watched.map(({ jsm, streams }) => streamStates(jsm, streams)));
}

/** Runs `attack` and checks that every watched stream and consumer is exactly as it was before. */
export async function expectStreamsUnchanged(watched: WatchedStreams, attack: () => Promise<void>): Promise<void> {
  const before = await allStates(watched);
  expect(before.flatMap((states) => Object.values(states)).every((state) => state.messages > 0)).toBe(true);
  await attack();
  expect(await allStates(watched)).toEqual(before);
}
