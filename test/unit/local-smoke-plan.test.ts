/** Which users the local smoke check sends a job through, and the local-only admins it provisions with. */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { localAdminName, withLocalAdmins } from "../../components/local/local-credentials";
import { concreteSubject, planJobChecks } from "../../components/local/smoke-plan";
import { readStackFile, resolveStack, stackFilePath, StackSpec } from "../../components/model/stack";

const PROJECT_DIR = path.resolve(__dirname, "../..");

function plan(spec: StackSpec) {
  const stack = resolveStack("test", spec);
  return planJobChecks(stack.accounts, stack.jetstream.streams).map((check) => ({
    consumer: `${check.stream.name}/${check.consumer.durable}`,
    subject: check.subject,
    publisher: check.publisher.name,
    worker: check.worker.name,
  }));
}

const cluster = { name: "nats", tier: "dev" } as const;
const jobs = { name: "JOBS", account: "app", subjects: ["jobs.>"], retention: "workqueue" as const };

describe("the smoke check's jobs", () => {
  it("go through the dev stack's own publisher and worker", () => {
    expect(plan(readStackFile(stackFilePath(PROJECT_DIR, "dev")))).toEqual([{ consumer: "JOBS/workers", subject: "jobs.smoke", publisher: "api", worker: "worker" }]);
  });

  it("fill a pattern's wildcards in, within the consumer's filter", () => {
    expect(concreteSubject("orders.*.created.>")).toBe("orders.smoke.created.smoke");
    const stack = {
      cluster,
      accounts: [{ name: "app", users: [{ name: "api", publisher: { stream: "JOBS" } }, { name: "eu", worker: { stream: "JOBS", consumer: "eu" } }] }],
      streams: [{ ...jobs, consumers: [{ durable: "eu", filterSubject: "jobs.eu.*" }] }],
    };
    expect(plan(stack)).toEqual([{ consumer: "JOBS/eu", subject: "jobs.eu.smoke", publisher: "api", worker: "eu" }]);
  });

  it("pick users by what they may do, prefer the consumer's worker user, and leave out leaf-only users", () => {
    const stack = {
      cluster,
      accounts: [
        {
          name: "app",
          users: [
            { name: "edge", connectionTypes: ["LEAFNODE" as const], permissions: { publish: ["jobs.>", "$JS.>"], subscribe: ["_INBOX.>"] } },
            { name: "ops", admin: true, permissions: { publish: ["$JS.>"] } },
            { name: "tool", permissions: { publish: ["jobs.>"] } },
            { name: "worker", worker: { stream: "JOBS", consumer: "workers" } },
          ],
        },
      ],
      streams: [
        {
          ...jobs,
          consumers: [
            { durable: "workers", workerUser: "worker", filterSubject: "jobs.work.>" },
            { durable: "audit", filterSubject: "jobs.audit.>" },
          ],
        },
      ],
    };
    expect(plan(stack)).toEqual([
      { consumer: "JOBS/workers", subject: "jobs.work.smoke", publisher: "tool", worker: "worker" },
      { consumer: "JOBS/audit", subject: "jobs.audit.smoke", publisher: "tool", worker: "ops" },
    ]);
  });

  it("are none when no user may publish to the stream", () => {
    const stack = { cluster, accounts: [{ name: "app", users: [{ name: "worker", worker: { stream: "JOBS", consumer: "workers" } }] }], streams: [{ ...jobs, consumers: [{ durable: "workers" }] }] };
    expect(plan(stack)).toEqual([]);
  });
});

describe("the local admins", () => {
  it("join each account with JetStream, with the JetStream API and their own one-token inbox, under a name no stack user can have", () => {
    const stack = resolveStack("dev", readStackFile(stackFilePath(PROJECT_DIR, "dev")));
    const accounts = withLocalAdmins(stack.accounts);
    expect(accounts.map((account) => account.users.map((user) => user.name))).toEqual([["sys"], ["api", "worker", "app-nack", "app.admin"]]);
    expect(accounts[1].users[3].permissions).toEqual({ publish: ["$JS.API.>"], subscribe: ["_INBOX_app_admin.>"], allowResponses: false });
    expect(localAdminName("app")).not.toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(stack.accounts[1].users.map((user) => user.name)).toEqual(["api", "worker", "app-nack"]);
  });
});
