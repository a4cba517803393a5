/**
 * Kubernetes resource quantities ("512Mi", "20Gi", "500m", "2").
 *
 * Parsed here rather than with @kubernetes/client-node: that package pulls an HTTP client, websockets and a
 * YAML parser into a pure model that needs only the suffix table below, and it does not reject the
 * malformed forms ("20 GB", "20gb") that this model must name in a validation message.
 */

const BINARY_SUFFIXES: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

const DECIMAL_SUFFIXES: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
};

const QUANTITY_PATTERN = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P|m)?$/;

/** A memory or storage quantity parseBytes reads: digits, an optional fraction, an optional suffix (no millis). */
export const BYTES_PATTERN = /^[0-9]+(?:\.[0-9]+)?(?:Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;
/** A CPU quantity parseMillicores reads: whole or fractional cores, or whole millicores. */
export const CPU_PATTERN = /^(?:[0-9]+(?:\.[0-9]+)?|[0-9]+m)$/;

/** Bytes in a memory or storage quantity, or undefined when the text is not a Kubernetes quantity. */
export function parseBytes(quantity: string): number | undefined {
  const match = QUANTITY_PATTERN.exec(quantity);
  if (!match || match[2] === "m") return undefined;
  const suffix = match[2] ?? "";
  const factor = BINARY_SUFFIXES[suffix] ?? DECIMAL_SUFFIXES[suffix];
  return Math.floor(Number(match[1]) * factor);
}

/** Millicores in a CPU quantity ("2", "500m", "1.5"), or undefined when malformed. */
export function parseMillicores(quantity: string): number | undefined {
  const match = QUANTITY_PATTERN.exec(quantity);
  if (!match) return undefined;
  if (match[2] === "m") return Number.isInteger(Number(match[1])) ? Number(match[1]) : undefined;
  if (match[2] !== undefined) return undefined;
  return Math.round(Number(match[1]) * 1000);
}

/** A byte count as the shortest exact binary quantity ("1Gi", "1536Mi", "123456"). */
export function formatBytes(bytes: number): string {
  for (const suffix of ["Pi", "Ti", "Gi", "Mi", "Ki"]) {
    const factor = BINARY_SUFFIXES[suffix];
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${suffix}`;
  }
  return String(bytes);
}

export const MEBIBYTE = 2 ** 20;
export const GIBIBYTE = 2 ** 30;
