/**
 * The package as other languages see it. `pulumi package add <this directory>` starts the plugin from source:
 * Pulumi's Node.js host requires the directory (package.json's `main`), takes the component classes it exports
 * (getPulumiComponents) and asks Pulumi's component analyzer for the schema the SDKs are generated from. The
 * same code runs here, offline, and the schema is kept in a committed snapshot, so a change to an Args
 * interface shows up as a schema diff in review.
 */
import * as path from "path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const COMPONENTS = ["BackupBucket", "BackupSchedule", "ClusterMonitoring", "DagNats", "HubAndLeaf", "JetStreamCluster", "JetStreamResources", "Lightdash", "NatsCredentials", "SuperCluster", "WorkerPool"];

interface SchemaProperty {
  description?: string;
  $ref?: string;
  type?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
}

interface PackageSchema {
  name: string;
  resources: Record<string, { isComponent: boolean; description?: string; inputProperties?: Record<string, SchemaProperty>; properties?: Record<string, SchemaProperty> }>;
  types: Record<string, { description?: string; properties?: Record<string, SchemaProperty>; enum?: { name: string; value: string; description?: string }[] }>;
}

let entry: string;
let components: Function[];
let schema: PackageSchema;

beforeAll(async () => {
  // What the host's `require(<plugin directory>)` loads: Node resolves a directory through package.json's `main`.
  entry = require.resolve(root);
  components = getPulumiComponents(await import(entry));
  const provider = new ComponentProvider({ name: "nats-jetstream", dirname: root, components: components as never[] });
  schema = JSON.parse(await provider.getSchema()) as PackageSchema;
}, 60_000);

describe("the plugin entry", () => {
  it("is the curated component API, loaded from source", () => {
    expect(path.relative(root, entry)).toBe(path.join("components", "index.ts"));
  });

  it("exports exactly the component classes", () => {
    expect(components.map((component) => component.name).sort()).toEqual(COMPONENTS);
  });
});

describe("the schema the analyzer generates", () => {
  it("matches the committed snapshot", async () => {
    await expect(`${JSON.stringify(schema, null, 2)}\n`).toMatchFileSnapshot("./snapshots/nats-jetstream.schema.json");
  });

  it("has every component, each described", () => {
    expect(Object.keys(schema.resources).sort()).toEqual(COMPONENTS.map((name) => `nats-jetstream:index:${name}`));
    for (const [token, resource] of Object.entries(schema.resources)) {
      expect({ token, isComponent: resource.isComponent, described: (resource.description ?? "").length > 0 }).toEqual({ token, isComponent: true, described: true });
    }
  });

  it("describes every input and output of every component, and every field and enum value of every type", () => {
    const undescribed: string[] = [];
    const check = (where: string, properties: Record<string, SchemaProperty> | undefined) => {
      for (const [name, property] of Object.entries(properties ?? {})) if (!property.description) undescribed.push(`${where}.${name}`);
    };
    for (const [token, resource] of Object.entries(schema.resources)) {
      check(`${token} input`, resource.inputProperties);
      check(`${token} output`, resource.properties);
    }
    for (const [token, type] of Object.entries(schema.types)) {
      check(token, type.properties);
      for (const member of type.enum ?? []) if (!member.description) undescribed.push(`${token}.${member.name}`);
    }
    expect(undescribed).toEqual([]);
  });
});
