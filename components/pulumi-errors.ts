/** How the components report a description that breaks the model's rules, in Pulumi's own terms. */
import * as pulumi from "@pulumi/pulumi";
import { problemMessage, ValidationError } from "./model/errors";

/** The model's ValidationError as Pulumi reports invalid inputs: one entry per field, the whole list in the message. */
export function toInputPropertiesError(error: ValidationError): pulumi.InputPropertiesError {
  return new pulumi.InputPropertiesError({
    message: error.message,
    errors: error.problems.map((problem) => ({ propertyPath: problem.path, reason: problemMessage(problem) })),
  });
}

/**
 * Runs a component's check of its args: what it returns, or the ValidationError it throws as one
 * InputPropertiesError. Every component checks through this before it registers, so an invalid
 * description creates nothing and every language sees each bad field by its path.
 */
export function checkInputs<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw error instanceof ValidationError ? toInputPropertiesError(error) : error;
  }
}

/** One field refused for a reason found outside the model's checks, such as two conf sections that clash. */
export function fieldError(path: string, reason: string): pulumi.InputPropertiesError {
  return new pulumi.InputPropertiesError({ message: `${path}: ${reason}`, errors: [{ propertyPath: path, reason }] });
}
