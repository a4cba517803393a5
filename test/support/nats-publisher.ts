/**
 * A steady publisher for fault tests. Each message has its own Nats-Msg-Id; when a publish fails (timeout,
 * no responders while a stream has no leader) it is retried with the same id, so the stream's duplicate
 * window drops a copy that was stored although its acknowledgement was lost. A message counts as
 * acknowledged only once its PubAck arrived.
 */
import { JetStreamClient } from "nats";
import { sleep } from "./nats-client";

export interface PublisherOptions {
  subject: string;
  /** Pause after each acknowledged message: the load's pace. */
  pauseMs: number;
  /** How long one attempt waits for its PubAck. */
  attemptTimeoutMs: number;
  /** Pause before retrying a failed attempt. */
  retryPauseMs: number;
  /** Give a message up after this long without an acknowledgement (it then counts as abandoned). */
  giveUpAfterMs: number;
  /** Stop after this many messages whatever happens. */
  maxMessages: number;
}

export interface Acknowledgement {
  msgId: string;
  seq: number;
  /** The stream had already stored this id from an attempt whose acknowledgement was lost. */
  duplicate: boolean;
  at: number;
}

export class SteadyPublisher {
  readonly acknowledged: Acknowledgement[] = [];
  readonly abandoned: string[] = [];
  failedAttempts = 0;
  /** Every failed attempt: its message id, when, and what the client said. */
  readonly failures: { msgId: string; at: number; error: string }[] = [];
  /** Moments a test marks on the load's timeline (a cut, a heal), for reading a failure against. */
  readonly marks: { label: string; at: number }[] = [];
  private stopping = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly js: JetStreamClient,
    private readonly options: PublisherOptions,
  ) {}

  start(): void {
    this.running = this.run();
  }

  /** Finishes the message in flight (bounded by giveUpAfterMs) and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  /** Marks `label` on the load's timeline now. */
  mark(label: string): void {
    this.marks.push({ label, at: Date.now() });
  }

  /** Acknowledgements received after `time` (a Date.now() value). */
  acknowledgedAfter(time: number): Acknowledgement[] {
    return this.acknowledged.filter((ack) => ack.at > time);
  }

  /** Resolves once `count` more messages than now are acknowledged; fails after `timeoutMs`. */
  async waitForMore(count: number, timeoutMs: number): Promise<void> {
    const target = this.acknowledged.length + count;
    const deadline = Date.now() + timeoutMs;
    while (this.acknowledged.length < target) {
      if (Date.now() > deadline) throw new Error(`only ${this.acknowledged.length - target + count} of ${count} more messages acknowledged in ${timeoutMs / 1000}s`);
      if (this.stopping) throw new Error("publisher stopped");
      await sleep(20);
    }
  }

  private async run(): Promise<void> {
    for (let n = 1; n <= this.options.maxMessages && !this.stopping; n++) {
      const msgId = `msg-${n}`;
      const givenUpAt = Date.now() + this.options.giveUpAfterMs;
      let acked = false;
      while (!acked && Date.now() < givenUpAt) {
        try {
          const ack = await this.js.publish(this.options.subject, msgId, { msgID: msgId, timeout: this.options.attemptTimeoutMs });
          this.acknowledged.push({ msgId, seq: ack.seq, duplicate: ack.duplicate, at: Date.now() });
          acked = true;
        } catch (error) {
          this.failedAttempts++;
          this.failures.push({ msgId, at: Date.now(), error: error instanceof Error ? error.message : String(error) });
          await sleep(this.options.retryPauseMs);
        }
      }
      if (!acked) this.abandoned.push(msgId);
      await sleep(this.options.pauseMs);
    }
  }
}
