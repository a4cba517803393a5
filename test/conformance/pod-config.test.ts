/**
 * The nats.conf rendered for pods, checked by the installed nats-server (`-t` parses the file the way a
 * pod's server would, with SERVER_NAME from the environment as the StatefulSet sets it).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import {
  atLeast,
  DEFAULT_SERVER_VERSION,
  formatServerVersion,
  OPTION_SINCE,
  renderServer,
  TierName,
  validateCluster,
} from "../../components/model";
import { kubernetesPlacement } from "../../components/kubernetes/cluster/pod-placement";
import { installedServer } from "../support/nats-cluster";

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "nats-pod-config-"));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

function checkWithServer(name: string, text: string): { ok: boolean; output: string } {
  const file = path.join(workDir, `${name}.conf`);
  fs.writeFileSync(file, text);
  const result = spawnSync(installedServer().path, ["-c", file, "-t"], {
    encoding: "utf8",
    timeout: 10_000,
    env: { ...process.env, SERVER_NAME: "nats-0" },
  });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

const TIERS: { tier: TierName; servers?: number }[] = [
  { tier: "dev" },
  { tier: "dev", servers: 3 },
  { tier: "small" },
  { tier: "medium" },
  { tier: "medium", servers: 5 },
  { tier: "large" },
  { tier: "large", servers: 3 },
];

describe("pod nats.conf against the installed nats-server", () => {
  const installed = installedServer().version;

  for (const { tier, servers } of TIERS) {
    const label = `${tier}${servers === undefined ? "" : ` with ${servers} servers`}`;
    it(`${label}: rendered for the installed ${formatServerVersion(installed)} passes nats-server -t`, () => {
      const cluster = validateCluster({ name: "nats", tier, servers });
      const rendered = renderServer(cluster, kubernetesPlacement(cluster), { targetVersion: installed });
      expect(rendered.text).toContain("server_name: $SERVER_NAME");
      const check = checkWithServer(`${tier}-${cluster.servers}`, rendered.text);
      expect(check.output).toContain("is valid");
      expect(check.ok).toBe(true);
    });
  }

  it(`for the default target ${DEFAULT_SERVER_VERSION}, small, medium and large sync before acknowledging and dev does not`, () => {
    for (const tier of ["small", "medium", "large"] as const) {
      const cluster = validateCluster({ name: "nats", tier });
      expect(renderServer(cluster, kubernetesPlacement(cluster)).text).toContain('sync_interval: "always"');
    }
    const dev = validateCluster({ name: "nats", tier: "dev" });
    expect(renderServer(dev, kubernetesPlacement(dev)).text).not.toContain("sync_interval");
  });

  it("the version gate on sync_interval is needed: the installed server judges the ungated option as its version implies", () => {
    const cluster = validateCluster({ name: "nats", tier: "small" });
    const ungated = renderServer(cluster, kubernetesPlacement(cluster)).text;
    const check = checkWithServer("small-default-target", ungated);
    if (atLeast(installed, OPTION_SINCE.syncInterval)) {
      expect(check.ok).toBe(true);
    } else {
      expect(check.ok).toBe(false);
      expect(check.output).toMatch(/unknown field "?sync_interval"?/);
      // The same config rendered for the installed version leaves the option out and passes.
      const gated = renderServer(cluster, kubernetesPlacement(cluster), { targetVersion: installed });
      expect(gated.omitted.join("\n")).toContain("sync_interval");
      expect(checkWithServer("small-installed-target", gated.text).ok).toBe(true);
    }
  });
});
