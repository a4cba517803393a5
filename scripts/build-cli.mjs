// Compiles the CLIs and the Pulumi program the render runs to JavaScript in .build/ (ignored by git), one file
// per source file so modules keep their identity, for `npm run render`, `local`, `diff`, `backup`, `restore`
// and `cost`: loading TypeScript through tsx cost more than a render, and about 1.5 s of CPU per start. Types
// are not checked here; `npm test` does that. Skipped when no source changed since the last build (names and
// modification times are kept in .build/sources.json).
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "fs";
import { join, relative } from "path";
import { fileURLToPath } from "url";

const projectDir = join(fileURLToPath(import.meta.url), "..", "..");
const outDir = join(projectDir, ".build");
const manifestFile = join(outDir, "sources.json");

/** The TypeScript files under `dir`, relative to the project. */
function sourcesIn(dir) {
  return readdirSync(join(projectDir, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
    .map((entry) => relative(projectDir, join(entry.parentPath, entry.name)));
}

const sources = ["index.ts", ...sourcesIn("components"), ...sourcesIn("cli")].sort();
const manifest = JSON.stringify(sources.map((file) => [file, statSync(join(projectDir, file)).mtimeMs]));
if (!existsSync(manifestFile) || readFileSync(manifestFile, "utf8") !== manifest) {
  // A removed source must not leave its old output behind.
  rmSync(outDir, { recursive: true, force: true });
  const { build } = await import("esbuild");
  await build({
    absWorkingDir: projectDir,
    entryPoints: sources,
    outdir: outDir,
    outbase: ".",
    format: "cjs",
    platform: "node",
    target: "node20",
    // import() stays require(): the render defers SDK modules through the CommonJS loader.
    supported: { "dynamic-import": false },
    logLevel: "warning",
  });
  writeFileSync(manifestFile, manifest);
}
