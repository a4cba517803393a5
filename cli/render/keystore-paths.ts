/**
 * Where renders keep their keystores: one file per stack, `.render/<stack>/keys.json` unless told otherwise
 * (`.render/` is ignored by git). Apart from keystore.ts so the command line can name them without loading
 * the Pulumi SDK.
 */
import * as path from "path";

/** The directory of every stack's keystore unless told otherwise. */
export function defaultKeystoreDir(projectDir: string): string {
  return path.join(projectDir, ".render");
}

/** A stack's keystore in a directory of keystores, one per stack (what `render --all --keys DIR` reads). */
export function keystoreFileIn(dir: string, stack: string): string {
  return path.join(dir, stack, "keys.json");
}

/** Where a stack's render keeps its key material unless told otherwise. */
export function defaultKeystoreFile(projectDir: string, stack: string): string {
  return keystoreFileIn(defaultKeystoreDir(projectDir), stack);
}
