/**
 * The Kubernetes object types the builders return: @pulumi/kubernetes input types, so a built object goes
 * straight into a resource's args, a misspelt field fails to compile, and any value may be a Pulumi Output.
 */
import type * as k8s from "@pulumi/kubernetes/types/input";

export type ObjectMeta = k8s.meta.v1.ObjectMeta;
export type Deployment = k8s.apps.v1.Deployment;
export type Container = k8s.core.v1.Container;
export type EnvVar = k8s.core.v1.EnvVar;
export type EnvFromSource = k8s.core.v1.EnvFromSource;
export type Probe = k8s.core.v1.Probe;
export type ResourceRequirements = k8s.core.v1.ResourceRequirements;
export type Affinity = k8s.core.v1.Affinity;
export type Service = k8s.core.v1.Service;
export type ConfigMap = k8s.core.v1.ConfigMap;
export type Secret = k8s.core.v1.Secret;
export type ServiceAccount = k8s.core.v1.ServiceAccount;
export type Role = k8s.rbac.v1.Role;
export type RoleBinding = k8s.rbac.v1.RoleBinding;
export type PodDisruptionBudget = k8s.policy.v1.PodDisruptionBudget;
export type NetworkPolicyIngressRule = k8s.networking.v1.NetworkPolicyIngressRule;
