/**
 * The README's "Layout" section matches the tree: every folder it names exists, and every folder under
 * components/ and cli/ is named there. The import rules the layout rests on hold too: the model imports no
 * back end, and the Kubernetes cluster folder nothing from the folders built on it.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");

/** The folders named in the first column of the Layout section's table. */
function layoutFolders(): string[] {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const section = /^## Layout\n([\s\S]*?)(?=^## )/m.exec(readme);
  if (!section) throw new Error("README.md has no ## Layout section");
  return [...section[1].matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]);
}

/** Every folder below `dir` (itself included), relative to the project. */
function foldersUnder(dir: string): string[] {
  const entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true }).filter((entry) => entry.isDirectory());
  return [dir, ...entries.flatMap((entry) => foldersUnder(path.posix.join(dir, entry.name)))];
}

/** The project files each relative import of the folder's TypeScript files reaches, by importing file. */
function relativeImports(dir: string): { file: string; target: string }[] {
  return fs
    .readdirSync(path.join(root, dir))
    .filter((name) => name.endsWith(".ts"))
    .flatMap((name) => {
      const file = path.posix.join(dir, name);
      const text = fs.readFileSync(path.join(root, file), "utf8");
      return [...text.matchAll(/\bfrom "(\.{1,2}\/[^"]*)"/g)].map((match) => ({ file, target: path.posix.normalize(path.posix.join(dir, match[1])) }));
    });
}

describe("the README's layout section", () => {
  const named = layoutFolders();

  it("names only folders that exist", () => {
    expect(named.filter((folder) => !fs.existsSync(path.join(root, folder)) || !fs.statSync(path.join(root, folder)).isDirectory())).toEqual([]);
  });

  it("names every folder under components/ and cli/", () => {
    const folders = [...foldersUnder("components"), ...foldersUnder("cli")].filter((folder) => folder !== "components");
    expect(folders.filter((folder) => !named.includes(folder))).toEqual([]);
  });
});

describe("the import rules of the layout", () => {
  it("keeps the model free of every back end: it imports only its own files", () => {
    expect(relativeImports("components/model").filter(({ target }) => !target.startsWith("components/model/"))).toEqual([]);
  });

  it("keeps the Kubernetes cluster folder free of the folders built on it", () => {
    const above = ["topology", "access", "jetstream", "apps"].map((folder) => `components/kubernetes/${folder}/`);
    expect(relativeImports("components/kubernetes/cluster").filter(({ target }) => above.some((folder) => target.startsWith(folder)))).toEqual([]);
  });
});
