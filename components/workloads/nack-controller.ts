/**
 * The NACK JetStream controller: turns the Stream, Consumer and KeyValue objects into JetStream resources.
 * It runs in control-loop mode, the only mode that reconciles KeyValue objects, watches one namespace, and
 * mounts a creds Secret per account: each NACK object names the creds of its own account's user.
 *
 * NACK has no inbox prefix setting (its flags and Account objects set URL, creds, nkey and TLS only), so the
 * controller reads replies under the clients' default `_INBOX`; the provisioner role holds exactly that, and
 * no other user may, since every other user's replies go to its own `_INBOX_<user>` (see permissions.ts).
 */
import { pinnedImageReference, PINNED_IMAGES } from "../model/images";
import { credsMount, credsVolume, DEFAULT_CREDS_KEY } from "./creds-volume";
import { Deployment, ResourceRequirements, Role, RoleBinding, ServiceAccount } from "./k8s-types";
import { appLabels, objectName, appSelectorLabels } from "./object-names";

/** The NACK controller image unless the spec names another. */
export const DEFAULT_NACK_IMAGE = pinnedImageReference(PINNED_IMAGES.jetstreamController);
const CREDS_ROOT = "/etc/nack/creds";
const WORK_DIR = "/nack";

/** The creds of one account's user, as a Kubernetes Secret. */
export interface AccountCreds {
  account: string;
  secretName: string;
  /** Key of the creds file in the Secret. Default "user.creds". */
  key?: string;
}

export interface NackControllerSpec {
  /** Name of the Deployment, ServiceAccount and Role. Default "nack". */
  name?: string;
  /** Namespace the controller runs in and watches for NACK objects. */
  namespace: string;
  /** NATS client URL, e.g. the cluster's client Service. */
  natsUrl: string;
  /** One entry per account whose streams the controller manages; none for servers without auth. */
  accounts: AccountCreds[];
  /** Default DEFAULT_NACK_IMAGE. */
  image?: string;
  resources?: ResourceRequirements;
}

export interface NackController {
  serviceAccount: ServiceAccount;
  role: Role;
  roleBinding: RoleBinding;
  deployment: Deployment;
}

/** Where the controller finds an account's creds; NACK objects of that account name this path. */
export function nackCredsPath(account: string, key = DEFAULT_CREDS_KEY): string {
  return `${CREDS_ROOT}/${objectName(account)}/${key}`;
}

/** What the controller may do: manage the NACK objects and their status, and record events about them. */
const RULES: Role["rules"] = [
  { apiGroups: [""], resources: ["events"], verbs: ["create", "update", "patch"] },
  {
    apiGroups: ["jetstream.nats.io"],
    resources: ["streams", "streams/status", "consumers", "consumers/status", "keyvalues", "keyvalues/status", "objectstores", "objectstores/status", "accounts", "accounts/status"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
];

export function nackController(spec: NackControllerSpec): NackController {
  const name = spec.name ?? "nack";
  const labels = appLabels(name, "jetstream-controller", "nats-jetstream");
  const metadata = { name, namespace: spec.namespace, labels };
  const volumes = spec.accounts.map((creds) => credsVolume(`creds-${objectName(creds.account)}`, { name: creds.secretName, key: creds.key }));
  const mounts = spec.accounts.map((creds) => credsMount(`creds-${objectName(creds.account)}`, `${CREDS_ROOT}/${objectName(creds.account)}`));
  const first = spec.accounts[0];
  return {
    serviceAccount: { apiVersion: "v1", kind: "ServiceAccount", metadata },
    role: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata, rules: RULES },
    roleBinding: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata,
      subjects: [{ kind: "ServiceAccount", name, namespace: spec.namespace }],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    },
    deployment: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata,
      spec: {
        // One controller per namespace: two would reconcile the same objects against each other.
        replicas: 1,
        strategy: { type: "Recreate" },
        selector: { matchLabels: appSelectorLabels(name) },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 },
            containers: [
              {
                name: "jsc",
                image: spec.image ?? DEFAULT_NACK_IMAGE,
                // The controller writes into its working directory; the root filesystem stays read-only.
                workingDir: WORK_DIR,
                command: [
                  "/jetstream-controller",
                  "--control-loop=true",
                  `--namespace=${spec.namespace}`,
                  `-s=${spec.natsUrl}`,
                  // Objects name their own creds; this default covers any that do not.
                  ...(first === undefined ? [] : [`--creds=${nackCredsPath(first.account, first.key)}`]),
                ],
                env: [
                  { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                  { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                ],
                resources: spec.resources ?? { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                volumeMounts: [{ name: "work", mountPath: WORK_DIR }, ...mounts],
              },
            ],
            volumes: [{ name: "work", emptyDir: {} }, ...volumes],
          },
        },
      },
    },
  };
}
