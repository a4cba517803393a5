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
