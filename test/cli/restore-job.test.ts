/**
 * `npm run restore -- <stack> --job <stamp>` prints, without any server, the Kubernetes Job of each cluster
 * that restores its CronJob's backup of that time: valid against the Job schema, run as the accounts' restore
 * users from the claim the CronJob writes to; a stamp that is not one is refused with the usage exit code.
 * `npm run backup` of a stack that is not running says how to start it, and of one without a policy refuses.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { schemaProblems } from "../support/k8s-schema";
import { projectWith, runTool } from "../support/local-cli-run";

const STACK = `config:
  nats-jetstream:cluster:
    name: nats
    tier: small
    namespace: messaging
  nats-jetstream:accounts:
    - name: app
      users:
        - name: api
          publisher:
            stream: ORDERS
  nats-jetstream:streams:
    - name: ORDERS
      account: app
      subjects: ["orders.>"]
      maxBytes: 1Gi
  nats-jetstream:backups:
    schedule: "0 3 * * *"
    retentionDays: 7
    destination:
      pvc:
        size: 20Gi
`;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "restore-job-"));
const BARE = STACK.slice(0, STACK.indexOf("  nats-jetstream:backups:"));
const project = projectWith(scratch, { shop: STACK, bare: BARE });
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe("npm run restore -- <stack> --job <stamp>", () => {
  it("prints each cluster's restore Job, valid, restoring from the claim as the restore users, replacing streams only with --replace", async () => {
    const run = await runTool("restore", ["shop", "--job", "20261201T030000Z"], project);
    expect(run.code, run.stderr).toBe(0);
    const jobs = parseAllDocuments(run.stdout).map((document) => document.toJS() as Record<string, unknown>);
    expect(jobs).toHaveLength(1);
    expect(schemaProblems(jobs[0])).toEqual([]);
    expect(jobs[0]).toMatchObject({ kind: "Job", metadata: { name: "nats-restore-20261201t030000z", namespace: "messaging" } });
    const pod = (jobs[0] as { spec: { template: { spec: { containers: { command: string[] }[]; volumes: unknown[] } } } }).spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: "work", persistentVolumeClaim: { claimName: "nats-backups" } });
    expect(pod.containers[0].command[2]).toContain("cd /backup/nats/20261201T030000Z && sha256sum -c SHA256SUMS");
    expect(pod.containers[0].command[2]).toContain("--creds '/etc/nats-creds/app/app-restore.creds' --inbox-prefix '_INBOX_app-restore' stream restore");
    expect(pod.containers[0].command[2]).not.toContain("stream rm");
    const replacing = await runTool("restore", ["shop", "--job", "20261201T030000Z", "--replace"], project);
    expect(replacing.stdout).toContain("stream rm -f 'ORDERS'");
  });

  it("tells how to start a stack that is not running, and refuses a stack without a backup policy", async () => {
    const [notRunning, bare] = await Promise.all([runTool("backup", ["shop"], project), runTool("backup", ["bare"], project)]);
    expect(notRunning.code).toBe(1);
    expect(notRunning.stderr).toMatch(/backup failed, nothing was kept in backups\/shop\/\d{8}T\d{6}Z: stack shop is not running here: start it with npm run local -- shop/);
    expect(fs.existsSync(path.join(project, "backups"))).toBe(false);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("stack bare has no backup policy: add nats-jetstream:backups (schedule, retentionDays, destination) to stacks/Pulumi.bare.yaml");
  });

  it("refuses a stamp that is not a backup's", async () => {
    const run = await runTool("restore", ["shop", "--job", "yesterday"], project);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--job: "yesterday" is not allowed; give a backup\'s UTC time stamp');
  });
});
