import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";

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

  it("points types and exports at the built components, and main at the components' source entry, which the plugin host loads", () => {
    expect(packageJson.main).toBe("components/index.ts");
    expect(packageJson.types).toBe("bin/components/index.d.ts");
    expect(packageJson.exports["."].default).toBe("./bin/components/index.js");
    expect(packageJson.files).toContain("PulumiPlugin.yaml");
  });

  it("is usable from other languages and keeps its stacks in stacks/", () => {
    expect(parseYaml(fs.readFileSync(path.join(root, "PulumiPlugin.yaml"), "utf8"))).toEqual({ runtime: "nodejs" });
    const project = parseYaml(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
    expect(project).toMatchObject({ name: packageJson.name, stackConfigDir: "stacks", runtime: { name: "nodejs" } });
  });

});

/** The components, each a Pulumi ComponentResource. */
const COMPONENTS = ["BackupBucket", "BackupSchedule", "ClusterMonitoring", "DagNats", "HubAndLeaf", "JetStreamCluster", "JetStreamResources", "Lightdash", "NatsCredentials", "SuperCluster", "WorkerPool"];

/** What the package exports at run time besides the components: functions, the values a description is written with, two classes. */
const VALUES = [
  "AckPolicy",
  "AntiAffinity",
  "Cloud",
  "ConfVariable",
  "ConnectionType",
  "DiscardPolicy",
  "ExportType",
  "IssuerKind",
  "ListenerServiceType",
  "Retention",
  "StorageKind",
  "StorageType",
  "StreamLimit",
  "TaintEffect",
  "TierName",
  "TolerationOperator",
  "ValidationError",
  "withBackupUsers",
  "checkStack",
  "dagnatsJetStreamSpecs",
  "dagnatsMonitoring",
  "deployCluster",
  "deployedConnection",
  "lightdashScaledPools",
  "loadCheckedStack",
  "mergeConf",
  "provisionedObjects",
  "renderConf",
  "renderPodConfig",
  "stackProvisioning",
  "validateCluster",
  "validateHubAndLeaf",
  "validateSuperCluster",
];

/** What the package exports as types only. */
const TYPES = [
  "AccountJetStreamLimitsSpec",
  "AccountLimitsSpec",
  "AccountSpec",
  "AccountStream",
  "AppConsumerLag",
  "AppMonitoring",
  "AwsPoolSpec",
  "BackupBucketArgs",
  "BackupDestination",
  "BackupDestinationSpec",
  "BackupPolicy",
  "BackupScheduleArgs",
  "BackupServiceAccount",
  "BackupTarget",
  "BackupsSpec",
  "ClientTlsSpec",
  "Cluster",
  "ClusterSpec",
  "ClusterMonitoringArgs",
  "ClusterTlsSpec",
  "ConfBlock",
  "ConfScalar",
  "ConfSection",
  "ConfValue",
  "ConsumerLagSpec",
  "ConsumerRef",
  "ConsumerSpec",
  "CreatedBucketSpec",
  "CredsSecretsArgs",
  "DagNatsArgs",
  "DagNatsBackupSettings",
  "DagNatsEngineSettings",
  "DagNatsSettings",
  "DagNatsTaskPoolSettings",
  "DagnatsMonitored",
  "ExistingBucketSpec",
  "ExportSpec",
  "Grants",
  "HubAndLeafArgs",
  "HubAndLeafSpec",
  "HubSpec",
  "HubStreamUseSpec",
  "ImportSpec",
  "IssuerRefSpec",
  "JetStreamClusterArgs",
  "JetStreamResourceSetSpec",
  "JetStreamResourcesArgs",
  "JetStreamSpec",
  "KeyValueRoleSpec",
  "KeyValueSpec",
  "KubernetesTargetSpec",
  "LagScalingSettings",
  "LameDuckSpec",
  "LeafSiteSpec",
  "LightdashApiSettings",
  "LightdashArgs",
  "LightdashNatsSettings",
  "LightdashSettings",
  "LightdashWorkerSettings",
  "LimitsSpec",
  "ListenerServiceSpec",
  "MemberAwsSpec",
  "MonitoringSpec",
  "NatsAppArgs",
  "NatsConnection",
  "NatsCredentialsArgs",
  "NatsWorkloadArgs",
  "OperatorModeCluster",
  "OperatorModeClusterArgs",
  "PermissionsSpec",
  "PodConfigMapVolumeSource",
  "PodEmptyDirVolumeSource",
  "PodEnvVar",
  "PodEnvVarSource",
  "PodMonitorSpec",
  "PodFieldSelector",
  "PodKeySelector",
  "PodKeyToPath",
  "PodSecretVolumeSource",
  "PodSettings",
  "PodSettingsSpec",
  "PodToleration",
  "PodVolume",
  "PodVolumeMount",
  "Ports",
  "PresetSpec",
  "Problem",
  "ProvisionedObject",
  "Provisioning",
  "PublisherSpec",
  "PvcDestinationSpec",
  "RenderedServer",
  "ScaledWorkerPool",
  "S3DestinationSpec",
  "Stack",
  "StackCheckOptions",
  "StackSpec",
  "StreamSpec",
  "SuperClusterArgs",
  "SuperClusterMemberSpec",
  "SuperClusterSpec",
  "ThresholdsSpec",
  "TlsCertificatesSpec",
  "TopologyClusterArgs",
  "TopologyCredentialsArgs",
  "TopologyKubernetesArgs",
  "UserSpec",
  "WorkerPoolArgs",
  "WorkerPoolSettings",
  "WorkerSpec",
];

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
}

