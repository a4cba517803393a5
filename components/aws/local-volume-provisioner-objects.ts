/**
 * The local static provisioner and its node-cleanup controller, as Kubernetes objects: what makes the
 * nats-nvme class work on a pool whose disks nodeadm mounted under LOCAL_DISKS_DIR.
 *
 * - The provisioner runs on every node of the pool (it tolerates the pool's taint and selects its label),
 *   finds each mount point under the disks' directory and creates a PersistentVolume for it, pinned to the
 *   node. When a claim on it is deleted, it wipes the files and offers the disk again.
 * - The node-cleanup controller runs anywhere but on the pool. When a node is deleted (a failed instance,
 *   a node group update), it deletes the claims and volumes of nats-nvme that named that node, after a
 *   delay. The StatefulSet then makes the server a new claim, the server starts on another node with an
 *   empty store, and its streams catch up from their other replicas.
 */
import type * as k8s from "@pulumi/kubernetes/types/input";
import { stringify } from "yaml";
import { LOCAL_DISKS_DIR } from "../model/aws-substrate";
import { LOCAL_STORAGE_IMAGES, pinnedImageReference } from "../model/images";

/** Where the provisioner and the cleanup controller run: beside the cluster's other node-level storage daemons. */
export const LOCAL_STORAGE_NAMESPACE = "kube-system";
const PROVISIONER = "nats-local-volume-provisioner";
const NODE_CLEANUP = "nats-local-volume-node-cleanup";
const CONFIG_DIR = "/etc/provisioner/config";
const METRICS_PORT = 8080;
/** How long after a node is deleted its claims are deleted: time for a node that only restarted to come back. */
export const PVC_DELETION_DELAY = "60s";

/** Where the provisioner runs and what it provisions. */
export interface LocalVolumeProvisionerSpec {
  /** The StorageClass its volumes belong to. */
  storageClass: string;
  /** The pool's nodes: their label and the taint the provisioner tolerates. */
  nodeSelector: Record<string, string>;
  tolerations: k8s.core.v1.Toleration[];
}

/** Every object of the provisioner and the cleanup controller. */
export interface LocalVolumeProvisionerObjects {
  serviceAccount: k8s.core.v1.ServiceAccount;
  nodeReader: k8s.rbac.v1.ClusterRole;
  nodeReaderBinding: k8s.rbac.v1.ClusterRoleBinding;
  volumeProvisionerBinding: k8s.rbac.v1.ClusterRoleBinding;
  config: k8s.core.v1.ConfigMap;
  daemonSet: k8s.apps.v1.DaemonSet;
  cleanupServiceAccount: k8s.core.v1.ServiceAccount;
  cleanupRole: k8s.rbac.v1.ClusterRole;
  cleanupRoleBinding: k8s.rbac.v1.ClusterRoleBinding;
  cleanupDeployment: k8s.apps.v1.Deployment;
}

function labelsOf(name: string): Record<string, string> {
  return { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "nats-jetstream", "app.kubernetes.io/managed-by": "pulumi" };
}

function selectorOf(name: string): Record<string, string> {
  return { "app.kubernetes.io/name": name };
}

function serviceAccount(name: string): k8s.core.v1.ServiceAccount {
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: LOCAL_STORAGE_NAMESPACE, labels: labelsOf(name) } };
}

function binding(name: string, role: string, subject: string): k8s.rbac.v1.ClusterRoleBinding {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name, labels: labelsOf(subject) },
    subjects: [{ kind: "ServiceAccount", name: subject, namespace: LOCAL_STORAGE_NAMESPACE }],
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
  };
}

/** The provisioner's config: one class, discovered as the mount points nodeadm made, one volume per disk. */
export function provisionerConfig(storageClass: string): Record<string, string> {
  return {
    storageClassMap: stringify({
      [storageClass]: { hostDir: LOCAL_DISKS_DIR, mountDir: LOCAL_DISKS_DIR, volumeMode: "Filesystem", namePattern: "*" },
    }),
  };
}

