/** The Pulumi resources of the objects the workload builders return, under the component that owns them. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NatsApp } from "../../workloads/nats-app";
import { WorkerPoolObjects } from "../../workloads/worker-pool-objects";

/** The owning component and what every child waits for (its namespace, its creds Secret). */
export interface ChildPlacement {
  parent: pulumi.Resource;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

export interface NatsAppResources {
  deployment: k8s.apps.v1.Deployment;
  podDisruptionBudget: k8s.policy.v1.PodDisruptionBudget;
}

export interface WorkerPoolResources extends NatsAppResources {
  /** Present when the pool scales on lag. */
  scaledObject: k8s.apiextensions.CustomResource | undefined;
}

export function createNatsApp(name: string, app: NatsApp, placement: ChildPlacement): NatsAppResources {
  const opts = { parent: placement.parent, dependsOn: placement.dependsOn };
  return {
    deployment: new k8s.apps.v1.Deployment(`${name}-deployment`, app.deployment, opts),
    podDisruptionBudget: new k8s.policy.v1.PodDisruptionBudget(`${name}-disruption-budget`, app.podDisruptionBudget, opts),
  };
}

/** KEDA must be installed in the Kubernetes cluster for a pool that scales on lag: the ScaledObject is its kind. */
export function createWorkerPool(name: string, pool: WorkerPoolObjects, placement: ChildPlacement): WorkerPoolResources {
  const app = createNatsApp(name, pool, placement);
  const scaledObject =
    pool.scaledObject === undefined
      ? undefined
      : new k8s.apiextensions.CustomResource(`${name}-scaled-object`, pool.scaledObject, {
          parent: placement.parent,
          dependsOn: [...placement.dependsOn, app.deployment],
        });
  return { ...app, scaledObject };
}
