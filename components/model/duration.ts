/** Go-style durations as nats-server reads them ("30s", "2m", "1m30s", "250ms"). */

/** A Go-style duration nats-server reads: one or more amounts, each with its unit. */
export const DURATION_PATTERN = /^(?:\d+(?:ms|s|m|h))+$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

export function parseDurationSeconds(text: unknown): number | undefined {
  if (typeof text !== "string" || !DURATION_PATTERN.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h)/g)) total += Number(amount) * UNIT_SECONDS[unit];
  return total;
}

export const DURATION_RULE = "use a duration such as \"500ms\", \"30s\", \"2m\" or \"1m30s\"";
