import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { DEFAULT_EXPORTER_IMAGE, DEFAULT_RELOADER_IMAGE } from "../../components/kubernetes/cluster/sidecars";
import { Problems } from "../../components/model/errors";
import { resolveCluster } from "../../components/model/cluster";
import { pinnedImageReference, NATS_SERVER_VERSION, natsServerImage, PINNED_IMAGES } from "../../components/model/images";
import { atLeast, DEFAULT_SERVER_VERSION, formatServerVersion, OPTION_SINCE, parseServerVersion } from "../../components/model/version";
import { DEFAULT_NACK_IMAGE } from "../../components/workloads/nack-controller";

const root = path.resolve(__dirname, "../..");

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe("the pinned images", () => {
  it("are the versions of the official NATS charts, each with its reason", () => {
    expect(Object.values(PINNED_IMAGES).map(pinnedImageReference)).toEqual([
      "nats:2.14.6-alpine",
      "natsio/nats-server-config-reloader:0.23.0",
      "natsio/prometheus-nats-exporter:0.20.1",
      "natsio/jetstream-controller:0.24.0",
      "natsio/nats-box:0.19.7",
      "amazon/aws-cli:2.27.63",
    ]);
    for (const image of Object.values(PINNED_IMAGES)) expect(image.reason.length).toBeGreaterThan(40);
  });

  it("are the defaults of the cluster, its sidecars and the NACK controller", () => {
    const problems = new Problems();
    const cluster = resolveCluster({ name: "nats", tier: "small" }, "cluster", problems);
    expect(problems.count).toBe(0);
    expect(formatServerVersion(cluster.serverVersion)).toBe(NATS_SERVER_VERSION);
    expect(DEFAULT_SERVER_VERSION).toBe(NATS_SERVER_VERSION);
    expect(cluster.image).toBe(pinnedImageReference(PINNED_IMAGES.natsServer));
    expect(DEFAULT_RELOADER_IMAGE).toBe(pinnedImageReference(PINNED_IMAGES.configReloader));
    expect(DEFAULT_EXPORTER_IMAGE).toBe(pinnedImageReference(PINNED_IMAGES.exporter));
    expect(DEFAULT_NACK_IMAGE).toBe(pinnedImageReference(PINNED_IMAGES.jetstreamController));
  });

  it("give a cluster that names another server version the official image of that version", () => {
    const cluster = resolveCluster({ name: "nats", tier: "small", serverVersion: "2.10.24" }, "cluster", new Problems());
    expect(cluster.image).toBe(natsServerImage("2.10.24"));
  });

  it("are written down nowhere else in the code", () => {
    const files = [path.join(root, "index.ts"), ...sourceFiles(path.join(root, "components")), ...sourceFiles(path.join(root, "cli"))];
    const elsewhere = files
      .filter((file) => file !== path.join(root, "components", "model", "images.ts"))
      .flatMap((file) => [...fs.readFileSync(file, "utf8").matchAll(/natsio\/[a-z-]+:[0-9]/g)].map((match) => `${path.relative(root, file)}: ${match[0]}`));
    expect(elsewhere).toEqual([]);
  });

  it("run a server that knows every version-gated option", () => {
    const pinned = parseServerVersion(NATS_SERVER_VERSION)!;
    for (const since of Object.values(OPTION_SINCE)) expect(atLeast(pinned, since)).toBe(true);
  });
});
