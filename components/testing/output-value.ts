/** Reading an Output's value in a test. */
import * as pulumi from "@pulumi/pulumi";

/**
 * The value of an Output once it resolves, or undefined if it resolves unknown (as in a preview, where an
 * apply on an unknown never runs) or there is no Output. It waits as long as the value takes, so a slow run
 * never passes for an unknown one.
 */
// Component outputs are optional or unions by topology, so this takes any Output (or none, which has no value).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function valueOf(output: pulumi.Output<any> | undefined): Promise<any> {
  if (output === undefined) return undefined;
  // Every Output the SDK makes carries whether it is known, though its declared type leaves that out.
  const { isKnown } = output as unknown as { isKnown: Promise<boolean> };
  if (!(await isKnown)) return undefined;
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}
