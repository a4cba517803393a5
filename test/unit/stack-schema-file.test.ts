/**
 * Stack files: problems with the file itself name the file and the line; every shipped stack passes the whole
 * check and the published JSON Schema, which is current and refuses a misspelt key too.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../components/model/errors";
import { listStacks, stackFilePath } from "../../components/model/stack";
import { readStackDocument } from "../../components/model/stack-file";
import { loadCheckedStack } from "../../components/stack-check";
import { STACK_SCHEMA_FILE, stackSchemaText } from "../../scripts/write-stack-schema";
import { jsonSchemaCheck } from "../support/json-schema";

const PROJECT_DIR = path.resolve(__dirname, "../..");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "stack-file-"));

function problemsOf(text: string | Buffer): { path: string; value: unknown; allowed: string }[] {
  const file = path.join(scratch, `Pulumi.case-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, text);
  try {
    readStackDocument(file);
  } catch (error) {
    if (error instanceof ValidationError) return error.problems.map((problem) => ({ ...problem, path: problem.path.replace(`${file}`, "FILE") }));
    throw error;
  }
  throw new Error("the file was accepted");
}

const BOMB = ["a: &a [x, x, x, x, x, x, x, x, x]", ...["b", "c", "d", "e"].map((name, index) => `${name}: &${name} [${Array(9).fill(`*${"abcd"[index]}`).join(", ")}]`), "config: {}"].join("\n");

const FILE_CASES: [description: string, text: string | Buffer, path: string, allowed: RegExp][] = [
  ["an empty file", "", "FILE", /describe the stack under a config: mapping/],
  ["a file of comments only", "# nothing here\n", "FILE", /describe the stack under a config: mapping/],
  ["a list instead of a mapping", "- config\n", "FILE:1", /make the file a mapping/],
  ["text instead of a mapping", "just text\n", "FILE:1", /make the file a mapping/],
  ["no config mapping", "secretsprovider: passphrase\n", "FILE:1", /config: mapping/],
  ["config as a list", "config:\n  - a\n", "FILE:2", /config: mapping/],
  ["a YAML syntax error", "config:\n  nats-jetstream:cluster: [name, tier\n", "FILE:3", /fix the YAML/],
  ["a duplicate key", "config:\n  nats-jetstream:cluster: {}\n  nats-jetstream:cluster: {}\n", "FILE:3", /fix the YAML: Map keys must be unique/],
  ["a tab for indentation", "config:\n\tnats-jetstream:cluster: {}\n", "FILE:2", /fix the YAML/],
  ["an alias bomb", BOMB, "FILE", /alias/],
  ["a file over 1 MiB", `config: {}\n${"#".repeat(2 ** 20)}\n`, "FILE", /within 1048576 bytes/],
  ["a key outside any namespace", "config:\n  cluster: {}\n", "FILE:2", /did you mean nats-jetstream:cluster\?/],
  ["a misspelt namespace", "config:\n  nats-jetsream:cluster: {}\n", "FILE:2", /did you mean nats-jetstream:cluster\?/],
  ["an unknown namespace", "config:\n  gcp:project: x\n", "FILE:2", /kubernetes:/],
  ["a misspelt top-level key", "confg:\n  nats-jetstream:cluster: {}\nconfig: {}\n", "FILE:1", /did you mean config\?/],
  ["a number with an exponent", "config:\n  nats-jetstream:streams:\n    - maxMsgs: 1e6\n", "FILE:3", /plain decimal digits/],
  ["a hexadecimal number", "config:\n  nats-jetstream:cluster:\n    servers: 0x3\n", "FILE:3", /plain decimal digits/],
  ["an infinite number", "config:\n  nats-jetstream:cluster:\n    servers: .inf\n", "FILE:3", /plain decimal digits/],
];

describe("a stack file", () => {
  it.each(FILE_CASES)("refuses %s, naming the file and the line", (_, text, at, allowed) => {
    const problem = problemsOf(text).find((candidate) => candidate.path === at);
    expect(problem, JSON.stringify(problemsOf(text))).toBeDefined();
    expect(problem!.allowed).toMatch(allowed);
  });

  it("refuses a file that does not exist, naming it", () => {
    expect(() => readStackDocument(path.join(scratch, "Pulumi.none.yaml"))).toThrow(/Pulumi\.none\.yaml: nothing is not allowed; create the stack file/);
  });

  it("accepts other namespaces of Pulumi and the providers, and reads secure values as a placeholder", () => {
    const file = path.join(scratch, "Pulumi.other.yaml");
    fs.writeFileSync(file, "config:\n  kubernetes:context: a\n  aws:region: eu-west-1\n  nats-jetstream:kubeconfig:\n    secure: AAABAx\n");
    expect(readStackDocument(file)).toEqual({ "kubernetes:context": "a", "aws:region": "eu-west-1", "nats-jetstream:kubeconfig": "[secret]" });
  });
});

describe("the shipped stacks", () => {
  const problemsOf = jsonSchemaCheck(JSON.parse(fs.readFileSync(STACK_SCHEMA_FILE, "utf8")));

  it("have a published JSON Schema generated from the current schema (npm run schema)", () => {
    expect(fs.readFileSync(STACK_SCHEMA_FILE, "utf8")).toBe(stackSchemaText());
  });

  it.each(listStacks(PROJECT_DIR))("Pulumi.%s.yaml passes the whole check, names the JSON Schema for editors and validates against it", (name) => {
    const text = fs.readFileSync(stackFilePath(PROJECT_DIR, name), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../schema/stack.schema.json");
    expect(() => loadCheckedStack(PROJECT_DIR, name)).not.toThrow();
    expect(problemsOf(parse(text))).toEqual([]);
  });

  it("fail the JSON Schema too when a key is misspelt, at any depth", () => {
    const small = parse(fs.readFileSync(stackFilePath(PROJECT_DIR, "small"), "utf8"));
    small.config["nats-jetstream:cluster"].sever = 3;
    expect(problemsOf(small)).toContain(".config.nats-jetstream:cluster.sever: unknown field");
    const misspeltNamespace = { config: { "nats-jetsream:cluster": { name: "nats", tier: "dev" } } };
    expect(problemsOf(misspeltNamespace)).toContain(".config.nats-jetsream:cluster: unknown field");
  });
});
