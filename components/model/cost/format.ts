/** The cost estimate as Markdown (summary.md) and as plain lines (npm run cost). */
import { CostCategory, CostEstimate } from "./estimate";

const money = (value: number) => `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** Each category's share of the total, largest first: which driver dominates. */
export function costDrivers(estimate: CostEstimate): string {
  if (estimate.total === 0) return "nothing priced";
  return (Object.entries(estimate.byCategory) as [CostCategory, number][])
    .filter(([, value]) => value > 0)
    .sort(([, a], [, b]) => b - a)
    .map(([category, value]) => `${category} ${Math.round((value / estimate.total) * 100)}%`)
    .join(", ");
}

function priced(estimate: CostEstimate): string {
  return `AWS on-demand list prices in ${estimate.priceRegion} as of ${estimate.priceDate}, 730 hours a month; no discounts, taxes or support.`;
}

/** The section of a render's summary.md. */
export function costMarkdown(estimate: CostEstimate): string[] {
  return [
    "## Monthly cost estimate",
    "",
    `${priced(estimate)} Source: ${estimate.source}.`,
    "",
    "| | item | how | per month |",
    "|---|---|---|---:|",
    ...estimate.lines.map((line) => `| ${line.category} | ${line.item} | ${line.basis} | ${money(line.monthly)} |`),
    `| **total** | | | **${money(estimate.total)}** |`,
    "",
    `Drivers: ${costDrivers(estimate)}.`,
    "",
  ];
}

/** What `npm run cost` prints. */
export function costText(estimate: CostEstimate): string[] {
  const rows = estimate.lines.map((line) => [line.category, line.item, line.basis, money(line.monthly)]);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
  const amount = Math.max(...rows.map((row) => row[3].length), money(estimate.total).length);
  return [
    `stack ${estimate.stack}: about ${money(estimate.total)} a month`,
    priced(estimate),
    "",
    ...rows.map((row) => `${row[0].padEnd(widths[0])}  ${row[1].padEnd(widths[1])}  ${row[2].padEnd(widths[2])}  ${row[3].padStart(amount)}`),
    `${"total".padEnd(widths[0] + widths[1] + widths[2] + 6)}${money(estimate.total).padStart(amount)}`,
    "",
    `drivers: ${costDrivers(estimate)}`,
    `source: ${estimate.source}`,
  ];
}
