/**
 * What `npm run render` reports, as one record: printed as a few lines for a person, or with `--json` as one
 * JSON document, both from this record, so the two never disagree.
 */
import * as path from "path";
import { Problem } from "../../components/model/errors";
import { LandedObject, landedLines } from "./jetstream";
import { RenderResult, WrittenManifest, WrittenServerConfig } from "./write";

/** A stack rendered. Paths are absolute; the files' paths are relative to `outDir`. */
export interface RenderReport {
  outcome: "rendered";
  stack: string;
  outDir: string;
  /** The keystore file holding the render's key material, owner-only. */
  keystore: string;
  /** How many resources the program declared: in all, and by Pulumi type. */
  resources: { total: number; byType: Record<string, number> };
  /** Every file written, sorted. */
  files: string[];
  /** Every Kubernetes object, with its file. */
  manifests: WrittenManifest[];
  /** Every server's nats.conf. */
  serverConfigs: WrittenServerConfig[];
  /** Every stream, consumer and bucket, with the cluster it lands in. */
  jetStream: LandedObject[];
}

/** A stack the render refused (exit code 2); nothing was written. */
export interface RenderRefusal {
  outcome: "refused";
  stack: string;
  /** Every problem found, each with the field's path, the value given and what is allowed. */
  problems: Problem[];
}

/** A render that failed (exit code 1). */
export interface RenderFailure {
  outcome: "failed";
  stack: string;
  error: string;
}

/** What one stack's render ended with. */
export type StackRenderOutcome = RenderReport | RenderRefusal | RenderFailure;

/** `render --all`: every stack's outcome, in listing order. */
export interface AllStacksRenderReport {
  /** "rendered" when every stack was; else "failed" when any stack failed, "refused" when some were refused and none failed. */
  outcome: "rendered" | "refused" | "failed";
  /** Each stack's own document, as its single render prints it, in listing order. */
  stacks: StackRenderOutcome[];
}

/** The outcome of a run over several stacks: the worst of theirs, a failure before a refusal. */
export function overallOutcome(stacks: readonly StackRenderOutcome[]): AllStacksRenderReport["outcome"] {
  if (stacks.some((stack) => stack.outcome === "failed")) return "failed";
  return stacks.some((stack) => stack.outcome === "refused") ? "refused" : "rendered";
}

/** The record of a render that wrote `result` into `outDir`, keeping its keys in `keystore`. */
export function renderReport(stack: string, outDir: string, keystore: string, result: RenderResult): RenderReport {
  const byType = Object.fromEntries(result.resourceCounts);
  return {
    outcome: "rendered",
    stack,
    outDir,
    keystore,
    resources: { total: Object.values(byType).reduce((a, b) => a + b, 0), byType },
    files: result.files,
    manifests: result.manifests,
    serverConfigs: result.serverConfigs,
    jetStream: result.jetStream,
  };
}

/** The lines a person reads: what was written where, the keystore, the resource counts and where JetStream objects land. */
export function formatRenderReport(report: RenderReport, cwd = process.cwd()): string[] {
  return [
    `rendered stack ${report.stack}: ${report.resources.total} resources, ${report.files.length} files in ${path.relative(cwd, report.outDir) || "."}`,
    `key material kept in ${path.relative(cwd, report.keystore)} (owner-only): the rendered configs trust only its keys`,
    ...Object.entries(report.resources.byType).map(([type, count]) => `  ${String(count).padStart(3)}  ${type}`),
    ...landedLines(report.jetStream).map((line) => `  ${line}`),
  ];
}
