/**
 * TLS on the listeners other servers and clients dial: where the certificates come from (a cert-manager
 * issuer, or a Secret the stack names), where a pod finds them, and the `tls` blocks nats.conf gets. The
 * certificate files are inputs to the blocks, so the local back end renders the same blocks with files it
 * made itself.
 */
import { ConfBlock } from "./conf";
import { Problems } from "./errors";
import { isDnsLabel } from "./names";

/** The listeners that can carry TLS. */
export type TlsListener = "gateway" | "leafnodes" | "client";

/** The kind of a cert-manager issuer: `ClusterIssuer` or `Issuer`. */
export const IssuerKind = {
  /** A cert-manager issuer of the whole Kubernetes cluster. */
  ClusterIssuer: "ClusterIssuer",
  /** A cert-manager issuer in the certificate's namespace. */
  Issuer: "Issuer",
} as const;
/** The kind of a cert-manager issuer. */
export type IssuerKind = (typeof IssuerKind)[keyof typeof IssuerKind];
export const ISSUER_KINDS: readonly IssuerKind[] = Object.values(IssuerKind);

/** A cert-manager issuer, as a Certificate's issuerRef names it. */
export interface IssuerRefSpec {
  /** The Issuer's or ClusterIssuer's name. */
  name: string;
  /** ClusterIssuer (default: one issuer for every namespace) or Issuer (one in each cluster's namespace). */
  kind?: IssuerKind;
}

/**
 * Where a listener's certificates come from: exactly one of `issuer` and `secretName`. Whichever it is, the
 * certificates of every cluster must chain to one CA, since each side checks the other's against its `ca.crt`.
 */
export interface TlsCertificatesSpec {
  /**
   * cert-manager issues each cluster's certificate (a `cert-manager.io/v1` Certificate in the cluster's
   * namespace) from this issuer; the Secret it writes, with `ca.crt`, is mounted into the pods. The issuer
   * must sign from one CA in every Kubernetes cluster, such as a CA issuer holding the same CA Secret.
   */
  issuer?: IssuerRefSpec;
  /** A Secret of type kubernetes.io/tls with `tls.crt` and `tls.key` (and `ca.crt` unless caSecretName is given), in every cluster's namespace. */
  secretName?: string;
  /** With secretName: a Secret holding the `ca.crt` that signed every cluster's certificate. Default: secretName. */
  caSecretName?: string;
}

/** Client TLS: the certificates of the client port, and whether clients must present one too. */
export interface ClientTlsSpec extends TlsCertificatesSpec {
  /** Require every client to present a certificate the CA signed (mutual TLS). Default false: clients check the server only. */
  verify?: boolean;
}

/** A resolved issuer reference. */
export interface IssuerRef {
  name: string;
  kind: IssuerKind;
}

/** Resolved TLS certificates of one listener: `issuer` set for cert-manager, else the given Secrets. */
export interface TlsCertificates {
  issuer: IssuerRef | undefined;
  /** The given Secret; undefined with an issuer, whose Secret is named per cluster (see tlsSecretName). */
  secretName: string | undefined;
  /** The given CA Secret when it is not secretName. */
  caSecretName: string | undefined;
}

export interface ClientTls extends TlsCertificates {
  verify: boolean;
}

/** Certificate files of a TLS block, as paths inside the server's filesystem. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
}

/** Seconds a TLS handshake may take: longer than the 2 s default, for links between regions. */
export const TLS_TIMEOUT_SECONDS = 5;

/** The directory under which a pod finds every listener's certificate Secrets. */
export const CERTS_ROOT = "/etc/nats-certs";

