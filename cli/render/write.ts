/** Writes a synthesized stack to a directory: manifests, server configs, plan and summary. */
import * as fs from "fs";
import * as path from "path";
import { stringify as toYaml } from "yaml";
import { Stack } from "../../components/model/stack";
import { topologyMermaid } from "./topology-diagram";
import { manifestFileName, manifestsByProvider, manifestsOf, planOf, serverConfigs } from "./manifests";
import { LandedObject, landedObjects, landedSection } from "./jetstream";
import { findLeak } from "./redact";
import { ResourceRecord } from "./synthesize";
import { decodedUserData } from "./user-data";
import { estimateCost } from "../../components/model/cost/estimate";
import { costMarkdown } from "../../components/model/cost/format";

/** A Kubernetes object written, and the file it is in. */
export interface WrittenManifest {
  /** Relative to the output directory. */
  file: string;
  kind: string;
  /** Unset for a cluster-scoped object. */
  namespace?: string;
  name: string;
}

/** A server's nats.conf written. */
export interface WrittenServerConfig {
  server: string;
  /** Relative to the output directory. */
  file: string;
}

/** What a render wrote. */
export interface RenderResult {
  /** Every file written, relative to the output directory, sorted. */
  files: string[];
  /** Every Kubernetes object, in apply order within each folder. */
  manifests: WrittenManifest[];
  /** Every server's config, by server name. */
  serverConfigs: WrittenServerConfig[];
  /** How many resources of each Pulumi type the program declared, by type. */
  resourceCounts: Map<string, number>;
  /** Every stream, consumer and bucket, with where it lands. */
  jetStream: LandedObject[];
}

function countByType(records: readonly ResourceRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) counts.set(record.type, (counts.get(record.type) ?? 0) + 1);
  return new Map([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function summaryOf(stack: Stack, counts: Map<string, number>, serverNames: string[], jetStream: readonly LandedObject[]): string {
  const rows = [...counts.entries()].map(([type, count]) => `| \`${type}\` | ${count} |`);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return [
    `# Stack ${stack.name}`,
    "",
    `${total} resources; ${serverNames.length} NATS servers (${serverNames.join(", ") || "none"}).`,
    "Key material (operator, account and user keys, passwords) was drawn at random once and is kept owner-only",
    "in the render's keystore on the machine that rendered (default `.render/<stack>/keys.json`); the configs",
    "trust only those keys. Secrets read `<redacted>` and values known only after deployment read `<computed>`.",
    "",
    "| resource type | count |",
    "|---|---|",
    ...rows,
    "",
    "## Topology",
    "",
    "```mermaid",
    topologyMermaid(stack).trimEnd(),
    "```",
    "",
    ...landedSection(jetStream),
    ...costMarkdown(estimateCost(stack)),
  ].join("\n");
}

export function writeRender(stack: Stack, records: readonly ResourceRecord[], outDir: string): RenderResult {
  fs.rmSync(outDir, { recursive: true, force: true });
  const files = new Map<string, string>();
  const written: WrittenManifest[] = [];
  const manifests = manifestsOf(records);
  const groups = manifestsByProvider(records);
  for (const [provider, group] of groups) {
    // One Kubernetes cluster keeps the flat layout; several get a folder each, to apply one by one.
    const dir = groups.size > 1 ? path.join("manifests", provider) : "manifests";
    group.forEach((manifest, index) => {
      const file = path.join(dir, manifestFileName(manifest, index));
      files.set(file, toYaml(manifest, { sortMapEntries: true, lineWidth: 0 }));
      const { namespace, name } = manifest.metadata;
      written.push({ file, kind: manifest.kind, ...(namespace === undefined ? {} : { namespace }), name });
    });
  }
  const configs = serverConfigs(manifests);
  const configFiles: WrittenServerConfig[] = [];
  for (const [server, text] of [...configs.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const file = path.join("servers", `${server}.conf`);
    files.set(file, text);
    configFiles.push({ server, file });
  }
  files.set("plan.json", JSON.stringify(planOf(records), null, 2) + "\n");
  for (const [file, text] of decodedUserData(records)) files.set(file, text);
  const counts = countByType(records.filter((record) => record.custom));
  const jetStream = landedObjects(stack, records);
  files.set("summary.md", summaryOf(stack, counts, [...configs.keys()].sort(), jetStream));

  for (const [file, text] of files) {
    const leak = findLeak(text);
    if (leak) throw new Error(`refusing to write ${file}: it holds secret-looking text (${leak})`);
  }
  for (const [file, text] of files) {
    fs.mkdirSync(path.join(outDir, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(outDir, file), text);
  }
  return { files: [...files.keys()].sort(), manifests: written, serverConfigs: configFiles, resourceCounts: counts, jetStream };
}
