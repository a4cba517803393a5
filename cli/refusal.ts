/**
 * A stack the tools refuse (exit code 2), as data for `--json`: every problem with the field's path, the value
 * given and what is allowed, whether the model's checks or a component's found it.
 */
import { Problem, ValidationError } from "../components/model/errors";

/** An error a component throws for its args, as the Pulumi SDK's InputPropertiesError carries them. */
export interface InputPropertiesErrorLike {
  name: "InputPropertiesError";
  /** Each refused field by its path, with the sentence saying why. */
  errors?: { propertyPath: string; reason: string }[];
}

function isInputPropertiesError(error: unknown): error is InputPropertiesErrorLike {
  return (error as { name?: unknown } | null)?.name === "InputPropertiesError";
}

/** Whether the error refuses the stack (exit code 2) rather than failing the run. */
export function isRefusal(error: unknown): error is ValidationError | InputPropertiesErrorLike {
  return error instanceof ValidationError || isInputPropertiesError(error);
}

/**
 * The problems of a refusal. A component's error names a path and a sentence only, so its problems carry the
 * sentence as what is allowed and no value.
 */
export function refusalProblems(error: ValidationError | InputPropertiesErrorLike): Problem[] {
  if (error instanceof ValidationError) return [...error.problems];
  return (error.errors ?? []).map((problem) => ({ path: problem.propertyPath, value: undefined, allowed: problem.reason }));
}
