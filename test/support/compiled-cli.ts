/**
 * The project's CLIs as `npm run render` runs them: compiled to JavaScript in .build/ by scripts/build-cli.mjs,
 * which the suite's global setup runs once before any test file (so no two files build into .build/ at once).
 * A CLI started this way skips the TypeScript loader, which took as long as a render.
 */
import { execFileSync } from "child_process";
import * as path from "path";

const projectDir = path.resolve(__dirname, "..", "..");

/** The compiled entry point of a CLI under cli/ (render, local, diff, ...). */
export function compiledCli(name: string): string {
  return path.join(projectDir, ".build", "cli", `${name}.js`);
}

/** Vitest global setup: compiles the CLIs once (a no-op when no source changed since the last build). */
export default function buildCompiledClis(): void {
  execFileSync(process.execPath, [path.join(projectDir, "scripts", "build-cli.mjs")], { cwd: projectDir, stdio: "inherit" });
}
