/** Clouds whose load balancers the Kubernetes back end knows how to ask for (the stack key `cloud`). */
export const Cloud = {
  /** AWS: gateway and leafnodes listeners behind network load balancers, through the AWS Load Balancer Controller. */
  aws: "aws",
} as const;
/** A cloud whose load balancers the Kubernetes back end knows how to ask for: `aws`. */
export type Cloud = (typeof Cloud)[keyof typeof Cloud];
export const CLOUDS: readonly Cloud[] = Object.values(Cloud);
