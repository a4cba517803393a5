/**
 * What a DagNATS engine brings to the monitoring of its cluster: a lag alert for each task pool KEDA scales,
 * measured as its ScaledObject measures it (taskPoolJobs and lagPerPod), and the lag of the history consumer
 * the engine creates itself on WORKFLOW_HISTORY, the production checklist's "engine falling behind event
 * processing" (above 500 by default). The stack does not declare that consumer, since the engine owns its
 * settings, so it is watched as an application's consumer rather than through `monitoring.consumerLag`.
 */
import type { AppMonitoring } from "../model/monitoring/monitoring";
import { DagnatsRelease, HISTORY_CONSUMER, HISTORY_STREAM, TaskPoolSettings, taskPoolJobs } from "./dagnats-objects";
import { LagScalingSettings, ScaledWorkerPool, scaledWorkerPool } from "./keda";

/** The part of an engine's description its monitoring reads; a stack's DagNATS settings and the builder's spec both have it. */
export interface DagnatsMonitored extends Pick<DagnatsRelease, "name"> {
  /** The task pools; those with `autoscaling` get a lag alert. */
  taskPools?: readonly (Pick<TaskPoolSettings, "name" | "taskTypes" | "concurrency"> & { autoscaling?: LagScalingSettings })[];
}

/** The engine's task pools that KEDA scales, and its history consumer. */
export function dagnatsMonitoring(engine: DagnatsMonitored): AppMonitoring {
  const workerPools = (engine.taskPools ?? []).flatMap((pool): ScaledWorkerPool[] => {
    const scaled = scaledWorkerPool({ ...taskPoolJobs(engine, pool), autoscaling: pool.autoscaling });
    return scaled === undefined ? [] : [scaled];
  });
  return { workerPools, consumerLag: [{ stream: HISTORY_STREAM, consumer: HISTORY_CONSUMER }] };
}
