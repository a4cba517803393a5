/** The local back end: a stack's servers as real nats-server processes on this machine. */
export * from "./server-binary";
export * from "./ports";
export * from "./monitor";
export * from "./local-server";
export * from "./local-cluster";
export * from "./run-dir";
export * from "./local-credentials";
export * from "./provision";
export * from "./smoke-plan";
export * from "./smoke-check";
export * from "./status";
