/**
 * The Kubernetes objects `pulumi up` would create for a stack, with their Secrets' values, as the pod test
 * back end boots them. They come from the render back end's synthesis (the program run under Pulumi's mocks,
 * compiled by the suite's global setup), in a child process of their own: the SDK keeps one set of mocks and
 * one config per process. Unlike a render, nothing is redacted and nothing is written to disk: the child
 * hands the objects over on stdout, the keystore lives in a temporary directory removed right after.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";

const projectDir = path.resolve(__dirname, "..", "..", "..");
const build = (module: string) => path.join(projectDir, ".build", module);

/** A Kubernetes object as applied: every secret value in the clear, unknowns as the render's `<computed>`. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [field: string]: unknown };
  [field: string]: any;
}

/**
 * Runs in the child: synthesizes the stack from the config on stdin with a fresh keystore, and prints the
 * Kubernetes objects of the default provider as JSON, secrets unwrapped.
 */
const CHILD = `
const { synthesize } = require(${JSON.stringify(build("cli/render/synthesize.js"))});
const { RenderKeystore } = require(${JSON.stringify(build("cli/render/keystore.js"))});
const { isKubernetesObject, kubernetesKind } = require(${JSON.stringify(build("cli/render/manifests.js"))});
const { isRpcSecret, unwrapRpcSecret, unknownValue } = require("@pulumi/pulumi/runtime/rpc");
const clear = (value) => {
  if (isRpcSecret(value)) return clear(unwrapRpcSecret(value));
  if (value === unknownValue) return "<computed>";
  if (Array.isArray(value)) return value.map(clear);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, clear(inner)]));
  return value;
};
(async () => {
  const { stack, config, keysFile } = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const records = await synthesize(stack, config, RenderKeystore.open(keysFile));
  const objects = records.filter((record) => isKubernetesObject(record) && record.provider === undefined).map((record) => {
    const { apiVersion, kind } = kubernetesKind(record.type);
    const inputs = clear(record.inputs);
    return { ...inputs, apiVersion, kind, metadata: { name: record.name, ...inputs.metadata } };
  });
  process.stdout.write(JSON.stringify(objects));
})().catch((error) => { console.error(error); process.exit(1); });
`;

/**
 * The Kubernetes objects of stack `stack` with `config` (keys `<namespace>:<key>` as in a stack file), on the
 * default provider, secrets in the clear. Keys are drawn afresh for each call.
 */
export async function synthesizedObjects(stack: string, config: Record<string, unknown>): Promise<KubernetesObject[]> {
  const keysDir = fs.mkdtempSync(path.join(os.tmpdir(), "nats-pod-keys-"));
  try {
    const child = promisify(execFile)(process.execPath, ["-e", CHILD], { cwd: projectDir, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
    child.child.stdin!.end(JSON.stringify({ stack, config, keysFile: path.join(keysDir, "keys.json") }));
    const { stdout } = await child;
    return JSON.parse(stdout) as KubernetesObject[];
  } finally {
    fs.rmSync(keysDir, { recursive: true, force: true });
  }
}

/** The one object of `kind` named `name` (in any namespace); throws naming what is there when there is none. */
export function objectNamed(objects: readonly KubernetesObject[], kind: string, name: string): KubernetesObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (found) return found;
  const names = objects.filter((object) => object.kind === kind).map((object) => object.metadata.name);
  throw new Error(`no ${kind} named ${name} among the stack's objects (${kind}s: ${names.join(", ") || "none"})`);
}
