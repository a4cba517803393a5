/**
 * The whole check of a stack's keys, as the tools and the Pulumi program run it: the schema (structure, types,
 * bounds, formats, unknown keys), the contexts against the kubeconfig, then the resolvers' rules, every
 * problem reported at once.
 */
import { Problem, Problems, ValidationError } from "./model/errors";
import { checkKubeContexts, KubeconfigSource } from "./model/kubeconfig-contexts";
import { existingStackFile, Stack, StackSpec } from "./model/stack";
import { projectKeys, readKubeconfig, readStackDocument } from "./model/stack-file";
import { mergeProblems } from "./model/schema-problems";
import { checkStackKeys, StackKeysCheck } from "./model/stack-schema";
import { checkWorkerConsumers } from "./model/worker-consumers";
import { Monitoring, resolveMonitoring, resolveMonitoringInto } from "./model/monitoring/monitoring";
import { MonitoringSpec } from "./model/monitoring/monitoring-schema";
import { PresetSpec, resolveStackWithPresets, withPresets } from "./presets";

/** What checkStack may look into besides the keys themselves. */
export interface StackCheckOptions {
  /** Finds the kubeconfig a `kubeconfig` value gives (contents or a path); undefined when it cannot be looked into. */
  kubeconfig?: (value: string) => KubeconfigSource | undefined;
}

/**
 * Checks a stack's keys (the `nats-jetstream:` namespace, without it) and resolves them; throws one
 * ValidationError listing every problem. When the schema refuses something, the resolvers still run on the
 * values as given, so their problems elsewhere are reported in the same pass.
 */
export function checkStack(name: string, values: Record<string, unknown>, options: StackCheckOptions = {}): Stack {
  const { keys, problems: refused } = checkStackKeys(values);
  const references = new Problems();
  const source = keys?.kubeconfig === undefined ? undefined : options.kubeconfig?.(keys.kubeconfig);
  if (keys !== undefined && source !== undefined) checkKubeContexts(keys, source, references);
  const spec = (keys ?? values) as StackSpec & PresetSpec;
  let stack: Stack | undefined;
  let resolved: readonly Problem[] = [];
  try {
    stack = resolveStackWithPresets(name, spec, spec);
    checkWorkerConsumers(withPresets(spec, spec).accounts ?? [], stack.jetstream.streams, references);
    if (keys?.monitoring !== undefined) {
      resolveMonitoringInto(keys.monitoring, stack.jetstream.streams, references);
      checkScrapersLetIn(keys, references);
    }
  } catch (error) {
    if (error instanceof ValidationError) resolved = error.problems;
    // Only values the schema refused can trip a resolver up; the schema's problems already say why.
    else if (keys !== undefined) throw error;
  }
  const problems = mergeProblems(refused, [...resolved, ...references.all]);
  if (problems.length > 0 || stack === undefined) throw new ValidationError(problems);
  return stack;
}

/**
 * A Prometheus the stack says is there must be let in: the NetworkPolicy admits to the metrics port only the
 * cluster's own servers and the namespaces named, so without one every scrape would time out.
 */
function checkScrapersLetIn(keys: NonNullable<StackKeysCheck["keys"]>, problems: Problems): void {
  const monitoring = keys.monitoring!;
  if (monitoring.prometheus !== true || (monitoring.namespaces ?? []).length > 0 || keys.monitoringNamespace !== undefined) return;
  problems.add("monitoring.namespaces", undefined, "name the namespace Prometheus runs in (or set monitoringNamespace): the NetworkPolicy lets only the namespaces named read the metrics port");
}

/** Reads a named stack's file, checks it whole and resolves it with its presets: what the render and local tools run. */
export function loadCheckedStack(projectDir: string, stackName: string): Stack {
  return loadCheckedStackWithMonitoring(projectDir, stackName).stack;
}

/** loadCheckedStack, with the stack's `monitoring` resolved: the thresholds a local status marks figures against. */
export function loadCheckedStackWithMonitoring(projectDir: string, stackName: string): { stack: Stack; monitoring: Monitoring } {
  const keys = projectKeys(readStackDocument(existingStackFile(projectDir, stackName)));
  const stack = checkStack(stackName, keys, { kubeconfig: (value) => readKubeconfig(value, projectDir) });
  return { stack, monitoring: resolveMonitoring(keys.monitoring as MonitoringSpec | undefined, stack.jetstream.streams) };
}
