/**
 * `npm run render -- <stack> [--out DIR] [--keys FILE] [--json]`: the stack's program synthesized offline into
 * manifests, per-server nats.conf, a plan of cloud resources and a summary with a topology diagram. Key
 * material is drawn at random once and kept owner-only in the keystore file, so the configs trust keys only its
 * owner has. With --json it prints one JSON document (a RenderReport, RenderRefusal or RenderFailure) instead
 * of the summary lines.
 *
 * Exit codes: 0 rendered, 1 the render failed, 2 the command line or the stack was refused (see RENDER_COMMAND).
 */
import * as path from "path";
import { readStackConfig, stackFilePath } from "../components/model/stack";
import { readCommandLine, USAGE_EXIT_CODE } from "./command-line";
import { RENDER_COMMAND } from "./commands";
import { isRefusal, refusalProblems } from "./refusal";
import { formatRenderReport, RenderFailure, RenderRefusal, RenderReport } from "./render/report";

async function render(projectDir: string, stackName: string, outDir: string | undefined, keysFile: string | undefined): Promise<RenderReport> {
  // Loaded once the command line is known to run: the usage needs none of the Pulumi SDK they bring in.
  const [{ loadCheckedStack }, { defaultKeystoreFile, RenderKeystore }, { synthesize }, { writeRender }, { renderReport }] = await Promise.all([
    import("../components/stack-check"),
    import("./render/keystore"),
    import("./render/synthesize"),
    import("./render/write"),
    import("./render/report"),
  ]);
  const stack = loadCheckedStack(projectDir, stackName);
  const keystore = RenderKeystore.open(path.resolve(keysFile ?? defaultKeystoreFile(projectDir, stackName)));
  const records = await synthesize(projectDir, stackName, readStackConfig(stackFilePath(projectDir, stackName)), keystore);
  // Saved before the files are written: no rendered config may trust a key the keystore does not hold.
  keystore.save();
  const target = path.resolve(outDir ?? path.join(projectDir, "out", stackName));
  return renderReport(stackName, target, keystore.file, writeRender(stack, records, target));
}

async function main(): Promise<number> {
  const projectDir = process.env.NATS_JETSTREAM_PROJECT_DIR ?? process.cwd();
  const commandLine = readCommandLine(RENDER_COMMAND, process.argv.slice(2), projectDir);
  if (typeof commandLine === "number") return commandLine;
  const { stack, options } = commandLine;
  const json = options.json === true;
  const print = (document: RenderReport | RenderRefusal | RenderFailure) => process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  try {
    const report = await render(projectDir, stack, options.out as string | undefined, options.keys as string | undefined);
    if (json) print(report);
    else for (const line of formatRenderReport(report)) console.log(line);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`render failed: ${message}`);
    if (isRefusal(error)) {
      if (json) print({ outcome: "refused", stack, problems: refusalProblems(error) });
      return USAGE_EXIT_CODE;
    }
    if (json) print({ outcome: "failed", stack, error: message });
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`render failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
