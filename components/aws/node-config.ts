/**
 * The user data of a NATS pool's launch template: a MIME multi-part document whose one part is a partial
 * AL2023 `nodeadm` NodeConfig. On a managed node group with the EKS AMI, EKS adds the cluster's own
 * NodeConfig part itself, so this one carries only what the pool adds: each NVMe instance-store disk
 * formatted and mounted on its own (strategy Mount, under LOCAL_DISKS_DIR), where the local static
 * provisioner finds it and makes it a PersistentVolume. RAID0 is not used: it would also move the kubelet's
 * and containerd's state onto the disks, which the provisioner then offers as volumes.
 */
import { stringify } from "yaml";
import { LOCAL_DISKS_DIR } from "../model/aws-substrate";

/** The NodeConfig API group and version nodeadm reads. */
export const NODE_CONFIG_API_VERSION = "node.eks.aws/v1alpha1";
/** The MIME type nodeadm picks NodeConfig parts out by. */
export const NODE_CONFIG_CONTENT_TYPE = "application/node.eks.aws";
/** Fixed, so that the same pool gives the same user data and no new launch template version. */
export const USER_DATA_BOUNDARY = "nats-jetstream-nodeconfig";

/** The partial NodeConfig a pool with instance storage adds. */
export function localStorageNodeConfig(): object {
  return {
    apiVersion: NODE_CONFIG_API_VERSION,
    kind: "NodeConfig",
    spec: { instance: { localStorage: { strategy: "Mount", mountPath: LOCAL_DISKS_DIR } } },
  };
}

/** The user data as text: MIME multi-part, one NodeConfig part, CRLF line ends as RFC 2046 asks. */
export function userDataDocument(nodeConfig: object): string {
  const lines = [
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${USER_DATA_BOUNDARY}"`,
    "",
    `--${USER_DATA_BOUNDARY}`,
    `Content-Type: ${NODE_CONFIG_CONTENT_TYPE}`,
    "",
    "---",
    ...stringify(nodeConfig).trimEnd().split("\n"),
    "",
    `--${USER_DATA_BOUNDARY}--`,
    "",
  ];
  return lines.join("\r\n");
}

/** The launch template's `userData`, which EC2 takes base64-encoded. */
export function encodedUserData(nodeConfig: object): string {
  return Buffer.from(userDataDocument(nodeConfig), "utf8").toString("base64");
}
