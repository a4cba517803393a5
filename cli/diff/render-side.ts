/**
 * Renders stacks with the render CLI of one tree (the working tree, or the base's worktree), each stack
 * into its own output directory with its own keystore. The head side renders first and the base side
 * starts from a copy of its keystores, so both sides trust the same keys and only real changes show.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { readRenderedStack, RenderedStack } from "./rendered-stack";

const run = promisify(execFile);

/** Which side of the diff a tree is. */
export type Side = "base" | "head";

/** A side that failed to render a stack. */
export class SideRenderError extends Error {
  constructor(
    /** The side that failed. */
    readonly side: Side,
    /** The stack it failed on. */
    readonly stackName: string,
    detail: string,
  ) {
    super(`the ${side} side failed to render stack ${stackName}: ${detail}`);
  }
}

/** Each tree's render CLI, compiled once per diff. */
const compiledRenderCli = new Map<string, Promise<string[]>>();

/**
 * How to start a tree's render CLI: compiled to JavaScript by the tree's own build script, as `npm run render`
 * runs it (loading the TypeScript through tsx cost as much as a render); through tsx for a base from before
 * that script.
 */
function renderCommand(treeDir: string): Promise<string[]> {
  let command = compiledRenderCli.get(treeDir);
  if (command === undefined) {
    const buildScript = path.join(treeDir, "scripts", "build-cli.mjs");
    command = fs.existsSync(buildScript)
      ? run(process.execPath, [buildScript], { cwd: treeDir }).then(() => [process.execPath, path.join(treeDir, ".build", "cli", "render.js")])
      : Promise.resolve([path.join(treeDir, "node_modules", ".bin", "tsx"), path.join(treeDir, "cli", "render.ts")]);
    compiledRenderCli.set(treeDir, command);
  }
  return command;
}

async function renderCli(treeDir: string, args: string[]) {
  const [program, ...programArgs] = await renderCommand(treeDir);
  return run(program, [...programArgs, ...args], {
    cwd: treeDir,
    env: { ...process.env, NATS_JETSTREAM_PROJECT_DIR: treeDir },
    timeout: 600_000,
    maxBuffer: 64 * 2 ** 20,
  });
}

/** Where a side keeps a stack's render and its keys under a scratch directory. */
function layout(scratch: string, side: Side, stack: string): { outDir: string; keysFile: string } {
  return { outDir: path.join(scratch, side, stack), keysFile: path.join(scratch, `${side}-keys`, stack, "keys.json") };
}

/** One stack rendered by the tree at `treeDir` into `outDir`, its keys kept in `keysFile`. */
async function renderStack(side: Side, treeDir: string, stack: string, outDir: string, keysFile: string): Promise<RenderedStack> {
  try {
    await renderCli(treeDir, [stack, "--out", outDir, "--keys", keysFile]);
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? "").trim();
    throw new SideRenderError(side, stack, stderr.split("\n").filter(Boolean).slice(-3).join(" ") || (error as Error).message);
  }
  return readRenderedStack(outDir, path.join(treeDir, "stacks", `Pulumi.${stack}.yaml`));
}

/** Runs `task` over `items`, at most `limit` at a time, keeping the items' order in the results. */
async function inPool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Renders `stacks` (all of them the tree has) on one side: in one process with `--all` when every stack of the
 * tree is wanted, else one process per stack, as many at a time as the machine has cores. The per-stack
 * renders also follow an `--all` run that failed: they name the stack that failed, and they serve a base
 * whose render CLI predates `--all` (it refuses the option), at no cost to a tree that has it.
 */
async function renderSide(side: Side, treeDir: string, stacks: readonly string[], everyStack: boolean, scratch: string): Promise<RenderedStack[]> {
  const read = (stack: string) => readRenderedStack(layout(scratch, side, stack).outDir, path.join(treeDir, "stacks", `Pulumi.${stack}.yaml`));
  if (everyStack && stacks.length > 1) {
    try {
      await renderCli(treeDir, ["--all", "--out", path.join(scratch, side), "--keys", path.join(scratch, `${side}-keys`)]);
      return stacks.map(read);
    } catch {
      // One process per stack below names the stack that fails.
    }
  }
  return inPool(stacks, os.availableParallelism(), (stack) => {
    const { outDir, keysFile } = layout(scratch, side, stack);
    return renderStack(side, treeDir, stack, outDir, keysFile);
  });
}

/** Both sides of one stack; a side is undefined when its tree does not have the stack. */
export interface SidePair {
  /** The stack rendered at the base ref. */
  base?: RenderedStack;
  /** The stack rendered in the working tree. */
  head?: RenderedStack;
}

/** A stack to diff, and which sides have it. */
export interface StackToDiff {
  /** The stack's name. */
  name: string;
  /** Whether the base ref has its stack file. */
  inBase: boolean;
  /** Whether the working tree has its stack file. */
  inHead: boolean;
}

/**
 * Renders each stack on both sides in a scratch directory (removed afterwards): head first, then base from a
 * copy of head's keystores, so both sides trust the same keys. `everyStack` says the stacks are all each
 * side has, so a side may render them in one process.
 */
export async function renderBothSides(stacks: readonly StackToDiff[], everyStack: boolean, baseDir: string, headDir: string): Promise<SidePair[]> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nats-diff-"));
  try {
    const headNames = stacks.filter((stack) => stack.inHead).map((stack) => stack.name);
    const baseNames = stacks.filter((stack) => stack.inBase).map((stack) => stack.name);
    const heads = new Map((await renderSide("head", headDir, headNames, everyStack, scratch)).map((rendered, index) => [headNames[index], rendered]));
    for (const stack of baseNames) {
      const [from, to] = [layout(scratch, "head", stack).keysFile, layout(scratch, "base", stack).keysFile];
      fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
      if (fs.existsSync(from)) fs.copyFileSync(from, to);
    }
    const bases = new Map((await renderSide("base", baseDir, baseNames, everyStack, scratch)).map((rendered, index) => [baseNames[index], rendered]));
    return stacks.map((stack) => ({ base: bases.get(stack.name), head: heads.get(stack.name) }));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
