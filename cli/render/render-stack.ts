/** One stack's render, start to end: checked, synthesized, keys saved, files written, and its outcome. */
import { isRefusal, refusalProblems } from "../refusal";
import { RenderReport, StackRenderOutcome } from "./report";

/** Where one stack's render goes: its output directory and its keystore file, both absolute. */
export interface RenderTarget {
  /** The directory the render replaces with its files. */
  outDir: string;
  /** The stack's keystore file, read and saved owner-only. */
  keysFile: string;
}

async function render(projectDir: string, stackName: string, target: RenderTarget): Promise<RenderReport> {
  // Loaded once a render runs: the usage needs none of the Pulumi SDK they bring in.
  const [{ loadCheckedStack }, { readStackConfig, stackFilePath }, { RenderKeystore }, { synthesize }, { writeRender }, { renderReport }] = await Promise.all([
    import("../../components/stack-check"),
    import("../../components/model/stack"),
    import("./keystore"),
    import("./synthesize"),
    import("./write"),
    import("./report"),
  ]);
  const stack = loadCheckedStack(projectDir, stackName);
  const keystore = RenderKeystore.open(target.keysFile);
  const records = await synthesize(stackName, readStackConfig(stackFilePath(projectDir, stackName)), keystore);
  // Saved before the files are written: no rendered config may trust a key the keystore does not hold.
  keystore.save();
  return renderReport(stackName, target.outDir, keystore.file, writeRender(stack, records, target.outDir));
}

/**
 * The stack `stackName` of the project at `projectDir` rendered to `target`. A refusal or failure is said on
 * stderr (naming the stack when `nameStack`) and returned, not thrown.
 */
export async function renderStack(projectDir: string, stackName: string, target: RenderTarget, nameStack: boolean): Promise<StackRenderOutcome> {
  try {
    return await render(projectDir, stackName, target);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`render failed: ${nameStack ? `stack ${stackName}: ` : ""}${message}`);
    if (isRefusal(error)) return { outcome: "refused", stack: stackName, problems: refusalProblems(error) };
    return { outcome: "failed", stack: stackName, error: message };
  }
}
