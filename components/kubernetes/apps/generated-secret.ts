/** Secret values a workload needs: the caller's, or generated once and kept in Pulumi state. */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/**
 * The given value, or a RandomPassword's result; a Pulumi secret either way, so it is encrypted in state
 * and masked in outputs even when given as plain text. Letters and digits only: the values end up in
 * environment variables and connection strings, where symbols need quoting.
 */
export function givenOrGeneratedSecret(name: string, given: pulumi.Input<string> | undefined, length: number, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
  if (given !== undefined) return pulumi.secret(given);
  return pulumi.secret(new random.RandomPassword(name, { length, special: false }, opts).result);
}
