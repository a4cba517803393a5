/** The Pulumi program checks every key of its namespace with the stack schema before it declares anything. */
import { beforeAll, describe, expect, it } from "vitest";
import { Program, programRunner } from "../support/program-run";
import { installMocks, MockRecorder } from "../../components/testing";

let mocks: MockRecorder;
let runProgram: (config: Record<string, unknown>) => Promise<Program>;
let pulumi: typeof import("@pulumi/pulumi");

beforeAll(async () => {
  mocks = await installMocks({ preview: false, stack: "small" });
  pulumi = await import("@pulumi/pulumi");
  runProgram = programRunner(mocks, pulumi);
});

describe("the program", () => {
  it("refuses a misspelt key before any resource, as a RunError naming the path and the key meant", async () => {
    const failure = await runProgram({ cluster: { name: "nats", tier: "small", sever: 3 } }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(pulumi.RunError);
    expect((failure as Error).message).toBe("stack small: cluster.sever: unknown key; did you mean servers?");
    expect(mocks.resources).toEqual([]);
  });

  it("refuses a misspelt top-level key and a flag that is not true or false, all at once", async () => {
    const failure = await runProgram({ cluster: { name: "nats", tier: "dev" }, createNamespace: "no", monitoringNamepace: "keda" }).catch((error: Error) => error);
    expect((failure as Error).message).toMatch(/2 problems:\n {2}- createNamespace: "no" is not allowed; use true or false[^\n]*\n {2}- monitoringNamepace: unknown key; did you mean monitoringNamespace\?$/);
    expect(mocks.resources).toEqual([]);
  });

  it("refuses a context the kubeconfig does not define without repeating the kubeconfig, and still reads the kubeconfig as a secret", async () => {
    const kubeconfig = "apiVersion: v1\nkind: Config\ncontexts:\n  - name: kind-nats\n    context: { cluster: kind }\n";
    const failure = await runProgram({ cluster: { name: "nats", tier: "dev" }, kubeconfig, context: "kind-nast" }).catch((error: Error) => error);
    expect((failure as Error).message).toBe('stack small: context: "kind-nast" is not allowed; name a context of the kubeconfig: kind-nats');
    expect(mocks.resources).toEqual([]);

    await runProgram({ cluster: { name: "nats", tier: "dev" }, kubeconfig, context: "kind-nats" });
    const [provider] = mocks.ofType("pulumi:providers:kubernetes");
    expect(provider.inputs.context).toBe("kind-nats");
    expect(provider.secretPaths).toContain("kubeconfig");
  });
});
