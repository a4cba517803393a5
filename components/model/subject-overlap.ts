/**
 * Whether two subject patterns can match the same subject. nats-server refuses a second stream whose
 * subjects overlap an existing stream's in the same account, and refuses two consumers of a work-queue
 * stream whose filters overlap; the model checks both before anything is deployed.
 */

/**
 * True when some subject is matched by both patterns. `*` matches exactly one token and `>` one or more
 * tokens at the end, so `a.*` and `a.>` overlap (on `a.b`), while `a.>` and `a` do not.
 */
export function subjectsOverlap(left: string, right: string): boolean {
  const leftTokens = left.split(".");
  const rightTokens = right.split(".");
  const length = Math.max(leftTokens.length, rightTokens.length);
  for (let index = 0; index < length; index++) {
    const leftToken = leftTokens[index];
    const rightToken = rightTokens[index];
    // One pattern has ended: `>` on the other side still needs a token here, so nothing is shared.
    if (leftToken === undefined || rightToken === undefined) return false;
    if (leftToken === ">" || rightToken === ">") return true;
    if (leftToken === "*" || rightToken === "*" || leftToken === rightToken) continue;
    return false;
  }
  return true;
}

/** The first pair (one pattern from each list) that overlaps, or undefined when the lists are disjoint. */
export function firstOverlap(left: readonly string[], right: readonly string[]): [string, string] | undefined {
  for (const a of left) {
    for (const b of right) {
      if (subjectsOverlap(a, b)) return [a, b];
    }
  }
  return undefined;
}
