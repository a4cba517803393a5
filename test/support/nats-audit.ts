/** Comparing what a publisher was told was stored with what a stream really holds. */
import { Acknowledgement } from "./nats-publisher";
import { StoredMessage } from "./nats-client";

export interface Audit {
  /** Distinct message ids whose PubAck arrived. */
  acknowledged: number;
  /** Acknowledged ids the stream does not hold. */
  lost: string[];
  /** Ids the stream holds more than once. */
  duplicates: string[];
  /** Ids stored although no PubAck for them arrived (allowed: the ack may be lost, never the message). */
  storedUnacknowledged: number;
  /** Acknowledgements whose sequence holds another message. */
  misplaced: string[];
}

export function auditStream(acknowledged: readonly Acknowledgement[], stored: readonly StoredMessage[]): Audit {
  const copies = new Map<string, number>();
  const bySeq = new Map<number, StoredMessage>();
  for (const message of stored) {
    const id = message.msgId ?? `(no id at sequence ${message.seq})`;
    copies.set(id, (copies.get(id) ?? 0) + 1);
    bySeq.set(message.seq, message);
  }
  const acknowledgedIds = new Set(acknowledged.map((ack) => ack.msgId));
  return {
    acknowledged: acknowledgedIds.size,
    lost: [...acknowledgedIds].filter((id) => !copies.has(id)),
    duplicates: [...copies].filter(([, count]) => count > 1).map(([id]) => id),
    storedUnacknowledged: [...copies.keys()].filter((id) => !acknowledgedIds.has(id)).length,
    misplaced: acknowledged.filter((ack) => bySeq.get(ack.seq)?.msgId !== ack.msgId).map((ack) => ack.msgId),
  };
}
