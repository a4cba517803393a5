/**
 * What a pod's config reloader must watch so renewed certificates load without a restart: nats.conf and every
 * certificate, key and CA file the rendered nats.conf names, each readable through a mount of its own.
 */
import { expect } from "vitest";
import { CONFIG_FILE } from "../../components/kubernetes/cluster/pod-security";

const TLS_FILE_LINE = /^\s*(?:cert_file|key_file|ca_file): "([^"]+)"$/gm;

interface Mount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}
interface Container {
  name: string;
  args: string[];
  volumeMounts: Mount[];
}
/** The parts of a pod spec the reloader expectations read. */
export interface PodSpecView {
  containers: Container[];
  volumes: { name: string }[];
}

/** The certificate, key and CA files a rendered nats.conf's tls blocks name, each once. */
export function certificateFilesIn(natsConf: string): string[] {
  return [...new Set([...natsConf.matchAll(TLS_FILE_LINE)].map((match) => match[1]))];
}

/**
 * Expects the pod's reloader to watch nats.conf and exactly the certificate files `natsConf` names (at least
 * one), and to reach each through a read-only mount of the pod's volume the nats container reads it from.
 */
export function expectReloaderWatchesCertificates(pod: PodSpecView, natsConf: string): void {
  const container = (name: string) => pod.containers.find((candidate) => candidate.name === name)!;
  const reloader = container("reloader");
  const files = certificateFilesIn(natsConf);
  expect(files.length).toBeGreaterThan(0);
  const watched = reloader.args.filter((_, index) => reloader.args[index - 1] === "-config");
  expect(watched.length).toBe(new Set(watched).size);
  expect(new Set(watched)).toEqual(new Set([CONFIG_FILE, ...files]));
  const volumeNames = pod.volumes.map((volume) => volume.name);
  for (const file of files) {
    const mount = reloader.volumeMounts.find((candidate) => file.startsWith(`${candidate.mountPath}/`));
    expect(mount, file).toMatchObject({ readOnly: true });
    expect(container("nats").volumeMounts).toContainEqual(mount);
    expect(volumeNames).toContain(mount!.name);
  }
}
