/** Clouds whose load balancers the Kubernetes back end knows how to ask for (the stack key `cloud`). */
export const CLOUDS = ["aws"] as const;
export type Cloud = (typeof CLOUDS)[number];
