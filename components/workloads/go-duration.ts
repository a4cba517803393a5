/**
 * Durations as Go's time.ParseDuration reads them ("720h", "1m30s", "250ms"): NACK takes its durations in
 * this form and the JetStream API in nanoseconds.
 */

const UNITS: readonly [string, number][] = [
  ["h", 3_600_000_000_000],
  ["m", 60_000_000_000],
  ["s", 1_000_000_000],
  ["ms", 1_000_000],
  ["us", 1_000],
  ["ns", 1],
];

/** A whole number of nanoseconds as the shortest Go duration, e.g. 2_592_000_000_000_000 as "720h". */
export function goDuration(nanoseconds: number): string {
  if (!Number.isInteger(nanoseconds) || nanoseconds < 0) throw new Error(`${nanoseconds} is not a whole, non-negative number of nanoseconds`);
  if (nanoseconds === 0) return "0s";
  let rest = nanoseconds;
  let text = "";
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text;
}

