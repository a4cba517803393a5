/**
 * `npm run backup` and `npm run restore` against stacks started by `npm run local`: the backup runs as each
 * account's backup user, whose creds can snapshot the policy's streams and nothing else; a backup of a
 * three-server stack restores into a one-server stack with its replicas lowered and said so; a restore over
 * existing streams, or of a damaged backup, is refused and leaves the target as it was.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { headers, NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { snapshotStream } from "../../components/local/backup";
import { readStream } from "../support/backup-streams";
import { connectAsRunUser, projectWith, RunningLocal, runTool, startLocal } from "../support/local-cli-run";

const STACK = (tier: string) => `config:
  nats-jetstream:cluster:
    name: nats
    tier: ${tier}
  nats-jetstream:accounts:
    - name: app
      users:
        - name: api
          publisher:
            stream: ORDERS
        - name: configurator
          kvWriter:
            bucket: settings
    - name: billing
      users:
        - name: biller
          publisher:
            stream: INVOICES
  nats-jetstream:streams:
    - name: ORDERS
      account: app
      subjects: ["orders.>"]
      maxBytes: 64Mi
      consumers:
        - durable: shipping
    - name: INVOICES
      account: billing
      subjects: ["invoices.>"]
      maxBytes: 64Mi
  nats-jetstream:keyValues:
    - bucket: settings
      account: app
      history: 5
  nats-jetstream:backups:
    schedule: "0 3 * * *"
    retentionDays: 7
    streams: [ORDERS]
    destination:
      pvc:
        size: 1Gi
`;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "backup-cli-"));
const project = projectWith(scratch, { shop: STACK("small"), shopdev: STACK("dev") });
const runs: RunningLocal[] = [];
const connections: NatsConnection[] = [];

afterAll(async () => {
  await Promise.all(connections.map((nc) => nc.close().catch(() => undefined)));
  await Promise.all(runs.map((run) => run.stop()));
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** A connection as one of the run's users, closed after the file. */
async function as(run: RunningLocal, user: string): Promise<NatsConnection> {
  const nc = await connectAsRunUser(run, user);
  connections.push(nc);
  return nc;
}

async function fill(run: RunningLocal): Promise<void> {
  const js = jetstream(await as(run, "api"));
  for (let i = 0; i < 60; i++) {
    const h = headers();
    h.set("X-Order", String(i));
    await js.publish(`orders.${["eu", "us"][i % 2]}`, `order ${i}`, { headers: h });
  }
  const kv = await new Kvm(await as(run, "configurator")).open("settings");
  for (const theme of ["light", "dark", "blue"]) await kv.put("theme", theme);
  await jetstream(await as(run, "biller")).publish("invoices.1", "invoice 1");
}

describe("npm run backup and npm run restore on stacks run by npm run local", () => {
  it("back up as the backup user, restore an R3 backup into one server as R1, and refuse existing streams and damaged backups", { timeout: 90_000 }, async () => {
    const [shop, dev] = await Promise.all([startLocal(project, "shop"), startLocal(project, "shopdev")]);
    runs.push(shop, dev);
    await fill(shop);

    // The backup user snapshots the policy's streams and can do nothing else.
    const backupUser = await as(shop, "app-backup");
    await expect(jetstream(backupUser).publish("orders.eu", "forged")).rejects.toThrow(/Permissions Violation for Publish to "orders.eu"/);
    const asBackup = await jetstreamManager(backupUser);
    await expect(asBackup.streams.delete("ORDERS")).rejects.toThrow(/Permissions Violation for Publish to "\$JS.API.STREAM.DELETE.ORDERS"/);
    await expect(asBackup.streams.getMessage("ORDERS", { seq: 1 })).rejects.toThrow(/Permissions Violation for Publish to "\$JS.API.STREAM.MSG.GET.ORDERS"/);
    await expect(snapshotStream(backupUser, "KV_settings", () => undefined, { inboxPrefix: "_INBOX_app-backup" })).resolves.toMatchObject({ config: { name: "KV_settings" } });
    // Billing's stream is another account's: the user can neither name it nor reach it.
    await expect(snapshotStream(backupUser, "INVOICES", () => undefined, { inboxPrefix: "_INBOX_app-backup" })).rejects.toThrow(/Permissions Violation for Publish to "\$JS.API.STREAM.SNAPSHOT.INVOICES"/);
    const billingAdmin = await jetstreamManager(await as(shop, "billing.admin"));
    expect((await billingAdmin.streams.info("INVOICES")).state.messages).toBe(1);

    const out = path.join(scratch, "backup");
    const backup = await runTool("backup", ["shop", "--out", out], project);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/nats {2}app\/ORDERS {2}60 message\(s\), sequences 1\.\.60/);
    expect(backup.stdout).toMatch(/nats {2}app\/KV_settings {2}3 message\(s\), sequences 1\.\.3/);
    expect(fs.readdirSync(path.join(out, "nats", "app")).sort()).toEqual(["KV_settings", "ORDERS"]);
    expect(fs.readdirSync(path.join(out, "nats", "app", "ORDERS")).sort()).toEqual(["backup.json", "stream.tar.s2"]);

    const admin = await as(shop, "app.admin");
    const orders = await readStream(admin, "ORDERS");
    const settings = await readStream(admin, "KV_settings");
    expect(orders).toHaveLength(60);

    const damaged = path.join(scratch, "damaged");
    fs.cpSync(out, damaged, { recursive: true });
    const data = path.join(damaged, "nats", "app", "ORDERS", "stream.tar.s2");
    fs.truncateSync(data, Math.floor(fs.statSync(data).size / 2));
    const refused = await runTool("restore", ["shopdev", "--from", damaged, "--replace"], project);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("nats/: app/ORDERS/stream.tar.s2 does not match its checksum in SHA256SUMS");
    const devAdmin = await as(dev, "app.admin");
    expect(await readStream(devAdmin, "ORDERS")).toEqual([]);

    // npm run local creates the stack's streams empty, so a restore into it replaces them, only when asked.
    const overExisting = await runTool("restore", ["shopdev", "--from", out], project);
    expect(overExisting.code).toBe(1);
    expect(overExisting.stderr).toContain("restore refused, nothing was changed: stream(s) nats/app/KV_settings, nats/app/ORDERS already exist in the target; delete them, or pass --replace");
    expect(await readStream(devAdmin, "ORDERS")).toEqual([]);
    const intoDev = await runTool("restore", ["shopdev", "--from", out, "--replace"], project);
    expect(intoDev.code, intoDev.stderr).toBe(0);
    expect(intoDev.stdout).toContain("nats  app/ORDERS  R1, 60 message(s) up to sequence 60, replacing the stream that was there");
    expect(intoDev.stdout).toContain("note: stream ORDERS was R3 in the backup and is restored as R1: the target cluster has 1 server(s)");
    expect(await readStream(devAdmin, "ORDERS")).toEqual(orders);
    expect(await readStream(devAdmin, "KV_settings")).toEqual(settings);
  });
});
