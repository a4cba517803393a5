/** Creating the streams a stack declares on a running local cluster. */
import { JetStreamManager, StreamConfig, StreamInfo } from "nats";

/** A stream as a stack declares it: a name, and any other setting JetStream accepts. */
export type StreamDeclaration = Partial<StreamConfig> & Pick<StreamConfig, "name">;

/** Creates each stream in order; the first refusal stops the run with the stream's name in the message. */
export async function createStreams(jsm: JetStreamManager, streams: readonly StreamDeclaration[]): Promise<StreamInfo[]> {
  const created: StreamInfo[] = [];
  for (const stream of streams) {
    try {
      created.push(await jsm.streams.add(stream));
    } catch (error) {
      throw new Error(`stream ${stream.name} was refused: ${(error as Error).message}`);
    }
  }
  return created;
}
