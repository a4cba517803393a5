/** File modes in tests: which paths of a tree others could read or enter. */
import * as fs from "fs";
import * as path from "path";

/** Every path under `root`, root included, relative to root's parent, directories with a trailing slash. */
export function pathsUnder(root: string): string[] {
  const below = fs.readdirSync(root, { recursive: true, withFileTypes: true }).map((entry) => path.join(entry.parentPath, entry.name));
  return [root, ...below].map((file) => {
    const relative = path.relative(path.dirname(root), file);
    return fs.lstatSync(file).isDirectory() ? `${relative}/` : relative;
  });
}

/** Every path under `root` (root included) whose mode gives group or others any access, with that mode in octal. */
export function openToOthers(root: string): string[] {
  return pathsUnder(root)
    .map((relative) => ({ relative, mode: fs.lstatSync(path.join(path.dirname(root), relative)).mode & 0o777 }))
    .filter(({ mode }) => (mode & 0o077) !== 0)
    .map(({ relative, mode }) => `${relative} ${mode.toString(8)}`);
}
