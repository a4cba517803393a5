/**
 * `npm run bench:backup [-- --megabytes N]`: backup and restore throughput through JetStream's snapshot API
 * (the client `npm run backup` and `npm run restore` use), beside the time an ordered consumer takes to read
 * the same stream, on one local nats-server with a file stream of N MiB (default 100) of 1 KiB random, so
 * incompressible, messages. The figures are in MiB of stored stream per second; the machine's load is
 * printed with them.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { findServerBinary, startCluster } from "../components/local";
import { checkBackupDirectory, restoreBackup, takeBackup } from "../components/local/backup";
import { formatServerVersion, validateCluster } from "../components/model";

const MESSAGE_BYTES = 1024;
const IN_FLIGHT = 512;
const STREAM = "BENCH";

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { megabytes: { type: "string", default: "100" } }, strict: true });
  const megabytes = Number(values.megabytes);
  if (!Number.isInteger(megabytes) || megabytes < 1) throw new Error(`--megabytes: ${values.megabytes} is not allowed; give a whole number of MiB of at least 1`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-backup-"));
  const binary = findServerBinary();
  const cluster = validateCluster({ name: "bench", tier: "dev" });
  const local = await startCluster(cluster, { runDir: scratch, binary });
  const nc = await connect({ servers: local.clientUrls });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: STREAM, subjects: ["bench.>"] });
    const js = jetstream(nc);
    const count = (megabytes * 1024 * 1024) / MESSAGE_BYTES;
    const filled = process.hrtime.bigint();
    for (let sent = 0; sent < count; sent += IN_FLIGHT) {
      await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count - sent) }, (_, i) => js.publish(`bench.${(sent + i) % 16}`, randomBytes(MESSAGE_BYTES))));
    }
    const fillSeconds = seconds(filled);
    const { state } = await jsm.streams.info(STREAM);
    const storedMiB = state.bytes / 2 ** 20;

    const read = process.hrtime.bigint();
    const ordered = await js.consumers.get(STREAM);
    const messages = await ordered.consume();
    let seen = 0;
    for await (const msg of messages) {
      seen += 1;
      if (msg.seq === state.last_seq) break;
    }
    const readSeconds = seconds(read);
    if (seen !== state.messages) throw new Error(`the ordered consumer read ${seen} of ${state.messages} messages`);

    const dir = path.join(scratch, "backup");
    const backedUp = process.hrtime.bigint();
    const [report] = await takeBackup([{ account: "$G", stream: STREAM }], async () => ({ nc, inboxPrefix: "_INBOX" }), dir);
    const backupSeconds = seconds(backedUp);

    await jsm.streams.delete(STREAM);
    const restored = process.hrtime.bigint();
    const [restoreReport] = await restoreBackup(checkBackupDirectory(dir), async () => nc, { maxReplicas: 1 });
    const restoreSeconds = seconds(restored);
    if (restoreReport.messages !== state.messages) throw new Error(`the restore gave ${restoreReport.messages} of ${state.messages} messages`);

    const [one, five, fifteen] = os.loadavg().map((load) => load.toFixed(2));
    const rate = (secondsTaken: number) => `${(storedMiB / secondsTaken).toFixed(1).padStart(7)} MiB/s`;
    process.stdout.write(
      [
        `nats-server ${formatServerVersion(binary.version)}, ${os.cpus().length} cores, load average ${one} ${five} ${fifteen}; node ${process.version}`,
        `stream ${STREAM}: ${state.messages} messages of ${MESSAGE_BYTES} B, ${storedMiB.toFixed(1)} MiB stored (filled in ${fillSeconds.toFixed(1)} s); snapshot file ${(report.bytes / 2 ** 20).toFixed(1)} MiB`,
        "case                              time      rate",
        `ordered consumer read        ${readSeconds.toFixed(2).padStart(7)} s ${rate(readSeconds)}`,
        `backup (snapshot API)        ${backupSeconds.toFixed(2).padStart(7)} s ${rate(backupSeconds)}`,
        `restore (restore API)        ${restoreSeconds.toFixed(2).padStart(7)} s ${rate(restoreSeconds)}`,
        "",
      ].join("\n"),
    );
  } finally {
    await nc.close();
    await local.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
