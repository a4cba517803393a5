/** Public API of the component package. */
export * as model from "./model";
export * as kubernetes from "./kubernetes";
export * as credentials from "./credentials";
export * as workloads from "./workloads";
