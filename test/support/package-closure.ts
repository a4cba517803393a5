/**
 * What a packed npm package has to hold: the modules its package.json entry points reach, as Node.js loads
 * them and as TypeScript reads their types, and what the Pulumi plugin host reads when the package serves as
 * a plugin (PulumiPlugin.yaml). Computed from the files on disk after the package's build.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { parse as parseYaml } from "yaml";

/** The fields of package.json that name what a consumer or the plugin host loads. */
export interface PackageEntries {
  /** Node.js's entry when the package directory itself is required, as the Pulumi plugin host does. */
  main?: string;
  /** TypeScript's entry for resolvers that read no `exports`. */
  types?: string;
  /** Entry points by subpath, each a path or conditions (`types`, `default`, `require`, `import`). */
  exports?: Record<string, string | Record<string, string>>;
  /** Type entries by subpath for TypeScript's `node` module resolution, which reads no `exports`. */
  typesVersions?: Record<string, Record<string, string[]>>;
}

/** How a module names the modules it loads, and how each specifier maps to a file. */
type ModuleKind = "js" | "dts" | "ts";

/** Files npm puts in every tarball whatever `files` says. */
const ALWAYS_PACKED = ["package.json", "README.md", "LICENSE"];

/** File names tried for a relative specifier, in the order each loader tries them. */
function candidates(specifier: string, kind: ModuleKind): string[] {
  const bare = specifier.replace(/\.(js|ts)$/, "");
  if (kind === "js") return [specifier, `${bare}.js`, `${bare}.json`, `${bare}/index.js`];
  if (kind === "dts") return [`${bare}.d.ts`, `${bare}/index.d.ts`];
  return [`${bare}.ts`, `${specifier}`, `${bare}/index.ts`];
}

function isFile(file: string): boolean {
  return fs.existsSync(file) && fs.statSync(file).isFile();
}

/**
 * Every file reached from `entry` (package-relative) by following relative imports and requires, as TypeScript's
 * own pre-processor lists them. A specifier that names no file is an error naming the importer.
 */
function reach(root: string, entry: string, kind: ModuleKind, into: Set<string>): void {
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (into.has(file)) continue;
    if (!isFile(path.join(root, file))) throw new Error(`${file} is an entry point or imported, but no such file was built`);
    into.add(file);
    if (file.endsWith(".json")) continue;
    const imported = ts.preProcessFile(fs.readFileSync(path.join(root, file), "utf8"), true, true).importedFiles;
    for (const { fileName: specifier } of imported) {
      if (!specifier.startsWith(".")) continue;
      const base = path.posix.join(path.posix.dirname(file), specifier);
      const found = candidates(base, kind).find((candidate) => isFile(path.join(root, candidate)));
      if (found === undefined) throw new Error(`${file} imports ${specifier}, which names no ${kind} file`);
      pending.push(found);
    }
  }
}

/**
 * Whether a built module does nothing at run time: the JavaScript tsc emits for a module of declarations
 * only (interfaces, types), which holds the strict-mode directive and the ES-module marker and nothing else.
 */
function declaresNothing(file: string): boolean {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  return source.statements.every(
    (statement) =>
      ts.isExpressionStatement(statement) &&
      (ts.isStringLiteral(statement.expression) || /^Object\.defineProperty\(exports, "__esModule"/.test(statement.expression.getText(source))),
  );
}

/** A package-relative path without its leading `./`. */
function packagePath(file: string): string {
  return path.posix.normalize(file).replace(/^\.\//, "");
}

/** The entry points of `exports`, by the kind of module each condition names. */
function exportEntries(exports: PackageEntries["exports"]): { file: string; kind: ModuleKind }[] {
  return Object.values(exports ?? {}).flatMap((target) =>
    typeof target === "string"
      ? [{ file: target, kind: "js" as const }]
      : Object.entries(target).map(([condition, file]) => ({ file, kind: condition === "types" ? ("dts" as const) : ("js" as const) })),
  );
}

/**
 * The TypeScript source the component analyzer in @pulumi/pulumi/provider/experimental starts from: the
 * `.ts` twin of `exports["."]`'s target, then of `main`, then index.ts or src/index.ts; undefined if none
 * exists. It reads the package's tsconfig.json to compile it.
 */
function analyzerEntry(root: string, entries: PackageEntries): string | undefined {
  const dot = entries.exports?.["."];
  const exported = typeof dot === "string" ? dot : (dot?.default ?? dot?.require ?? dot?.import);
  const tried = [exported, entries.main]
    .filter((file): file is string => file !== undefined)
    .map((file) => packagePath(file.replace(/\.js$/, ".ts")));
  return [...tried, "index.ts", "src/index.ts"].find((file) => isFile(path.join(root, file)));
}

/** The runtime named by PulumiPlugin.yaml (`runtime: nodejs` or `runtime: { name: nodejs }`), if the file exists. */
function pluginRuntime(root: string): string | undefined {
  const file = path.join(root, "PulumiPlugin.yaml");
  if (!isFile(file)) return undefined;
  const runtime = parseYaml(fs.readFileSync(file, "utf8"))?.runtime;
  return typeof runtime === "string" ? runtime : runtime?.name;
}

/**
 * Every file the package at `root` must ship, package-relative: the modules reached from each entry point of
 * package.json (JavaScript through `require`, declarations through their imports, each reached module's
 * declarations beside it, a declarations-only module's empty JavaScript beside its declarations),
 * package.json, README.md and LICENSE; with a Node.js PulumiPlugin.yaml, that file, tsconfig.json and the
 * TypeScript sources the plugin host's component analyzer compiles.
 */
export function packageClosure(root: string): Set<string> {
  const entries: PackageEntries = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const reached = new Set<string>();
  const runtimeEntries = [
    ...exportEntries(entries.exports),
    ...(entries.main ? [{ file: entries.main, kind: entries.main.endsWith(".ts") ? ("ts" as const) : ("js" as const) }] : []),
    ...(entries.types ? [{ file: entries.types, kind: "dts" as const }] : []),
    ...Object.values(entries.typesVersions ?? {}).flatMap((paths) => Object.values(paths).flat().map((file) => ({ file, kind: "dts" as const }))),
  ];
  for (const { file, kind } of runtimeEntries) reach(root, packagePath(file), kind, reached);
  for (const file of [...reached].filter((file) => file.endsWith(".js"))) {
    const declarations = file.replace(/\.js$/, ".d.ts");
    if (isFile(path.join(root, declarations))) reached.add(declarations);
  }
  // tsc emits JavaScript for a declarations-only module too; it ships beside the declarations it stands for.
  for (const file of [...reached].filter((file) => file.endsWith(".d.ts"))) {
    const code = file.replace(/\.d\.ts$/, ".js");
    if (!reached.has(code) && isFile(path.join(root, code)) && declaresNothing(path.join(root, code))) reached.add(code);
  }
  if (pluginRuntime(root) !== undefined) reached.add("PulumiPlugin.yaml");
  if (pluginRuntime(root) === "nodejs") {
    const source = analyzerEntry(root, entries);
    if (source !== undefined) reach(root, source, "ts", reached);
    reached.add("tsconfig.json");
  }
  for (const file of ALWAYS_PACKED) if (isFile(path.join(root, file))) reached.add(file);
  return reached;
}
