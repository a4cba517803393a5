/**
 * `npm run render -- <stack> [--out DIR] [--keys FILE]`: the stack's program synthesized offline into manifests,
 * per-server nats.conf, a plan of cloud resources and a summary with a topology diagram. Key material is
 * drawn at random once and kept owner-only in the keystore file, so the configs trust keys only its owner has.
 *
 * Exit codes: 0 rendered, 1 the render failed, 2 the command line or the stack was refused (see RENDER_COMMAND).
 */
import * as path from "path";
import { ValidationError } from "../components/model/errors";
import { readStackConfig, stackFilePath } from "../components/model/stack";
import { readCommandLine } from "./command-line";
import { RENDER_COMMAND } from "./commands";
import { landedLines } from "./render/jetstream";

async function main(): Promise<void> {
  const projectDir = process.env.NATS_JETSTREAM_PROJECT_DIR ?? process.cwd();
  const commandLine = readCommandLine(RENDER_COMMAND, process.argv.slice(2), projectDir);
  if (typeof commandLine === "number") process.exit(commandLine);
  const stackName = commandLine.stack;
  const outDir = commandLine.options.out as string | undefined;
  const keysFile = commandLine.options.keys as string | undefined;
  // Loaded once the command line is known to run: the usage needs none of the Pulumi SDK they bring in.
  const [{ loadCheckedStack }, { defaultKeystoreFile, RenderKeystore }, { synthesize }, { writeRender }] = await Promise.all([
    import("../components/stack-check"),
    import("./render/keystore"),
    import("./render/synthesize"),
    import("./render/write"),
  ]);
  const stack = loadCheckedStack(projectDir, stackName);
  const keystore = RenderKeystore.open(path.resolve(keysFile ?? defaultKeystoreFile(projectDir, stackName)));
  const records = await synthesize(projectDir, stackName, readStackConfig(stackFilePath(projectDir, stackName)), keystore);
  // Saved before the files are written: no rendered config may trust a key the keystore does not hold.
  keystore.save();
  const target = path.resolve(outDir ?? path.join(projectDir, "out", stackName));
  const result = writeRender(stack, records, target);
  const total = [...result.resourceCounts.values()].reduce((a, b) => a + b, 0);
  console.log(`rendered stack ${stackName}: ${total} resources, ${result.files.length} files in ${path.relative(process.cwd(), target) || "."}`);
  console.log(`key material kept in ${path.relative(process.cwd(), keystore.file)} (owner-only): the rendered configs trust only its keys`);
  for (const [type, count] of result.resourceCounts) console.log(`  ${String(count).padStart(3)}  ${type}`);
  for (const line of landedLines(result.jetStream)) console.log(`  ${line}`);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`render failed: ${message}`);
  process.exit(error instanceof ValidationError || (error as { name?: string })?.name === "InputPropertiesError" ? 2 : 1);
});
