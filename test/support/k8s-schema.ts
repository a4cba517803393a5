/**
 * The tests' one check of Kubernetes objects against their schemas. Built-in kinds are checked against the
 * API's schemas, from two sources because neither does both:
 *
 * - kubernetes-models carries validators compiled from the Kubernetes OpenAPI document. They check types,
 *   enums, formats and required fields, but their schemas allow additional properties, so a misspelt field
 *   passes.
 * - @kubernetes/client-node carries models generated from the same OpenAPI document, each listing every
 *   field of its type with the field's type (attributeTypeMap). Walking an object along those lists finds
 *   every field the API does not know.
 *
 * Custom resources (NACK, KEDA, cert-manager, prometheus-operator) are checked against their CRDs' spec
 * schemas (crd-schemas.ts); prometheus-operator's also against @kubernetes-models/prometheus-operator's
 * validators, compiled from its CRDs, which check every field's type and pattern but not unknown fields.
 *
 * Unknown fields matter because the API server drops them (or refuses them under strict field validation):
 * a misspelt `readinessProbe` would deploy pods without one.
 */
import * as clientModels from "@kubernetes/client-node/dist/gen/models/all.js";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { PodMonitor, PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { CUSTOM_RESOURCE_SPEC_SCHEMAS, NATS_JETSTREAM_TRIGGER_METADATA } from "./crd-schemas";
import { jsonSchemaCheck, problemLine } from "./json-schema";

interface TypedModel {
  validate(): void;
}
type ModelClass = new (data: object) => TypedModel;

/** The kinds this project creates, by `apiVersion/kind`. */
const TYPE_VALIDATORS: Record<string, ModelClass> = {
  "apiextensions.k8s.io/v1/CustomResourceDefinition": CustomResourceDefinition as unknown as ModelClass,
  "apps/v1/DaemonSet": DaemonSet,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "batch/v1/CronJob": CronJob as unknown as ModelClass,
  "batch/v1/Job": Job as unknown as ModelClass,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "rbac.authorization.k8s.io/v1/ClusterRole": ClusterRole,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ClusterRoleBinding as unknown as ModelClass,
  "rbac.authorization.k8s.io/v1/Role": Role,
  "storage.k8s.io/v1/StorageClass": StorageClass as unknown as ModelClass,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding as unknown as ModelClass,
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
};

interface Attribute {
  baseName: string;
  type: string;
}
type FieldModel = { getAttributeTypeMap(): Attribute[] };
const FIELD_MODELS = clientModels as unknown as Record<string, FieldModel | undefined>;

const ARRAY_TYPE = /^Array<(.+)>$/;
const MAP_TYPE = /^\{ \[key: string\]: (.+); \}$/;

function unknownFields(value: unknown, typeName: string, path: string, problems: string[]): void {
  if (value === null || value === undefined) return;
  const array = ARRAY_TYPE.exec(typeName);
  if (array) {
    if (Array.isArray(value)) value.forEach((item, index) => unknownFields(item, array[1], `${path}[${index}]`, problems));
    return;
  }
  const map = MAP_TYPE.exec(typeName);
  if (map) {
    if (typeof value === "object") for (const [key, item] of Object.entries(value)) unknownFields(item, map[1], `${path}.${key}`, problems);
    return;
  }
  const model = FIELD_MODELS[typeName];
  // Primitives, quantities, IntOrString and free-form fields: their types are the type validator's to check.
  if (!model || typeof value !== "object" || Array.isArray(value)) return;
  const attributes = new Map(model.getAttributeTypeMap().map((attribute) => [attribute.baseName, attribute.type]));
  for (const [field, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const fieldType = attributes.get(field);
    if (fieldType === undefined) problems.push(`${path}.${field}: unknown field of ${typeName}`);
    else unknownFields(item, fieldType, `${path}.${field}`, problems);
  }
}

function typeProblems(object: Record<string, unknown>, Model: ModelClass): string[] {
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const details = (error as { errors?: { instancePath: string; message?: string; params: Record<string, unknown> }[] }).errors;
    if (!details) return [String(error)];
    return details.map((detail) => problemLine(detail));
  }
}

/** Custom resources whose kubernetes-models validators check field types too. */
const CUSTOM_RESOURCE_MODELS: Record<string, ModelClass> = {
  "monitoring.coreos.com/v1/PodMonitor": PodMonitor as unknown as ModelClass,
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule as unknown as ModelClass,
};

const CUSTOM_RESOURCE_CHECKS = Object.fromEntries(Object.entries(CUSTOM_RESOURCE_SPEC_SCHEMAS).map(([key, schema]) => [key, jsonSchemaCheck(schema)]));
const checkTriggerMetadata = jsonSchemaCheck(NATS_JETSTREAM_TRIGGER_METADATA);
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** A custom resource against its CRD: its spec, the nats-jetstream triggers' metadata, and its name. */
function customResourceProblems(object: Record<string, unknown>, checkSpec: (spec: unknown, prefix: string) => string[]): string[] {
  const problems = checkSpec(object.spec, ".spec");
  const triggers = (object.spec as { triggers?: { type: string; metadata: unknown }[] } | undefined)?.triggers ?? [];
  triggers.forEach((trigger, index) => {
    if (trigger.type === "nats-jetstream") problems.push(...checkTriggerMetadata(trigger.metadata, `.spec.triggers[${index}].metadata`));
  });
  const name = (object.metadata as { name?: string } | undefined)?.name;
  if (!DNS_SUBDOMAIN.test(name ?? "")) problems.push(`.metadata.name: ${JSON.stringify(name)} is not a DNS subdomain`);
  return problems;
}

/**
 * Every way the object breaks the schema of its kind, built-in or custom, as `path: problem` lines; empty
 * when it is valid. A PersistentVolumeClaimPatch's inputs carry the PersistentVolumeClaim kind, so they are
 * checked as claims.
 */
export function schemaProblems(object: Record<string, unknown>): string[] {
  const apiVersion = object.apiVersion;
  const kind = object.kind;
  if (typeof apiVersion !== "string" || typeof kind !== "string") return [".: apiVersion and kind are required"];
  const custom = CUSTOM_RESOURCE_CHECKS[`${apiVersion}/${kind}`];
  const typed = CUSTOM_RESOURCE_MODELS[`${apiVersion}/${kind}`];
  if (custom) return [...(typed ? typeProblems(object, typed) : []), ...customResourceProblems(object, custom)];
  const Model = TYPE_VALIDATORS[`${apiVersion}/${kind}`];
  if (!Model) return [`.: no schema known here for ${apiVersion} ${kind}`];
  const version = apiVersion.split("/").pop()!;
  const fieldModelName = `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
  if (!FIELD_MODELS[fieldModelName]) return [`.: no field list for ${fieldModelName}`];
  const problems = typeProblems(object, Model);
  unknownFields(object, fieldModelName, "", problems);
  return problems;
}
