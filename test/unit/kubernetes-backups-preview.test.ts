/**
 * A cluster's BackupSchedule in a first preview, under Pulumi mocks: the same objects as an update, each
 * valid, with only the users' creds unknown, and those secret.
 */
import { describe, expect, it } from "vitest";
import { AccountSpec } from "../../components/model/accounts";
import { BackupsSpec } from "../../components/model/backups";
import { withBackupUsers } from "../../components/model/backup-users";
import { ClusterSpec } from "../../components/model/cluster";
import { StreamSpec } from "../../components/model/streams";
import { checkStack } from "../../components/stack-check";
import { expectEachValid } from "../support/component-expectations";
import { componentStack } from "../support/component-stack";
import { stackConnection, stackCredentials } from "../support/workload-stack";

const cluster: ClusterSpec = { name: "nats", tier: "small" };
const streams: StreamSpec[] = [{ name: "ORDERS", account: "shop", subjects: ["orders.>"], maxBytes: "1Gi" }];
const backups: BackupsSpec = { schedule: "0 3 * * *", retentionDays: 7, destination: { s3: { bucket: "nats-backups", create: { eksCluster: "prod" } } } };
const declared: AccountSpec[] = [{ name: "shop", users: [{ name: "api", publisher: { stream: "ORDERS" } }] }];
const { targets } = checkStack("shop", { cluster, accounts: declared, streams, backups }).backups!;
const accounts = withBackupUsers(declared, targets);

const { mocks, pulumi, components, deploy } = await componentStack({ preview: true, newRandomResources: true });
const credentials = await deploy(() => stackCredentials(cluster, accounts, streams));

describe("a preview of a cluster's backups to a bucket the stack creates", () => {
  it("shows every object an update would create, each valid, unknown only in the creds Secrets, which stay secret", async () => {
    await deploy(() => new components.BackupSchedule("nats-backups", { ...stackConnection(cluster, accounts, streams, credentials), backups, jetStream: { streams }, stackName: "shop" }));
    const objects = mocks.kubernetesObjects();
    expect(objects.map((object) => object.name).sort()).toEqual(["nats-backups-cron-job", "nats-backups-service-account", "nats-backups-shop-backup-creds", "nats-backups-shop-restore-creds"]);
    const unknown = objects.filter((object) => pulumi.isUnknown(object.inputs.stringData)).map((object) => object.name);
    expect(unknown.sort()).toEqual(["nats-backups-shop-backup-creds", "nats-backups-shop-restore-creds"]);
    for (const name of unknown) expect(mocks.named(name).secretPaths).toEqual(["stringData"]);
    expectEachValid(objects, { inputsOf: (object) => (pulumi.isUnknown(object.inputs.stringData) ? { ...object.inputs, stringData: {} } : object.inputs) });
    // A bucket the stack creates is written through Pod Identity and encrypted with KMS: no keys in the pod.
    const upload = mocks.named("nats-backups-cron-job").inputs.spec.jobTemplate.spec.template.spec.containers[0];
    expect(upload.envFrom).toBeUndefined();
    expect(upload.command[2]).toContain(`aws s3 cp /backup/"$stamp.tar.gz" 's3://nats-backups/shop/nats/'"$stamp.tar.gz" --region 'us-east-1' --sse aws:kms --only-show-errors`);
    expect(upload.command[2]).not.toContain("aws s3 rm");
  });
});
