/**
 * Pulumi mocks for the components that join clusters through load balancers (SuperCluster, HubAndLeaf),
 * and the names those mocks give what the cloud would report.
 */
import { createHash } from "crypto";
import { installMocks, MockRecorder, unknownValue } from "./pulumi-mocks";

const RANDOM_BYTES = "random:index/randomBytes:RandomBytes";
const SERVICE = "kubernetes:core/v1:Service";

/** The hostname the mocked cloud gives the load balancer of a Service resource. */
export const loadBalancerHost = (serviceResource: string) => `${serviceResource}.elb.example.com`;

/** How the mocks record a resource's explicit Kubernetes provider of that name. */
export const providerReference = (name: string) => `urn:pulumi:test::nats-jetstream::pulumi:providers:kubernetes::${name}::${name}-id`;

/**
 * Mocks where every RandomBytes already has bytes derived from its name (keys already in state, as in any
 * preview after the first update), so JWTs resolve. Every Service's status is unknown in a preview, as
 * before its load balancer exists; in an update it reports a load balancer at `loadBalancerHost`.
 */
export function installLoadBalancerMocks(preview: boolean): Promise<MockRecorder> {
  return installMocks({
    preview,
    extraState: (type, name) => {
      if (type === RANDOM_BYTES) return { base64: createHash("sha256").update(name).digest("base64") };
      if (type === SERVICE) return { status: preview ? unknownValue : { loadBalancer: { ingress: [{ hostname: loadBalancerHost(name) }] } } };
      return undefined;
    },
  });
}
