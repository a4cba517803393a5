/**
 * NATS subjects and subject patterns: the syntax nats-server accepts and whether one pattern stays inside
 * another, which is how a user's permissions are checked against what its account owns.
 */
import { Problems } from "./errors";

const TOKEN = /^[^\s.*>]+$/;

/** Whether `subject` is a subject or pattern nats-server accepts: dot-separated tokens, `*` for one token, `>` only last. */
export function isSubject(subject: unknown): subject is string {
  if (typeof subject !== "string" || subject.length === 0) return false;
  const tokens = subject.split(".");
  return tokens.every((token, index) => {
    if (token === "*") return true;
    if (token === ">") return index === tokens.length - 1;
    return TOKEN.test(token);
  });
}

export const SUBJECT_RULE = "use dot-separated tokens without whitespace, with '*' standing for one whole token and '>' only as the last token";

/**
 * Whether every subject that `inner` matches is also matched by `outer`. `orders.eu.*` is within `orders.>`;
 * `orders.>` is not within `orders.*`, since `orders.a.b` escapes it.
 */
export function subjectWithin(inner: string, outer: string): boolean {
  const innerTokens = inner.split(".");
  const outerTokens = outer.split(".");
  for (let index = 0; index < outerTokens.length; index++) {
    const outerToken = outerTokens[index];
    const innerToken = innerTokens[index];
    if (innerToken === undefined) return false;
    if (outerToken === ">") return true;
    if (innerToken === ">") return false;
    if (outerToken === "*") continue;
    if (innerToken !== outerToken) return false;
  }
  return innerTokens.length === outerTokens.length;
}

/** Whether `subject` stays inside at least one of `patterns`. */
export function subjectWithinAny(subject: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => subjectWithin(subject, pattern));
}

/** Checks a list of subjects, naming each bad one; returns the valid ones. */
export function checkSubjects(problems: Problems, path: string, subjects: unknown): string[] {
  if (subjects === undefined) return [];
  if (!Array.isArray(subjects)) {
    problems.add(path, subjects, "give a list of subjects");
    return [];
  }
  subjects.forEach((subject, index) => {
    if (!isSubject(subject)) problems.add(`${path}[${index}]`, subject, SUBJECT_RULE);
  });
  return subjects.filter(isSubject);
}
