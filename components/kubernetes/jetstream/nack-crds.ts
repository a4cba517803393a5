/**
 * NACK's CustomResourceDefinitions, so that the controller and its objects can be applied to a cluster that
 * has never seen NACK. All five kinds are defined, ObjectStore and Account included although nothing here
 * creates them: the controller watches every kind it knows and will not start while one is missing.
 */
import type * as k8s from "@pulumi/kubernetes";
import { PROJECT_NAME } from "../../model/stack";
import { NACK_API_VERSION } from "../../workloads/nack-objects";
import { NACK_SPEC_SCHEMAS, NACK_STATUS_SCHEMA, NackKind } from "./nack-crd-schemas";

export const NACK_GROUP = "jetstream.nats.io";
const [, NACK_VERSION] = NACK_API_VERSION.split("/");

interface PrinterColumn {
  name: string;
  jsonPath: string;
}

/** Columns `kubectl get` shows besides the name and age: whether the controller got it right, and the NATS names. */
const COLUMNS: Record<NackKind, PrinterColumn[]> = {
  Stream: [{ name: "Stream", jsonPath: ".spec.name" }],
  Consumer: [
    { name: "Stream", jsonPath: ".spec.streamName" },
    { name: "Consumer", jsonPath: ".spec.durableName" },
  ],
  KeyValue: [{ name: "Bucket", jsonPath: ".spec.bucket" }],
  ObjectStore: [{ name: "Bucket", jsonPath: ".spec.bucket" }],
  Account: [],
};

const READY_COLUMN: PrinterColumn = { name: "Ready", jsonPath: '.status.conditions[?(@.type=="Ready")].status' };

export function nackCrdName(kind: NackKind): string {
  return `${kind.toLowerCase()}s.${NACK_GROUP}`;
}

export function nackCustomResourceDefinition(kind: NackKind): k8s.types.input.apiextensions.v1.CustomResourceDefinition {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: nackCrdName(kind),
      labels: { "app.kubernetes.io/component": "jetstream-controller", "app.kubernetes.io/part-of": PROJECT_NAME, "app.kubernetes.io/managed-by": "pulumi" },
    },
    spec: {
      group: NACK_GROUP,
      scope: "Namespaced",
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      versions: [
        {
          name: NACK_VERSION,
          served: true,
          storage: true,
          // The controller writes status through the status subresource, which its Role grants.
          subresources: { status: {} },
          additionalPrinterColumns: [READY_COLUMN, ...COLUMNS[kind]].map((column) => ({ ...column, type: "string" })),
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                apiVersion: { type: "string" },
                kind: { type: "string" },
                metadata: { type: "object" },
                spec: NACK_SPEC_SCHEMAS[kind],
                status: NACK_STATUS_SCHEMA,
              },
            },
          },
        },
      ],
    },
  };
}

export const NACK_KINDS = Object.keys(NACK_SPEC_SCHEMAS) as NackKind[];
