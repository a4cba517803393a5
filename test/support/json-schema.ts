/**
 * The one JSON Schema checker of the tests (ajv), and the one way their problems are written:
 * `<field path>: <problem>`, the path as `.spec.ports[0].port`, an unknown field named at its own path.
 */
import Ajv, { ErrorObject } from "ajv";

const ajv = new Ajv({ allErrors: true, strict: false });

/** A JSON pointer (`/spec/ports/0/port`) written as a field path (`.spec.ports[0].port`); `prefix` goes before it. */
export function fieldPath(pointer: string, prefix = ""): string {
  const segments = pointer.split("/").slice(1);
  return prefix + segments.map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`)).join("") || ".";
}

/** One problem of an ajv error list (or of a validator built on ajv, as kubernetes-models' are), as a line. */
export function problemLine(error: Pick<ErrorObject, "instancePath" | "message" | "params">, prefix = ""): string {
  const additional = (error.params as { additionalProperty?: string } | undefined)?.additionalProperty;
  if (additional !== undefined) return `${fieldPath(`${error.instancePath}/${additional}`, prefix)}: unknown field`;
  return `${fieldPath(error.instancePath, prefix)}: ${error.message ?? "invalid"}`;
}

/** A check of values against the schema: every problem as a line, its path after `prefix`; none when the value fits. */
export function jsonSchemaCheck(schema: object): (value: unknown, prefix?: string) => string[] {
  const validate = ajv.compile(schema);
  return (value, prefix = "") => (validate(value) ? [] : validate.errors!.map((error) => problemLine(error, prefix)));
}
