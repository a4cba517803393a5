/**
 * `npm run render -- <stack> [--out DIR]`: the stack's program synthesized offline into manifests,
 * per-server nats.conf, a plan of cloud resources and a summary with a topology diagram.
 */
import * as path from "path";
import { ValidationError } from "../components/model/errors";
import { readStackConfig, stackFilePath } from "../components/model/stack";
import { loadStackWithPresets } from "../components/presets";
import { synthesize } from "./render/synthesize";
import { writeRender } from "./render/write";

function parseArgs(argv: string[]): { stack: string; outDir?: string } {
  const positional: string[] = [];
  let outDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") outDir = argv[++i];
    else if (argv[i].startsWith("--out=")) outDir = argv[i].slice("--out=".length);
    else positional.push(argv[i]);
  }
  if (positional.length !== 1 || outDir === "") {
    throw new ValidationError([{ path: "arguments", value: argv.join(" "), allowed: "use: npm run render -- <stack> [--out DIR]" }]);
  }
  return { stack: positional[0], outDir };
}

async function main(): Promise<void> {
  const projectDir = process.env.NATS_JETSTREAM_PROJECT_DIR ?? process.cwd();
  const { stack: stackName, outDir } = parseArgs(process.argv.slice(2));
  const stack = loadStackWithPresets(projectDir, stackName);
  const records = await synthesize(projectDir, stackName, readStackConfig(stackFilePath(projectDir, stackName)));
  const target = path.resolve(outDir ?? path.join(projectDir, "out", stackName));
  const result = writeRender(stack, records, target);
  const total = [...result.resourceCounts.values()].reduce((a, b) => a + b, 0);
  console.log(`rendered stack ${stackName}: ${total} resources, ${result.files.length} files in ${path.relative(process.cwd(), target) || "."}`);
  for (const [type, count] of result.resourceCounts) console.log(`  ${String(count).padStart(3)}  ${type}`);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`render failed: ${message}`);
  process.exit(error instanceof ValidationError || (error as { name?: string })?.name === "InputPropertiesError" ? 2 : 1);
});
