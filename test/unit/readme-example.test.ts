/** The README's component example, run as written (but for the package name) under Pulumi mocks. */
import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, MockRecorder, valueOf } from "../../components/testing";

const root = path.resolve(__dirname, "../..");
let mocks: MockRecorder;

function readmeExample(): string {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const match = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error("the README has no TypeScript example");
  return match[1].replace('from "nats-jetstream"', `from ${JSON.stringify(path.join(root, "components"))}`);
}

beforeAll(async () => {
  mocks = await installMocks({ preview: false, stack: "readme" });
});

describe("the README's component example", () => {
  it("deploys the cluster and credentials it describes, with the outputs its comments show", async () => {
    const file = path.join(root, ".local", "readme-example.ts");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, readmeExample());
    const example = await import(file);
    await mocks.settle();
    expect(mocks.ofType("kubernetes:apps/v1:StatefulSet")[0].inputs.spec.replicas).toBe(5);
    expect(await valueOf(example.url)).toBe("nats://events.messaging.svc.cluster.local:4222");
    expect(await valueOf(example.ordersCreds)).toMatchObject({ "orders-api": "events-orders-api-creds" });
  });
});
