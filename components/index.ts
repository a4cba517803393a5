/** Public API of the component package. */
export * as model from "./model";
export * as kubernetes from "./kubernetes";
