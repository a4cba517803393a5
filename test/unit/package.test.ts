import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const packageJson = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe("the component package", () => {
  it("names every component type token after the package, in the index module", () => {
    const tokens = sourceFiles(path.join(root, "components")).flatMap((file) =>
      [...fs.readFileSync(file, "utf8").matchAll(/"([a-z0-9-]+):([a-z]+):([A-Za-z]+)"/g)]
        .filter((match) => match[1] === packageJson.name || match[2] === "index")
        .map((match) => match[0]),
    );
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    for (const token of tokens) expect(token).toMatch(new RegExp(`^"${packageJson.name}:index:[A-Z][A-Za-z]+"$`));
  });

  it("points main, types and exports at the built components and ships only those", () => {
    expect(packageJson.main).toBe("bin/components/index.js");
    expect(packageJson.types).toBe("bin/components/index.d.ts");
    expect(packageJson.exports["."].default).toBe("./bin/components/index.js");
    expect(packageJson.files).toContain("PulumiPlugin.yaml");
  });

  it("is usable from other languages and keeps its stacks in stacks/", () => {
    expect(parseYaml(fs.readFileSync(path.join(root, "PulumiPlugin.yaml"), "utf8"))).toEqual({ runtime: "nodejs" });
    const project = parseYaml(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
    expect(project).toMatchObject({ name: packageJson.name, stackConfigDir: "stacks", runtime: { name: "nodejs" } });
  });

  it("exports the components from its public API", async () => {
    const api = await import("../../components");
    expect(typeof api.kubernetes.JetStreamCluster).toBe("function");
    expect(typeof api.credentials.NatsCredentials).toBe("function");
    expect(typeof api.model.validateCluster).toBe("function");
  });
});