/** Checks where one listener's certificates come from; problems go under `path`. */
export function resolveTlsCertificates(spec: TlsCertificatesSpec | undefined, path: string, problems: Problems): TlsCertificates | undefined {
  if (spec === undefined) return undefined;
  const given: TlsCertificatesSpec = typeof spec === "object" && spec !== null ? spec : {};
  const choose = 'give either issuer (a cert-manager issuer, e.g. { name: "nats-ca", kind: "ClusterIssuer" }) or secretName (a kubernetes.io/tls Secret)';
  if ((given.issuer === undefined) === (given.secretName === undefined)) problems.add(path, spec, choose);
  let issuer: IssuerRef | undefined;
  if (given.issuer !== undefined) {
    const kind = given.issuer?.kind ?? "ClusterIssuer";
    if (!isDnsLabel(given.issuer?.name, 253)) problems.add(`${path}.issuer.name`, given.issuer?.name, "name a cert-manager Issuer or ClusterIssuer (a DNS name)");
    if (!ISSUER_KINDS.includes(kind)) problems.add(`${path}.issuer.kind`, kind, `use ${ISSUER_KINDS.join(" or ")}`);
    if (given.caSecretName !== undefined) problems.add(`${path}.caSecretName`, given.caSecretName, "leave it out with an issuer: the Secret cert-manager writes holds ca.crt");
    issuer = { name: given.issuer?.name, kind };
  }
  if (given.secretName !== undefined && !isDnsLabel(given.secretName, 253)) {
    problems.add(`${path}.secretName`, given.secretName, "name a Secret of type kubernetes.io/tls (a DNS name)");
  }
  if (given.caSecretName !== undefined && given.issuer === undefined && !isDnsLabel(given.caSecretName, 253)) {
    problems.add(`${path}.caSecretName`, given.caSecretName, "name a Secret holding ca.crt (a DNS name), or leave it out to use secretName's");
  }
  const caSecretName = given.caSecretName === given.secretName ? undefined : given.caSecretName;
  return { issuer, secretName: issuer === undefined ? given.secretName : undefined, caSecretName: issuer === undefined ? caSecretName : undefined };
}

/** Checks client TLS; problems go under `path`. */
export function resolveClientTls(spec: ClientTlsSpec | undefined, path: string, problems: Problems): ClientTls | undefined {
  const certificates = resolveTlsCertificates(spec, path, problems);
  if (certificates === undefined) return undefined;
  if (spec?.verify !== undefined && typeof spec.verify !== "boolean") problems.add(`${path}.verify`, spec.verify, "use true or false");
  return { ...certificates, verify: spec?.verify === true };
}

/** The Secret holding one cluster's certificate for `listener`: the given one, or the one its Certificate writes. */
export function tlsSecretName(tls: TlsCertificates, clusterName: string, listener: TlsListener): string {
  return tls.secretName ?? `${clusterName}-${listener}-tls`;
}

/** Where a pod finds the certificate Secret of `listener`. */
export function tlsCertDir(listener: TlsListener): string {
  return `${CERTS_ROOT}/${listener}`;
}

/** Where a pod finds the separate CA Secret of `listener`, when there is one. */
export function tlsCaDir(listener: TlsListener): string {
  return `${CERTS_ROOT}/${listener}-ca`;
}

/** The certificate files of `listener` as a pod sees them (kubernetes.io/tls keys). */
export function mountedTlsFiles(tls: TlsCertificates, listener: TlsListener): TlsFiles {
  const certDir = tlsCertDir(listener);
  const caDir = tls.caSecretName === undefined ? certDir : tlsCaDir(listener);
  return { certFile: `${certDir}/tls.crt`, keyFile: `${certDir}/tls.key`, caFile: `${caDir}/ca.crt` };
}

/**
 * The `tls` block of a listener. `verify` asks the peer for a certificate the CA signed: gateways and leaf
 * links always (each side is a server of the stack), clients when the stack says so.
 */
export function listenerTlsBlock(files: TlsFiles, verify: boolean): ConfBlock {
  return { cert_file: files.certFile, key_file: files.keyFile, ca_file: files.caFile, verify, timeout: TLS_TIMEOUT_SECONDS };
}

/** The client port's TLS, merged into the top level of nats.conf. */
export function clientTlsSection(files: TlsFiles, verify: boolean): ConfBlock {
  return { tls: listenerTlsBlock(files, verify) };
}

/**
 * The `tls` block of a leaf remote: the site checks the hub's certificate against the CA, and presents its own,
 * which the hub's leafnodes listener requires.
 */
export function remoteTlsBlock(files: TlsFiles): ConfBlock {
  return { cert_file: files.certFile, key_file: files.keyFile, ca_file: files.caFile, timeout: TLS_TIMEOUT_SECONDS };
}
