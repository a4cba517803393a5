/**
 * A stand-in for the cloud's load balancer controller: the status a Service of type LoadBalancer reports.
 * Components that join clusters through load balancers (gateways, leaf sites) advertise that address.
 */
import * as pulumi from "@pulumi/pulumi";

/** Pulumi type of a Kubernetes Service. */
export const SERVICE_TYPE = "kubernetes:core/v1:Service";

/** The hostname the mocks give the load balancer of the Service resource named `serviceResource`. */
export function loadBalancerHostname(serviceResource: string): string {
  return `${serviceResource}.elb.example.com`;
}

/**
 * The status a Service of type LoadBalancer reports: unknown in a preview, as before its load balancer
 * exists; in an update, one ingress at `loadBalancerHostname`. Undefined for any other resource.
 */
export function loadBalancerState(type: string, name: string, inputs: Record<string, any>, preview: boolean): Record<string, unknown> | undefined {
  if (type !== SERVICE_TYPE || inputs.spec?.type !== "LoadBalancer") return undefined;
  return { status: preview ? pulumi.runtime.unknownValue : { loadBalancer: { ingress: [{ hostname: loadBalancerHostname(name) }] } } };
}
