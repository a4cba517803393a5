/**
 * The NodeConfig API (node.eks.aws/v1alpha1) as a JSON Schema, from nodeadm's Go types
 * (awslabs/amazon-eks-ami, nodeadm/api/v1alpha1/nodeconfig_types.go): every field by its JSON name, the enums
 * of LocalStorageStrategy and DisabledMount, and no field beyond those, as nodeadm's strict decoding refuses them.
 */
export const NODE_CONFIG_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["apiVersion", "kind"],
  properties: {
    apiVersion: { const: "node.eks.aws/v1alpha1" },
    kind: { const: "NodeConfig" },
    metadata: { type: "object" },
    spec: {
      type: "object",
      additionalProperties: false,
      properties: {
        cluster: {
          type: "object",
          additionalProperties: false,
          properties: {
            name: { type: "string" },
            apiServerEndpoint: { type: "string" },
            certificateAuthority: { type: "string" },
            cidr: { type: "string" },
            enableOutpost: { type: "boolean" },
            id: { type: "string" },
          },
        },
        containerd: { type: "object", additionalProperties: false, properties: { config: { type: "string" }, baseRuntimeSpec: { type: "object" } } },
        instance: {
          type: "object",
          additionalProperties: false,
          properties: {
            localStorage: {
              type: "object",
              additionalProperties: false,
              properties: {
                strategy: { enum: ["RAID0", "RAID10", "Mount"] },
                mountPath: { type: "string" },
                disabledMounts: { type: "array", items: { enum: ["Containerd", "PodLogs"] } },
              },
            },
          },
        },
        kubelet: { type: "object", additionalProperties: false, properties: { config: { type: "object" }, flags: { type: "array", items: { type: "string" } } } },
        featureGates: { type: "object", propertyNames: { enum: ["InstanceIdNodeName"] }, additionalProperties: { type: "boolean" } },
      },
    },
  },
} as const;
