/**
 * The diff as one Markdown document for a PR comment: a collapsible section per stack with its risks first,
 * then its objects, field changes and nats.conf line diffs. The document stays under a hard cap below
 * GitHub's comment limit (65 536 characters): when too long, the largest stacks lose their line diffs, then
 * their field changes, then their object lists, and last the trailing stacks are left out; a note says what
 * was cut.
 */
import { DiffReport } from "./report";
import { FieldChange } from "./field-diff";
import { refLabel } from "./object-ref";
import { RiskKind } from "./risks";
import { StackDiff } from "./stack-diff";

/** The longest document the formatter writes. */
export const MARKDOWN_CAP = 60_000;

/** How much of a stack a section shows: everything, or progressively less. */
type Detail = "full" | "fields" | "objects" | "risks";
const LESS: Record<Detail, Detail | undefined> = { full: "fields", fields: "objects", objects: "risks", risks: undefined };
const CUT: Record<Detail, string> = { full: "", fields: "line diffs", objects: "field changes and line diffs", risks: "object list, field changes and line diffs" };

const RISK_TITLES: Record<RiskKind, string> = {
  "pvc-removed": "Volume claim removed",
  "statefulset-deleted": "StatefulSet deleted",
  "statefulset-replaced": "StatefulSet replaced",
  "storage-class-changed": "Storage class changed",
  "volume-resized": "Volume resized",
  "server-count-changed": "Server count changed",
  "pods-restart": "Pods restart",
  "config-needs-restart": "Config needs a restart",
  "config-reloaded": "Config reloaded live",
  "credentials-changed": "Credentials change",
  "stream-changed": "Stream changed",
  "network-opened": "Network opened",
};

/** A value in a field line: scalars as they are, structures as compact JSON, long ones shortened. */
function inline(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `\`${text.length > 160 ? `${text.slice(0, 157)}…` : text}\``.replace(/\n/g, "⏎");
}

function fieldLine(field: FieldChange): string {
  if (field.secret) return `- \`${field.path}\`: changed (secret value not shown)`;
  if (field.lineDiff !== undefined) {
    const lines = field.lineDiff.split("\n");
    const counts = `+${lines.filter((line) => line.startsWith("+")).length} −${lines.filter((line) => line.startsWith("-")).length} lines`;
    return `- \`${field.path}\`: text changed, ${counts}`;
  }
  if (field.before === undefined) return `- \`${field.path}\`: added ${inline(field.after)}`;
  if (field.after === undefined) return `- \`${field.path}\`: removed (was ${inline(field.before)})`;
  return `- \`${field.path}\`: ${inline(field.before)} → ${inline(field.after)}`;
}

function fenced(language: string, text: string): string[] {
  const fence = text.includes("```") ? "````" : "```";
  return [`${fence}${language}`, text, fence];
}

function summaryOf(diff: StackDiff): string {
  if (diff.status === "unchanged") return `<b>${diff.stack}</b>: no changes`;
  const count = (change: string) => diff.objects.filter((object) => object.change === change).length;
  const where = diff.onlyIn === "head" ? " (new stack)" : diff.onlyIn === "base" ? " (stack removed)" : "";
  return `<b>${diff.stack}</b>${where}: ${diff.risks.length} risk(s); ${count("added")} added, ${count("removed")} removed, ${count("changed")} changed`;
}

function stackSection(diff: StackDiff, detail: Detail): string {
  const lines = ["<details>", `<summary>${summaryOf(diff)}</summary>`, ""];
  if (diff.status === "unchanged") return [...lines, "No changes.", "", "</details>"].join("\n");
  lines.push("**Risks**, most harmful first:", "");
  if (diff.risks.length === 0) lines.push("- none");
  for (const risk of diff.risks) lines.push(`- **${RISK_TITLES[risk.kind]}**: ${risk.subject}: ${risk.detail}`);
  lines.push("");
  if (detail !== "risks" && diff.objects.length > 0) {
    lines.push("| change | object |", "|---|---|", ...diff.objects.map((object) => `| ${object.change} | \`${refLabel(object.ref)}\` |`), "");
  }
  if (detail === "full" || detail === "fields") {
    for (const object of diff.objects.filter((change) => change.fields.length > 0)) {
      lines.push(`\`${refLabel(object.ref)}\`:`, "", ...object.fields.map(fieldLine), "");
      // A nats.conf's line diff is shown once, under its servers, below.
      if (detail === "full") {
        for (const field of object.fields.filter((change) => change.lineDiff !== undefined && !change.path.includes("nats.conf"))) {
          lines.push(...fenced("diff", field.lineDiff!), "");
        }
      }
    }
  }
  if (detail === "full") {
    for (const config of diff.configs) lines.push(`nats.conf of ${config.servers.join(", ")}:`, "", ...fenced("diff", config.lineDiff), "");
  }
  if (detail !== "full") lines.push(`_Cut to fit a PR comment: the ${CUT[detail]}. Run \`npm run diff -- ${diff.stack}\` for all of it._`, "");
  lines.push("</details>");
  return lines.join("\n");
}

function header(report: DiffReport): string {
  const changed = report.stacks.filter((diff) => diff.status === "changed").length;
  const risky = report.stacks.filter((diff) => diff.risks.length > 0).map((diff) => diff.stack);
  return [
    "## Rendered diff",
    "",
    `Base \`${report.base.ref}\` (${report.base.commit.slice(0, 12)}) → working tree: ${report.stacks.length} stack(s), ${changed} changed${risky.length ? `; risks in ${risky.join(", ")}` : ""}.`,
    "",
  ].join("\n");
}

/** The report as Markdown, at most `cap` characters. */
export function formatMarkdown(report: DiffReport, cap = MARKDOWN_CAP): string {
  const details: Detail[] = report.stacks.map(() => "full");
  let shown = report.stacks.length;
  const render = () => {
    const left = report.stacks.slice(shown).map((diff) => diff.stack);
    const note = left.length ? [`_Left out to fit a PR comment: ${left.join(", ")}. Run \`npm run diff -- <stack>\` for each._`] : [];
    return [header(report), ...report.stacks.slice(0, shown).map((diff, index) => stackSection(diff, details[index])), ...note].join("\n") + "\n";
  };
  let text = render();
  while (text.length > cap) {
    const sizes = report.stacks.slice(0, shown).map((diff, index) => (LESS[details[index]] === undefined ? -1 : stackSection(diff, details[index]).length));
    const largest = sizes.indexOf(Math.max(...sizes));
    if (largest >= 0 && sizes[largest] >= 0) details[largest] = LESS[details[largest]]!;
    else if (shown > 0) shown--;
    else break;
    text = render();
  }
  return text.length <= cap ? text : text.slice(0, cap);
}
