/** The stack's `cost` block: what the estimate needs that the topology does not say. */
import { Problems } from "../errors";
import { parseBytes } from "../quantity";

/** The stack key `cost`. */
export interface CostSpec {
  /** Bytes per second clients write into JetStream, averaged over a month, as a quantity such as "1Mi". Default none: no transfer is estimated. */
  writeRate?: string;
}

/** The cost block resolved. */
export interface CostInputs {
  /** Bytes written into JetStream per second; 0 when the stack declares no rate. */
  writeBytesPerSecond: number;
}

export function resolveCostSpec(spec: CostSpec | undefined, path: string, problems: Problems): CostInputs {
  const rate = spec?.writeRate;
  if (rate === undefined) return { writeBytesPerSecond: 0 };
  const bytes = parseBytes(rate);
  if (bytes === undefined) {
    problems.add(`${path}.writeRate`, rate, 'use bytes per second as a Kubernetes quantity, such as "1Mi" (a MiB per second averaged over the month)');
    return { writeBytesPerSecond: 0 };
  }
  return { writeBytesPerSecond: bytes };
}
