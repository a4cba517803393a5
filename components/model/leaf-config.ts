/**
 * The `leafnodes` sections: the hub listens for leaf connections; each site server dials the hub with its
 * leaf user's credentials. The hub's leaf URLs are inputs: loopback ports locally, the hub's leafnodes
 * Service address in Kubernetes.
 */
import { ConfBlock } from "./conf";
import { LeafSite } from "./leaf";
import { listenerTlsBlock, remoteTlsBlock, TlsFiles } from "./link-tls";

/** Where a site's leaf credentials Secret is mounted in a pod. */
export const LEAF_CREDENTIALS_DIR = "/etc/nats-leaf";

/**
 * The credentials file a site pod reads. nats-server reads it again on every connect, so a rotated Secret
 * (which the kubelet updates in place) is used from the next reconnect without a restart.
 */
export function mountedLeafCredentialsFile(site: Pick<LeafSite, "user">): string {
  return `${LEAF_CREDENTIALS_DIR}/${site.user ?? "leaf"}.creds`;
}

export interface HubLeafnodesOptions {
  /** Address the leafnodes listener binds to. */
  host: string;
  port: number;
  /** `host:port` sites are told to dial when the listener's own address is not reachable from them. */
  advertise?: string;
  /** TLS on every leaf connection, with a certificate the CA signed required of each site. */
  tls?: TlsFiles;
}

/** The hub side: a leafnodes listener. Sites authenticate as users of the hub's accounts. */
export function hubLeafnodesSection(options: HubLeafnodesOptions): ConfBlock {
  const tls = options.tls === undefined ? undefined : listenerTlsBlock(options.tls, true);
  return { leafnodes: { host: options.host, port: options.port, advertise: options.advertise, tls } };
}

/** One outbound leaf connection of a site server. */
export interface LeafRemote {
  /** Leaf URLs of the hub (`nats://host:port`); the server fails over between them. */
  urls: readonly string[];
  /** Path of the leaf user's `.creds` file. Unset: connect without credentials (a hub without auth). */
  credentials?: string;
  /** Local account the connection carries (in operator mode, its public key). Unset: the default account. */
  account?: string;
  /** The site's certificate and the CA the hub's must chain to. Unset: plain TCP. */
  tls?: TlsFiles;
}

/** The site side: leaf connections to the hub. */
export function leafRemotesSection(remotes: readonly LeafRemote[]): ConfBlock {
  if (remotes.length === 0) throw new Error("a leaf site needs at least one remote");
  for (const remote of remotes) {
    if (remote.urls.length === 0) throw new Error("a leaf remote needs at least one hub URL");
  }
  return {
    leafnodes: {
      remotes: remotes.map((remote) => ({
        urls: [...remote.urls],
        credentials: remote.credentials,
        account: remote.account,
        tls: remote.tls === undefined ? undefined : remoteTlsBlock(remote.tls),
      })),
    },
  };
}

/**
 * The leaf connection of any server of `site`, to the hub's leaf URLs. `localAccount` is the account as
 * nats.conf names it (in operator mode its public key); default the site's `localAccount`. `tls` holds the
 * site's certificate files when the hub's leafnodes listener requires TLS.
 */
export function siteLeafSection(site: LeafSite, hubLeafUrls: readonly string[], credentials?: string, localAccount?: string, tls?: TlsFiles): ConfBlock {
  return leafRemotesSection([{ urls: hubLeafUrls, credentials, account: localAccount ?? site.localAccount, tls }]);
}
