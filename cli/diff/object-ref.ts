/** How a diff names a Kubernetes object: its cluster, kind, namespace and name. */
import { PlacedObject } from "./rendered-stack";

/** A Kubernetes object's identity within a stack. */
export interface ObjectRef {
  /** The Kubernetes cluster's provider folder of a multi-cluster stack; "" for a single cluster. */
  cluster: string;
  /** The object's kind, e.g. `PersistentVolumeClaim`. */
  kind: string;
  /** Unset for a cluster-scoped object. */
  namespace?: string;
  /** The object's name. */
  name: string;
}

/** The reference of a placed object. */
export function refOf({ cluster, object }: PlacedObject): ObjectRef {
  const { namespace, name } = object.metadata;
  return { cluster, kind: object.kind, ...(namespace === undefined ? {} : { namespace }), name };
}

/** `kind namespace/name`, with the cluster first when there is one: how reports name an object. */
export function refLabel(ref: ObjectRef): string {
  const scoped = ref.namespace === undefined ? ref.name : `${ref.namespace}/${ref.name}`;
  return `${ref.cluster === "" ? "" : `${ref.cluster}: `}${ref.kind} ${scoped}`;
}

/** A key unique per object, sorting objects by cluster, kind, namespace and name. */
export function refKey(ref: ObjectRef): string {
  return [ref.cluster, ref.kind, ref.namespace ?? "", ref.name].join("\u0000");
}
