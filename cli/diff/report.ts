/** The whole diff: which refs were compared and each stack's diff; `--json` prints it as it is. */
import { StackDiff } from "./stack-diff";

/** What `npm run diff` compared, and what it found. */
export interface DiffReport {
  /** The base ref as given (or the default), and the commit it resolved to. */
  base: { ref: string; commit: string };
  /** Every stack diffed, sorted by name. */
  stacks: StackDiff[];
}
