/**
 * The Pulumi program (index.ts) under mocks with a backup policy: each cluster holding a selected stream gets
 * its BackupSchedule, through that cluster's provider, after its JetStream objects; the backup and restore
 * users are issued like every other user; a stack without a policy gets none.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, MockRecorder } from "../../components/testing";
import { expectEachValid } from "../support/component-expectations";
import { Program, programRunner } from "../support/program-run";
import { BASES } from "../support/stack-cases";

let mocks: MockRecorder;
let runProgram: (config: Record<string, unknown>) => Promise<Program>;

beforeAll(async () => {
  mocks = await installMocks({ preview: false, stack: "small" });
  runProgram = programRunner(mocks, await import("@pulumi/pulumi"));
});

const BACKUPS = { schedule: "0 3 * * *", retentionDays: 7, destination: { pvc: { size: "20Gi" } } };

describe("a stack with a backup policy", () => {
  it("gets a CronJob on its cluster, after the cluster's JetStream objects, and the backup users' creds", async () => {
    await runProgram({ ...BASES.jobs(), backups: BACKUPS });
    const [schedule] = mocks.ofType("nats-jetstream:index:BackupSchedule");
    expect(schedule.name).toBe("nats-backups");
    expect(schedule.options.dependencies).toEqual(expect.arrayContaining([expect.stringContaining("nats-jetstream")]));
    const cronJob = mocks.named("nats-backups-cron-job");
    expect(cronJob.inputs.metadata).toMatchObject({ name: "nats-backup", namespace: "nats" });
    expect(cronJob.inputs.spec.jobTemplate.spec.template.spec.containers[0].command[2]).toContain("stream backup 'JOBS'");
    const secretNames = mocks.ofType("kubernetes:core/v1:Secret").map((secret) => `${secret.inputs.metadata.namespace}/${secret.inputs.metadata.name}`);
    expect(secretNames).toEqual(expect.arrayContaining(["nats/nats-backups-app-backup-creds", "nats/nats-backups-app-restore-creds"]));
    // Every Secret of the stack has a name of its own in its namespace.
    expect(new Set(secretNames).size).toBe(secretNames.length);
    expectEachValid(mocks.kubernetesObjects().filter((object) => object.type === "kubernetes:batch/v1:CronJob" || object.type === "kubernetes:core/v1:PersistentVolumeClaim"));
  });

  it("to a bucket it creates, gets the bucket, its role and a Pod Identity association for the cluster's backup ServiceAccount, in the bucket's region", async () => {
    const create = { s3: { bucket: "acme-nats-backups", region: "eu-west-1", create: { eksCluster: "prod-eks" } } };
    await runProgram({ ...BASES.jobs(), backups: { ...BACKUPS, destination: create } });
    expect(mocks.ofType("nats-jetstream:index:BackupBucket").map((bucket) => bucket.name)).toEqual(["small-backups"]);
    expect(mocks.ofType("pulumi:providers:aws").map((provider) => provider.inputs.region)).toEqual(["eu-west-1"]);
    const [association] = mocks.ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation");
    expect(association.inputs).toMatchObject({ clusterName: "prod-eks", namespace: "nats", serviceAccount: "nats-backup" });
    expect(mocks.named("nats-backups-service-account").inputs.metadata).toMatchObject({ name: "nats-backup", namespace: "nats" });
    expect(mocks.named("nats-backups-cron-job").inputs.spec.jobTemplate.spec.template.spec.containers[0].command[2]).toContain("'s3://acme-nats-backups/small/nats/'");
  });

  it("is refused, naming the field, before anything is created", async () => {
    await expect(runProgram({ ...BASES.jobs(), backups: { ...BACKUPS, streams: ["PAYMENTS"] } })).rejects.toThrow(/backups\.streams\[0\]: "PAYMENTS" is not allowed; name a stream the stack declares: JOBS/);
  });
});

describe("a stack without one", () => {
  it("gets no backup objects", async () => {
    const { backups: _policy, ...withoutBackups } = BASES.jobs();
    await runProgram(withoutBackups);
    expect(mocks.ofType("nats-jetstream:index:BackupSchedule")).toEqual([]);
    expect(mocks.ofType("kubernetes:batch/v1:CronJob")).toEqual([]);
  });
});
