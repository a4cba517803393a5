/**
 * A stack as one side of a diff sees it: the files a render wrote, read back from its output directory, and
 * the users its stack file declares. Only the output directory is read, never the render's report, so a
 * base ref whose render CLI predates `--json` reads the same way as the working tree's.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml, parseAllDocuments } from "yaml";

/** A Kubernetes object as rendered (Secret values already `<redacted>`). */
export interface KubernetesObject {
  /** The API group and version, e.g. `apps/v1`. */
  apiVersion: string;
  /** The object's kind, e.g. `StatefulSet`. */
  kind: string;
  /** Its name, its namespace unless cluster-scoped, and whatever else the render wrote (labels, annotations). */
  metadata: { name: string; namespace?: string; [field: string]: unknown };
  /** The rest of the object: spec, data, and so on. */
  [field: string]: unknown;
}

/** An object and the Kubernetes cluster it goes to. */
export interface PlacedObject {
  /** The provider folder under manifests/ of a stack spanning several Kubernetes clusters; "" for a single one. */
  cluster: string;
  /** The object as rendered. */
  object: KubernetesObject;
}

/** A resource of the render's plan (cloud and random resources), with redacted inputs. */
export interface PlannedResource {
  /** Pulumi type token, e.g. `random:index/randomBytes:RandomBytes`. */
  type: string;
  /** Pulumi resource name. */
  name: string;
  /** Inputs, secrets redacted. */
  inputs: unknown;
}

/** One side of a stack's diff. */
export interface RenderedStack {
  /** Every Kubernetes object, in the order the render wrote them. */
  objects: PlacedObject[];
  /** Each server's nats.conf, by server name. */
  serverConfigs: Record<string, string>;
  /** The plan's resources. */
  plan: PlannedResource[];
  /** Each user the stack file declares, keyed `<account>/<user>`, as written there. */
  users: Record<string, unknown>;
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

function readObjects(outDir: string): PlacedObject[] {
  const manifestsDir = path.join(outDir, "manifests");
  return filesUnder(manifestsDir)
    .filter((file) => /\.ya?ml$/.test(file))
    .flatMap((file) => {
      const cluster = path.dirname(file) === "." ? "" : path.dirname(file);
      return parseAllDocuments(fs.readFileSync(path.join(manifestsDir, file), "utf8"))
        .map((document) => document.toJS() as KubernetesObject | null)
        .filter((object): object is KubernetesObject => object !== null && typeof object === "object")
        .map((object) => ({ cluster, object }));
    });
}

function readServerConfigs(outDir: string): Record<string, string> {
  const serversDir = path.join(outDir, "servers");
  return Object.fromEntries(
    filesUnder(serversDir)
      .filter((file) => file.endsWith(".conf"))
      .map((file) => [file.slice(0, -".conf".length), fs.readFileSync(path.join(serversDir, file), "utf8")]),
  );
}

/** The users of a stack file, keyed `<account>/<user>`; none when the file is missing or declares no accounts. */
export function stackFileUsers(stackFile: string): Record<string, unknown> {
  if (!fs.existsSync(stackFile)) return {};
  const document = parseYaml(fs.readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> } | null;
  const accounts = Object.entries(document?.config ?? {}).find(([key]) => key.replace(/^[^:]*:/, "") === "accounts")?.[1];
  if (!Array.isArray(accounts)) return {};
  const users: Record<string, unknown> = {};
  for (const account of accounts as { name?: unknown; users?: unknown }[]) {
    if (!Array.isArray(account?.users)) continue;
    for (const user of account.users as { name?: unknown }[]) users[`${String(account.name)}/${String(user?.name)}`] = user;
  }
  return users;
}

/** The stack a render wrote into `outDir`, with the users of its stack file `stackFile`. */
export function readRenderedStack(outDir: string, stackFile: string): RenderedStack {
  const planFile = path.join(outDir, "plan.json");
  return {
    objects: readObjects(outDir),
    serverConfigs: readServerConfigs(outDir),
    plan: fs.existsSync(planFile) ? (JSON.parse(fs.readFileSync(planFile, "utf8")) as PlannedResource[]) : [],
    users: stackFileUsers(stackFile),
  };
}
