/** One problem found in a deployment description: where it is, what was given, and what is allowed. */
export interface Problem {
  /** Dotted path of the offending field, e.g. `cluster.servers` or `accounts[1].users[0].name`. */
  path: string;
  /** The value that was given, as the user wrote it. */
  value: unknown;
  /** What is allowed instead, phrased so that the whole message reads as one sentence. */
  allowed: string;
  /** The key itself is not one the schema declares: the message says so rather than judging its value. */
  unknownKey?: boolean;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function problemMessage(problem: Problem): string {
  if (problem.unknownKey) return `${problem.path}: unknown key; ${problem.allowed}`;
  return `${problem.path}: ${describeValue(problem.value)} is not allowed; ${problem.allowed}`;
}

/**
 * Thrown before any resource or process is created when a description breaks one or more rules.
 * Carries every problem at once so a user fixes a stack config in one pass rather than one error per run.
 */
export class ValidationError extends Error {
  /** Every problem found, each naming the field path, the value and what is allowed. */
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    super(
      problems.length === 1
        ? problemMessage(problems[0])
        : `${problems.length} problems:\n` + problems.map((p) => `  - ${problemMessage(p)}`).join("\n"),
    );
    this.name = "ValidationError";
    this.problems = problems;
  }
}

/** Collects problems while a description is checked; `throwIfAny` ends the check. */
export class Problems {
  private readonly found: Problem[] = [];

  add(path: string, value: unknown, allowed: string): void {
    this.found.push({ path, value, allowed });
  }

  get count(): number {
    return this.found.length;
  }

  /** Every problem collected so far, in the order found. */
  get all(): readonly Problem[] {
    return this.found;
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw new ValidationError(this.found);
  }
}