function provisionerDaemonSet(spec: LocalVolumeProvisionerSpec): k8s.apps.v1.DaemonSet {
  const image = pinnedImageReference(LOCAL_STORAGE_IMAGES.provisioner);
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: PROVISIONER, namespace: LOCAL_STORAGE_NAMESPACE, labels: labelsOf(PROVISIONER) },
    spec: {
      selector: { matchLabels: selectorOf(PROVISIONER) },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: labelsOf(PROVISIONER) },
        spec: {
          serviceAccountName: PROVISIONER,
          // Node-level storage: it must keep running on a node under pressure, or freed disks are never offered again.
          priorityClassName: "system-node-critical",
          nodeSelector: { "kubernetes.io/os": "linux", ...spec.nodeSelector },
          tolerations: spec.tolerations,
          containers: [
            {
              name: "provisioner",
              image,
              // It removes a released volume's files as root, whatever their owner.
              securityContext: { privileged: true },
              env: [
                { name: "MY_NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                { name: "MY_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                { name: "JOB_CONTAINER_IMAGE", value: image },
              ],
              ports: [{ name: "metrics", containerPort: METRICS_PORT }],
              resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
              volumeMounts: [
                { name: "provisioner-config", mountPath: CONFIG_DIR, readOnly: true },
                // HostToContainer: a disk mounted on the host after the pod started is seen too.
                { name: "local-disks", mountPath: LOCAL_DISKS_DIR, mountPropagation: "HostToContainer" },
              ],
            },
          ],
          volumes: [
            { name: "provisioner-config", configMap: { name: `${PROVISIONER}-config` } },
            { name: "local-disks", hostPath: { path: LOCAL_DISKS_DIR, type: "DirectoryOrCreate" } },
          ],
        },
      },
    },
  };
}

function cleanupDeployment(storageClass: string): k8s.apps.v1.Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: NODE_CLEANUP, namespace: LOCAL_STORAGE_NAMESPACE, labels: labelsOf(NODE_CLEANUP) },
    spec: {
      replicas: 1,
      selector: { matchLabels: selectorOf(NODE_CLEANUP) },
      template: {
        metadata: { labels: labelsOf(NODE_CLEANUP) },
        spec: {
          serviceAccountName: NODE_CLEANUP,
          securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: "node-cleanup-controller",
              image: pinnedImageReference(LOCAL_STORAGE_IMAGES.nodeCleanup),
              args: [`--storageclass-names=${storageClass}`, `--pvc-deletion-delay=${PVC_DELETION_DELAY}`, "--stale-pv-discovery-interval=10s"],
              ports: [{ name: "metrics", containerPort: METRICS_PORT }],
              resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
            },
          ],
        },
      },
    },
  };
}

export function localVolumeProvisionerObjects(spec: LocalVolumeProvisionerSpec): LocalVolumeProvisionerObjects {
  return {
    serviceAccount: serviceAccount(PROVISIONER),
    nodeReader: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: `${PROVISIONER}-node-reader`, labels: labelsOf(PROVISIONER) },
      rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }],
    },
    nodeReaderBinding: binding(`${PROVISIONER}-node-reader`, `${PROVISIONER}-node-reader`, PROVISIONER),
    // Kubernetes' own role for static provisioners: create, delete and watch PersistentVolumes, read claims and classes.
    volumeProvisionerBinding: binding(`${PROVISIONER}-pv`, "system:persistent-volume-provisioner", PROVISIONER),
    config: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `${PROVISIONER}-config`, namespace: LOCAL_STORAGE_NAMESPACE, labels: labelsOf(PROVISIONER) },
      data: provisionerConfig(spec.storageClass),
    },
    daemonSet: provisionerDaemonSet(spec),
    cleanupServiceAccount: serviceAccount(NODE_CLEANUP),
    cleanupRole: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: NODE_CLEANUP, labels: labelsOf(NODE_CLEANUP) },
      rules: [
        { apiGroups: [""], resources: ["persistentvolumes", "persistentvolumeclaims"], verbs: ["get", "list", "watch", "delete"] },
        { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["events"], verbs: ["create"] },
      ],
    },
    cleanupRoleBinding: binding(NODE_CLEANUP, NODE_CLEANUP, NODE_CLEANUP),
    cleanupDeployment: cleanupDeployment(spec.storageClass),
  };
}
