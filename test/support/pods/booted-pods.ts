/**
 * The pod test back end: boots the server container of each pod of a rendered StatefulSet as a process, the
 * closest this machine gets to a Kubernetes node. Per pod:
 * - a network namespace with the pod's IP on a bridge shared by the StatefulSet's pods (the pod network),
 *   the host on the same bridge as the node is, and the pods' DNS names in the pod's /etc/hosts;
 * - a root filesystem of its own (a small tmpfs with the host's /usr read-only standing in for the image, and
 *   the installed nats-server at /opt/server/bin standing in for the image's binary), read-only when the
 *   manifest says so, with each volume mounted where the manifest puts it: ConfigMap and Secret keys as
 *   files, emptyDirs, and one directory per claim template that outlives the pod as a PVC does;
 * - the container's command with its resolved environment only, as the manifest's user and group with the
 *   fsGroup as supplementary group, after `chroot` into that root.
 * The kubelet's part is played by `probe` (an HTTP GET to the pod's IP and the probe's port, within its
 * timeout), `terminate` (the preStop command run inside the pod, then SIGTERM, then SIGKILL once the grace
 * period is over) and `cut`/`heal` (blackhole routes between one pod and the others, a partition that leaves
 * the node's own traffic alone). The tests' NATS clients and monitoring helpers reach each pod through a
 * relay on 127.0.0.1, one port per pod and listener.
 *
 * Only the server container runs: the reloader and exporter images have no binary here. Needs root and iproute2.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { readJetStream } from "../../../components/local";
import { guardChild } from "../../../components/local/process-guard";
import { ServerBinary } from "../../../components/local/server-binary";
import { formatServerVersion } from "../../../components/model/version";
import { ip, relayOnFreePort } from "../netns-cluster";
import { sleep } from "../nats-client";
import { HttpProbe, PodPlan, podPlans, ProbeKind } from "./pod-plan";
import { KubernetesObject } from "./stack-objects";

/** Where the installed binary stands in for the image's, first on the container's PATH. */
const IMAGE_BIN = "/opt/server/bin";
const CONTAINER_PATH = `${IMAGE_BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;

/** Quotes `text` for sh. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A /24 of 172.16.0.0/12 (the first three octets) that no route of the host covers but the default one, so the
 * pod network never shadows a network the host is on. Drawn at random: concurrent tests draw different ones.
 */
function unroutedSubnet(): string {
  for (let attempt = 0; attempt < 50; attempt++) {
    const [second, third] = randomBytes(2);
    const subnet = `172.${16 + (second % 16)}.${third}`;
    const routes = execFileSync("ip", ["-4", "route", "show", "match", `${subnet}.1`], { encoding: "utf8" });
    if (routes.split("\n").every((route) => route.trim() === "" || route.startsWith("default"))) return subnet;
  }
  throw new Error("no /24 of 172.16.0.0/12 is free of the host's routes");
}

/** What one probe answered. */
export interface ProbeAnswer {
  kind: ProbeKind;
  path: string;
  /** The HTTP status, or undefined when nothing answered within the probe's timeout. */
  status: number | undefined;
  ms: number;
}

/** How a pod ended when terminated as the kubelet does it. */
export interface Termination {
  /** The preStop command's exit code, when it ended by itself. */
  preStopExit: number | null;
  /** Whether the server exited while the preStop command still ran (which then ended with it). */
  hookEndedWithServer: boolean;
  /** Seconds from the preStop's start until the server exited. */
  exitedAfter: number;
  /** Whether the grace period ran out and the server had to be killed. */
  killed: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One booted pod: its plan, address, relayed ports and process. */
export class BootedPod {
  child: ChildProcess | undefined;
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;

  constructor(
    readonly plan: PodPlan,
    readonly index: number,
    readonly address: string,
    readonly netns: string,
    readonly dir: string,
    /** The test's way in: 127.0.0.1 ports relayed to the pod's client and monitor ports. */
    readonly ports: { client: number; monitor: number },
  ) {}

  get name(): string {
    return this.plan.name;
  }

  get clientUrl(): string {
    return `nats://127.0.0.1:${this.ports.client}`;
  }

  get logFile(): string {
    return path.join(this.dir, "container.log");
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The container's whole environment as `KEY=value`: the image's PATH and the pod's hostname, then the manifest's. */
  private containerEnv(): string[] {
    return Object.entries({ PATH: CONTAINER_PATH, HOSTNAME: this.plan.name, ...this.plan.env }).map(([key, value]) => `${key}=${value}`);
  }

  /** The script `ip netns exec` runs: the root, the mounts, then the container's command as its user. */
  private startScript(binary: ServerBinary, claimsDir: string): string {
    const root = path.join(this.dir, "root");
    const etc = path.join(this.dir, "etc");
    const { plan } = this;
    const lines = [
      "set -e",
      `root=${quote(root)}`,
      'mount -t tmpfs -o mode=0755,size=8m pod-root "$root"',
      `mkdir -p "$root/usr" "$root/etc" "$root/proc" "$root/dev" "$root${IMAGE_BIN}" ${plan.mounts.map((mount) => `"$root"${quote(mount.mountPath)}`).join(" ")}`,
      ...["bin", "sbin", "lib", "lib64"].map((link) => `ln -s usr/${link} "$root/${link}"`),
      'mount --rbind /usr "$root/usr"',
      'mount -o remount,bind,ro "$root/usr"',
      `cp -a ${quote(etc)}/. "$root/etc/"`,
      'mount -t proc proc "$root/proc"',
      'mount --rbind /dev "$root/dev"',
      `touch "$root${IMAGE_BIN}/nats-server"`,
      `mount --bind ${quote(binary.path)} "$root${IMAGE_BIN}/nats-server"`,
    ];
    for (const mount of plan.mounts) {
      const source = mount.source.kind === "claim" ? path.join(claimsDir, mount.source.claim) : path.join(this.dir, "volumes", mount.volume);
      lines.push(`mount --bind ${quote(source)} "$root"${quote(mount.mountPath)}`);
      if (mount.readOnly) lines.push(`mount -o remount,bind,ro "$root"${quote(mount.mountPath)}`);
    }
    if (plan.readOnlyRootFilesystem) lines.push('mount -o remount,ro "$root"');
    const groups = plan.fsGroup === undefined ? "" : ` --groups=${plan.fsGroup}`;
    const env = this.containerEnv().map(quote);
    lines.push(`exec chroot --userspec=${plan.user}:${plan.group}${groups} "$root" /usr/bin/env -i ${env.join(" ")} ${plan.command.map(quote).join(" ")}`);
    return lines.join("\n");
  }

  /** Starts the container (again, after a stop: its claims keep what it stored). */
  start(binary: ServerBinary, claimsDir: string): void {
    if (this.running) throw new Error(`pod ${this.name} is already running`);
    const log = fs.openSync(this.logFile, "a");
    const child = spawn("ip", ["netns", "exec", this.netns, "sh", "-c", this.startScript(binary, claimsDir)], { stdio: ["ignore", log, log], detached: true });
    fs.closeSync(log);
    guardChild(child);
    this.child = child;
    this.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  /** Waits for the container's process to end, up to `ms`; undefined if it still runs. */
  async waitForExit(ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
    if (!this.exited) return { code: null, signal: null };
    return Promise.race([this.exited, sleep(ms).then(() => undefined)]);
  }

  /** One run of `probe` as the kubelet makes it: a GET to the pod's IP, answered within the probe's timeout. */
  probe(probe: HttpProbe): Promise<ProbeAnswer> {
    const started = Date.now();
    return new Promise((resolve) => {
      const answer = (status: number | undefined) => resolve({ kind: probe.kind, path: probe.path, status, ms: Date.now() - started });
      const request = http.get({ host: this.address, port: probe.port, path: probe.path, timeout: probe.timeoutSeconds * 1000 }, (response) => {
        response.resume();
        answer(response.statusCode);
      });
      request.on("timeout", () => request.destroy());
      request.on("error", () => answer(undefined));
    });
  }

  /**
   * Asks the pod's `kind` probe as many times in a row as its failureThreshold, `pauseMs` apart, and returns
   * every answer: the kubelet acts on a probe (restarts the container, takes the pod out of its Services)
   * only once that many answers in a row failed, so one failed answer is not a restart. Closer together than
   * the probe's period, so a stretch of failures long enough to matter there shows here too.
   */
  async probeInARow(kind: ProbeKind, pauseMs = 1_000): Promise<ProbeAnswer[]> {
    const probe = this.probeOf(kind);
    const answers: ProbeAnswer[] = [];
    for (let attempt = 0; attempt < probe.failureThreshold; attempt++) {
      if (attempt > 0) await sleep(pauseMs);
      answers.push(await this.probe(probe));
    }
    return answers;
  }

  /** The pod's probe of `kind`, as its manifest declares it. */
  probeOf(kind: ProbeKind): HttpProbe {
    const probe = this.plan.probes.find((candidate) => candidate.kind === kind);
    if (!probe) throw new Error(`pod ${this.name} declares no ${kind} probe`);
    return probe;
  }

  /**
   * Ends the pod as the kubelet does on a delete, a drain or a rolling update: runs the preStop command inside
   * the container (its namespaces, root, user and environment) and waits for it, then sends SIGTERM, and
   * kills the process once terminationGracePeriodSeconds have passed since the preStop began. When the server
   * exits while the hook still runs, the hook ends with it, as the container runtime ends a container's
   * processes when its main process exits.
   */
  async terminate(): Promise<Termination> {
    const pid = this.child?.pid;
    if (!this.running || pid === undefined || !this.exited) throw new Error(`pod ${this.name} is not running`);
    const exited = this.exited;
    const graceMs = this.plan.terminationGracePeriodSeconds * 1000;
    const started = Date.now();
    const remaining = () => Math.max(0, graceMs - (Date.now() - started));
    let preStopExit: number | null = null;
    let hookEndedWithServer = false;
    if (this.plan.preStop) {
      const env = this.containerEnv();
      const args = ["--target", String(pid), "--mount", "--net", "--root", "--wd", "--setuid", String(this.plan.user), "--setgid", String(this.plan.group), "/usr/bin/env", "-i", ...env, ...this.plan.preStop];
      // A process group of its own, so the hook's children (the shell's sleep) end with it, as the runtime ends them.
      const log = fs.openSync(this.logFile, "a");
      const hook = spawn("nsenter", args, { stdio: ["ignore", log, log], detached: true });
      fs.closeSync(log);
      const hookExit = new Promise<number | null>((resolve) => hook.once("exit", (code) => resolve(code)));
      const first = await Promise.race([hookExit.then((code) => ({ hook: code })), exited.then(() => "server exited" as const), sleep(graceMs).then(() => "grace over" as const)]);
      if (typeof first === "object") preStopExit = first.hook;
      else {
        hookEndedWithServer = first === "server exited";
        process.kill(-hook.pid!, "SIGKILL");
        await hookExit;
      }
    }
    if (this.running) this.child!.kill("SIGTERM");
    let exit = await this.waitForExit(remaining());
    const killed = exit === undefined;
    if (killed) {
      this.child!.kill("SIGKILL");
      exit = await this.waitForExit(10_000);
    }
    return { preStopExit, hookEndedWithServer, exitedAfter: (Date.now() - started) / 1000, killed, code: exit?.code ?? null, signal: exit?.signal ?? null };
  }

  /** Kills the container at once (SIGKILL), as a node failure would. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child!.kill("SIGKILL");
    await this.waitForExit(10_000);
  }
}

/** The pods of one StatefulSet, booted, and the node's hand on them. */
export class BootedPods {
  private constructor(
    readonly pods: BootedPod[],
    private readonly id: string,
    private readonly runDir: string,
    private readonly binary: ServerBinary,
    private readonly relays: net.Server[],
  ) {}

  private get claimsDir(): string {
    return path.join(this.runDir, "claims");
  }

  /**
   * Boots every pod of StatefulSet `statefulSet` among `objects`, with `binary` standing in for the image's
   * nats-server (its version must be the image tag's), and waits until each pod's startup probe, then its
   * readiness probe, passes within the budget the manifest gives it (initialDelaySeconds + periodSeconds ×
   * failureThreshold), as a rollout would, and the pods have formed one JetStream cluster.
   */
  static async boot(objects: readonly KubernetesObject[], statefulSet: string, binary: ServerBinary): Promise<BootedPods> {
    const plans = podPlans(objects, statefulSet);
    for (const plan of plans) {
      const installed = formatServerVersion(binary.version);
      if (/:v?(\d+\.\d+\.\d+)/.exec(plan.image)?.[1] !== installed) {
        throw new Error(`pod ${plan.name} runs image ${plan.image}, but the installed nats-server is ${installed}: render the stack with serverVersion ${installed}`);
      }
      if (plan.command.length === 0) throw new Error(`pod ${plan.name}: the container sets no command, and the image's entrypoint is not known here`);
    }
    const id = randomBytes(3).toString("hex");
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `nats-pods-${statefulSet}-`));
    const subnet = unroutedSubnet();
    const bridge = `pb${id}`;
    const relays: net.Server[] = [];
    const pods: BootedPod[] = [];
    for (const [index, plan] of plans.entries()) {
      const address = `${subnet}.${index + 1}`;
      const client = await relayOnFreePort(address, { targetPort: plan.ports.client });
      const monitor = await relayOnFreePort(address, { targetPort: plan.ports.monitor });
      relays.push(client.server, monitor.server);
      pods.push(new BootedPod(plan, index, address, `pod-${id}-${index}`, path.join(runDir, plan.name), { client: client.port, monitor: monitor.port }));
    }
    const booted = new BootedPods(pods, id, runDir, binary, relays);
    try {
      ip("link", "add", bridge, "type", "bridge");
      ip("addr", "add", `${subnet}.254/24`, "dev", bridge);
      ip("link", "set", bridge, "up");
      const hosts = ["127.0.0.1 localhost", ...pods.map((pod) => `${pod.address} ${pod.plan.dnsNames.join(" ")} ${pod.name}`)].join("\n") + "\n";
      for (const pod of pods) {
        ip("netns", "add", pod.netns);
        ip("-n", pod.netns, "link", "set", "lo", "up");
        ip("link", "add", `pv${id}${pod.index}`, "type", "veth", "peer", "name", "eth0", "netns", pod.netns);
        ip("link", "set", `pv${id}${pod.index}`, "master", bridge, "up");
        ip("-n", pod.netns, "addr", "add", `${pod.address}/24`, "dev", "eth0");
        ip("-n", pod.netns, "link", "set", "eth0", "up");
        booted.prepareFiles(pod, hosts);
        pod.start(binary, booted.claimsDir);
      }
      await Promise.all(pods.map((pod) => booted.waitForProbe(pod, "startup")));
      await Promise.all(pods.map((pod) => booted.waitForProbe(pod, "readiness")));
      await booted.waitUntilFormed();
      return booted;
    } catch (error) {
      await booted.stop();
      throw error;
    }
  }

  /** The pod's /etc (hosts, resolv.conf, passwd, group), its volumes' files and its claims, owned as the pod's fsGroup makes them. */
  private prepareFiles(pod: BootedPod, hosts: string): void {
    const { plan } = pod;
    const owner = plan.fsGroup ?? plan.group;
    const etc = path.join(pod.dir, "etc");
    fs.mkdirSync(etc, { recursive: true });
    fs.writeFileSync(path.join(etc, "hosts"), hosts);
    // No name server: every name a pod resolves is in its hosts file, as the cluster DNS would answer it.
    fs.writeFileSync(path.join(etc, "resolv.conf"), "nameserver 127.0.0.1\noptions ndots:5 attempts:1 timeout:1\n");
    fs.writeFileSync(path.join(etc, "nsswitch.conf"), "hosts: files dns\n");
    fs.writeFileSync(path.join(etc, "passwd"), `root:x:0:0:root:/:/bin/sh\nserver:x:${plan.user}:${plan.group}::/:/bin/sh\n`);
    fs.writeFileSync(path.join(etc, "group"), `root:x:0:\nserver:x:${plan.group}:\n${owner !== plan.group ? `volumes:x:${owner}:\n` : ""}`);
    fs.mkdirSync(path.join(pod.dir, "root"), { recursive: true });
    for (const mount of plan.mounts) {
      const dir = mount.source.kind === "claim" ? path.join(this.claimsDir, mount.source.claim) : path.join(pod.dir, "volumes", mount.volume);
      fs.mkdirSync(dir, { recursive: true });
      if (mount.source.kind === "files") {
        for (const [file, content] of Object.entries(mount.source.files)) fs.writeFileSync(path.join(dir, file), content, { mode: 0o644 });
      }
      // What the kubelet does with fsGroup: the volume is the group's and group-writable (files stay read-only).
      execFileSync("chown", ["-R", `${mount.source.kind === "files" ? 0 : plan.user}:${owner}`, dir]);
      fs.chmodSync(dir, mount.source.kind === "files" ? 0o755 : 0o2770);
    }
  }

  /** The pod named `name`. */
  pod(name: string): BootedPod {
    const found = this.pods.find((pod) => pod.name === name);
    if (!found) throw new Error(`no pod ${name}; pods: ${this.pods.map((pod) => pod.name).join(", ")}`);
    return found;
  }

  /** The pod named `name`, shaped as the fault helpers read a server (its name, ordinal and relayed ports). */
  server(name: string): BootedPod {
    return this.pod(name);
  }

  /** The pods' client URLs, relayed to 127.0.0.1. */
  get clientUrls(): string[] {
    return this.pods.map((pod) => pod.clientUrl);
  }

  /**
   * Runs `pod`'s probe of `kind` until it answers 200, failing (with the probe and its last answer) once the
   * kubelet would have given up on it.
   */
  async waitForProbe(pod: BootedPod, kind: ProbeKind): Promise<ProbeAnswer> {
    const probe = pod.probeOf(kind);
    // The kubelet's budget: the initial delay, then failureThreshold failed runs a period apart. Runs go out
    // every second from the start: a faster start than the kubelet's only finds the answer sooner.
    const deadline = Date.now() + (probe.initialDelaySeconds + probe.periodSeconds * probe.failureThreshold) * 1000;
    let last: ProbeAnswer;
    for (;;) {
      last = await pod.probe(probe);
      if (last.status === 200) return last;
      if (!pod.running) throw new Error(`pod ${pod.name} exited before its ${kind} probe passed; the end of its log:\n${fs.readFileSync(pod.logFile, "utf8").slice(-2000)}`);
      if (Date.now() > deadline) break;
      await sleep(1000);
    }
    throw new Error(`pod ${pod.name}: the ${kind} probe ${probe.path} on port ${probe.port} did not answer 200 within its budget; last answer ${last.status ?? "none"} after ${last.ms} ms`);
  }

  /** Starts a terminated or killed pod again, on the same claims, and waits until its startup and readiness probes pass. */
  async restart(pod: BootedPod): Promise<void> {
    pod.start(this.binary, this.claimsDir);
    await this.waitForProbe(pod, "startup");
    await this.waitForProbe(pod, "readiness");
  }

  /**
   * Waits until the pods form one JetStream cluster: every pod reports a meta group of all the pods with the
   * same leader. Ready pods can still be short of that (a meta group of two, seen right after boot), and a
   * stream created then may miss the third.
   */
  async waitUntilFormed(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = "";
    for (;;) {
      const reports = await Promise.all(this.pods.map((pod) => readJetStream(pod.ports.monitor)));
      const metas = reports.map((report) => report?.meta_cluster);
      seen = this.pods.map((pod, index) => `${pod.name}: ${metas[index] ? `leader ${metas[index]!.leader ?? "none"}, size ${metas[index]!.cluster_size}` : "no answer"}`).join("; ");
      const leader = metas[0]?.leader;
      if (leader && metas.every((meta) => meta?.leader === leader && meta.cluster_size === this.pods.length)) return;
      if (Date.now() > deadline) throw new Error(`the pods formed no JetStream cluster of ${this.pods.length} within ${timeoutMs / 1000}s; last seen: ${seen}`);
      await sleep(200);
    }
  }

  /** Cuts `pod` off from every other pod (both ways), as a zone outage would; the node still reaches it. */
  cut(pod: BootedPod): void {
    for (const other of this.pods.filter((candidate) => candidate !== pod)) {
      ip("-n", pod.netns, "route", "add", "blackhole", `${other.address}/32`);
      ip("-n", other.netns, "route", "add", "blackhole", `${pod.address}/32`);
    }
  }

  /** Undoes `cut`. */
  heal(pod: BootedPod): void {
    for (const other of this.pods.filter((candidate) => candidate !== pod)) {
      ip("-n", pod.netns, "route", "del", "blackhole", `${other.address}/32`);
      ip("-n", other.netns, "route", "del", "blackhole", `${pod.address}/32`);
    }
  }

  /** Kills every pod and removes the relays, namespaces, bridge, mounts and run directory. */
  async stop(): Promise<void> {
    await Promise.all(this.pods.map((pod) => pod.kill()));
    await Promise.all(this.relays.map((server) => new Promise((resolve) => server.close(resolve))));
    // Each pod's mounts live in its process's mount namespace and went with it; its network namespace goes here.
    for (const pod of this.pods) spawnSync("ip", ["netns", "del", pod.netns], { stdio: "ignore" });
    spawnSync("ip", ["link", "del", `pb${this.id}`], { stdio: "ignore" });
    fs.rmSync(this.runDir, { recursive: true, force: true });
  }
}