/** The names components/index.ts exports, with whether each is a type only. */
function publicNames(): { name: string; typeOnly: boolean }[] {
  return parse(path.join(root, "components", "index.ts")).statements.flatMap((statement) => {
    if (!ts.isExportDeclaration(statement)) return [];
    if (statement.exportClause === undefined || !ts.isNamedExports(statement.exportClause)) throw new Error(`index.ts re-exports a whole module: ${statement.getText()}`);
    return statement.exportClause.elements.map((element) => ({ name: element.name.text, typeOnly: statement.isTypeOnly || element.isTypeOnly }));
  });
}

interface ExportedDeclaration {
  file: string;
  kind: string;
}

/** Every exported class, interface, type, function, enum and variable declared under components/, by name. */
function exportedDeclarations(): Map<string, ExportedDeclaration[]> {
  const byName = new Map<string, ExportedDeclaration[]>();
  for (const file of sourceFiles(path.join(root, "components"))) {
    for (const statement of parse(file).statements) {
      if (!ts.canHaveModifiers(statement) || !ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) continue;
      const names = ts.isVariableStatement(statement)
        ? statement.declarationList.declarations.flatMap((declaration) => (ts.isIdentifier(declaration.name) ? [declaration.name.text] : []))
        : "name" in statement && statement.name !== undefined && ts.isIdentifier(statement.name as ts.Node)
          ? [(statement.name as ts.Identifier).text]
          : [];
      for (const name of names) {
        byName.set(name, [...(byName.get(name) ?? []), { file: path.relative(root, file), kind: ts.SyntaxKind[statement.kind] }]);
      }
    }
  }
  return byName;
}

describe("the package's public API", () => {
  let api: Record<string, unknown>;

  beforeAll(async () => {
    // Loading every component and the Pulumi SDK takes seconds on a busy machine; once is enough.
    api = await import("../../components");
  }, 60_000);

  it("exports exactly the components, their args and the model's check and render functions, by name", () => {
    const names = publicNames();
    expect(names.map((entry) => entry.name).sort()).toEqual([...COMPONENTS, ...VALUES, ...TYPES].sort());
    expect(names.filter((entry) => entry.typeOnly).map((entry) => entry.name).sort()).toEqual([...TYPES].sort());
    expect(Object.keys(api).sort()).toEqual([...COMPONENTS, ...VALUES].sort());
  });

  it("exports every component as a Pulumi ComponentResource, and no other ComponentResource", async () => {
    const { ComponentResource } = await import("@pulumi/pulumi");
    const components = Object.entries(api).filter(([, value]) => typeof value === "function" && value.prototype instanceof ComponentResource);
    expect(components.map(([name]) => name).sort()).toEqual(COMPONENTS);
  });

  it("keeps the builders and collectors the components use inside out of it", () => {
    const declared = exportedDeclarations();
    const internals = ["Problems", "buildStatefulSet", "workerPoolObjects", "resolveCluster", "kubernetesPlacement", "nackObjects"];
    for (const name of internals) expect(declared.has(name), `${name} is declared in the package`).toBe(true);
    expect(internals.filter((name) => name in api)).toEqual([]);
  });

  it("declares no exported name twice across the package, so no name means two things", () => {
    const clashes = [...exportedDeclarations()]
      .filter(([, declarations]) => new Set(declarations.map((declaration) => declaration.file)).size > 1)
      .map(([name, declarations]) => `${name}: ${declarations.map((declaration) => declaration.file).join(", ")}`);
    expect(clashes).toEqual([]);
  });

  it("documents every name it exports, and every field of the interfaces among them", () => {
    const declared = exportedDeclarations();
    const undocumented: string[] = [];
    for (const { name } of publicNames()) {
      for (const { file } of declared.get(name) ?? []) {
        for (const statement of parse(path.join(root, file)).statements) {
          const declaresName = ts.isVariableStatement(statement)
            ? statement.declarationList.declarations.some((declaration) => ts.isIdentifier(declaration.name) && declaration.name.text === name)
            : "name" in statement && statement.name !== undefined && (statement.name as ts.Node).getText() === name;
          if (!declaresName) continue;
          if (ts.getJSDocCommentsAndTags(statement).length === 0) undocumented.push(`${name} (${file})`);
          if (!ts.isInterfaceDeclaration(statement)) continue;
          // An index signature has no name of its own: the interface's comment says what its keys are.
          for (const member of statement.members.filter((candidate) => !ts.isIndexSignatureDeclaration(candidate))) {
            if (ts.getJSDocCommentsAndTags(member).length === 0) undocumented.push(`${name}.${member.name?.getText()} (${file})`);
          }
        }
      }
    }
    expect(publicNames().length).toBeGreaterThan(0);
    expect(undocumented).toEqual([]);
  });

  it("declares a name twice in one file only as a value and its type, the as-const enum pattern", () => {
    const pairs = [...exportedDeclarations()].filter(([, declarations]) => declarations.length > 1);
    expect(pairs.length).toBeGreaterThan(0);
    for (const [name, declarations] of pairs) {
      expect(declarations.map((declaration) => declaration.kind).sort(), name).toEqual(["FirstStatement", "TypeAliasDeclaration"]);
    }
  });
});
