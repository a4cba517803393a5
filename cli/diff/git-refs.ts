/**
 * The base side of a diff: a ref resolved in the project's git repository and checked out in a temporary
 * worktree (detached, with the project's node_modules linked in), removed again whatever happens.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Input the diff cannot work from: an unknown ref, no repository, a worktree that cannot be made. */
export class DiffInputError extends Error {}

function git(projectDir: string, args: string[]): string {
  return execFileSync("git", args, { cwd: projectDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

function gitError(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr;
  return (stderr ?? (error as Error).message).trim().split("\n")[0];
}

/** The ref the diff compares against when none is given: origin/HEAD where the clone has one, else HEAD. */
export function defaultBaseRef(projectDir: string): string {
  try {
    git(projectDir, ["rev-parse", "--verify", "--quiet", "origin/HEAD^{commit}"]);
    return "origin/HEAD";
  } catch {
    return "HEAD";
  }
}

/** The commit `ref` names in the repository at `projectDir`; a DiffInputError when it names none. */
export function resolveCommit(projectDir: string, ref: string): string {
  try {
    git(projectDir, ["rev-parse", "--show-toplevel"]);
  } catch (error) {
    throw new DiffInputError(`${projectDir} is not a git repository the diff can read (${gitError(error)})`);
  }
  try {
    return git(projectDir, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  } catch {
    throw new DiffInputError(`--base: ${JSON.stringify(ref)} is not a commit of this repository; name a branch, tag or commit (e.g. origin/main, HEAD~1)`);
  }
}

/** The stacks the commit has: its stacks/Pulumi.<stack>.yaml files. */
export function stacksAt(projectDir: string, commit: string): string[] {
  const files = git(projectDir, ["ls-tree", "--name-only", `${commit}`, "stacks/"]).split("\n");
  return files
    .map((file) => /^stacks\/Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/**
 * Runs `work` in a temporary worktree of `commit`, the project's node_modules linked into it, and removes
 * the worktree afterwards, also when `work` fails or the process is interrupted.
 */
export async function withWorktree<T>(projectDir: string, commit: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nats-diff-base-")), "tree");
  try {
    git(projectDir, ["worktree", "add", "--detach", dir, commit]);
  } catch (error) {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    throw new DiffInputError(`cannot create a worktree of ${commit} in ${dir}: ${gitError(error)}`);
  }
  const remove = () => {
    try {
      git(projectDir, ["worktree", "remove", "--force", dir]);
    } catch {
      // Removed below by hand; prune then forgets it.
    }
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    try {
      git(projectDir, ["worktree", "prune"]);
    } catch {
      // Nothing left to prune in a repository that is gone.
    }
  };
  const interrupted = () => {
    remove();
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    const modules = path.join(projectDir, "node_modules");
    const linked = path.join(dir, "node_modules");
    if (fs.existsSync(modules) && !fs.existsSync(linked)) fs.symlinkSync(modules, linked, "dir");
    return await work(dir);
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    remove();
  }
}
