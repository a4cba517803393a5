/**
 * TLS certificates of a cluster's listeners on Kubernetes: the cert-manager Certificate that issues one when
 * the stack names an issuer, and the Secret volumes that put `tls.crt`, `tls.key` and `ca.crt` where
 * mountedTlsFiles says a pod finds them.
 */
import * as k8s from "@pulumi/kubernetes";
import { PodVolume, PodVolumeMount } from "../../workloads/pod-extras";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../model/cluster";
import { mountedTlsFiles, TlsCertificates, tlsCaDir, tlsCertDir, TlsFiles, TlsListener, tlsSecretName } from "../../model/link-tls";
import { commonLabels } from "./labels";

export const CERT_MANAGER_API_VERSION = "cert-manager.io/v1";
/** A fresh P-256 key at every renewal, so a key that leaked once does not outlive its certificate. */
const PRIVATE_KEY = { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" } as const;
/** A certificate for a server that both answers and dials (gateways, leaf links) and for a client port. */
const USAGES = ["digital signature", "key encipherment", "server auth", "client auth"];
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-fA-F:]+:[0-9a-fA-F:]*$/;

/** The names a certificate holds, split as cert-manager wants them: DNS names and IP addresses. */
export function certificateNames(hosts: readonly string[]): { dnsNames: string[]; ipAddresses: string[] } {
  const unique = [...new Set(hosts)];
  const isIp = (host: string) => IPV4.test(host) || IPV6.test(host);
  return { dnsNames: unique.filter((host) => !isIp(host)), ipAddresses: unique.filter(isIp) };
}

/**
 * The cert-manager Certificate of one cluster's `listener`, valid for `hosts` (the names and addresses peers
 * dial). Its Secret is the one tlsSecretName names, and holds `ca.crt` from the issuer. No common name: peers
 * check the subject alternative names, and a load balancer's hostname can pass the 64 characters a CN may have.
 */
export function buildCertificate(cluster: Cluster, listener: TlsListener, tls: TlsCertificates, hosts: readonly string[]): Record<string, unknown> {
  if (tls.issuer === undefined) throw new Error(`the ${listener} certificates of ${cluster.name} come from Secret ${tls.secretName}, not from an issuer`);
  const { dnsNames, ipAddresses } = certificateNames(hosts);
  const secretName = tlsSecretName(tls, cluster.name, listener);
  return {
    apiVersion: CERT_MANAGER_API_VERSION,
    kind: "Certificate",
    metadata: { name: secretName, namespace: cluster.namespace, labels: commonLabels(cluster) },
    spec: {
      secretName,
      secretTemplate: { labels: commonLabels(cluster) },
      ...(dnsNames.length > 0 ? { dnsNames } : {}),
      ...(ipAddresses.length > 0 ? { ipAddresses } : {}),
      usages: USAGES,
      privateKey: PRIVATE_KEY,
      issuerRef: { group: "cert-manager.io", kind: tls.issuer.kind, name: tls.issuer.name },
    },
  };
}

/**
 * Declares the Certificate of one cluster's `listener` when its certificates come from an issuer; nothing when
 * the stack gives a Secret. `hosts` may be known only once a Service has its address.
 */
export function createCertificate(
  name: string,
  cluster: Cluster,
  listener: TlsListener,
  tls: TlsCertificates,
  hosts: pulumi.Input<string[]>,
  opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource | undefined {
  if (tls.issuer === undefined) return undefined;
  const certificate = pulumi.output(hosts).apply((known) => buildCertificate(cluster, listener, tls, known));
  return new k8s.apiextensions.CustomResource(
    name,
    {
      apiVersion: CERT_MANAGER_API_VERSION,
      kind: "Certificate",
      metadata: certificate.apply((built) => built.metadata as k8s.types.input.meta.v1.ObjectMeta),
      spec: certificate.apply((built) => built.spec),
    },
    opts,
  );
}

/** The volumes and mounts that put `listener`'s certificate files where mountedTlsFiles says. */
export function tlsVolumes(
  cluster: Pick<Cluster, "name">,
  listener: TlsListener,
  tls: TlsCertificates,
): { volumes: PodVolume[]; mounts: PodVolumeMount[]; files: TlsFiles } {
  const volume = `${listener}-tls`;
  // Readable by the pod's group alone: the Secret holds the private key.
  const volumes: PodVolume[] = [{ name: volume, secret: { secretName: tlsSecretName(tls, cluster.name, listener), defaultMode: 0o440 } }];
  const mounts: PodVolumeMount[] = [{ name: volume, mountPath: tlsCertDir(listener), readOnly: true }];
  if (tls.caSecretName !== undefined) {
    volumes.push({ name: `${listener}-ca`, secret: { secretName: tls.caSecretName, defaultMode: 0o440, items: [{ key: "ca.crt", path: "ca.crt" }] } });
    mounts.push({ name: `${listener}-ca`, mountPath: tlsCaDir(listener), readOnly: true });
  }
  return { volumes, mounts, files: mountedTlsFiles(tls, listener) };
}

/** The host of a `host:port` address. */
export function hostOf(address: string): string {
  const bracketed = /^\[(.+)\]:\d+$/.exec(address);
  if (bracketed) return bracketed[1];
  return address.slice(0, address.lastIndexOf(":"));
}
