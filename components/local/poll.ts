/** Bounded waiting on a condition that a running topology reaches by itself, with progress while it takes long. */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What one look at the condition found: reached (with a result), or what is still missing. */
export type PollOutcome<T> = { reached: T } | { missing: string };

export interface PollOptions {
  /** What is waited for, as it reads after "waiting for". */
  what: string;
  timeoutMs: number;
  /** Told what is still missing every `progressEveryMs` while the wait lasts. */
  onProgress?: (message: string) => void;
  progressEveryMs?: number;
  intervalMs?: number;
}

const DEFAULT_PROGRESS_EVERY_MS = 5_000;
const DEFAULT_INTERVAL_MS = 100;

/** Looks until the condition is reached; fails after `timeoutMs` with what was still missing at the last look. */
export async function pollUntil<T>(probe: () => Promise<PollOutcome<T>>, options: PollOptions): Promise<T> {
  const started = Date.now();
  const progressEveryMs = options.progressEveryMs ?? DEFAULT_PROGRESS_EVERY_MS;
  let nextProgress = started + progressEveryMs;
  for (;;) {
    const seen = await probe();
    if ("reached" in seen) return seen.reached;
    const elapsed = Date.now() - started;
    if (elapsed > options.timeoutMs) throw new Error(`gave up waiting for ${options.what} after ${options.timeoutMs / 1000}s: ${seen.missing}`);
    if (Date.now() >= nextProgress) {
      options.onProgress?.(`still waiting for ${options.what} (${(elapsed / 1000).toFixed(0)}s): ${seen.missing}`);
      nextProgress += progressEveryMs;
    }
    await sleep(options.intervalMs ?? DEFAULT_INTERVAL_MS);
  }
}
