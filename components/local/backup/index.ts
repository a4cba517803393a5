/** Backups of a stack's streams and buckets through JetStream's snapshot API, and their restore. */
export * from "./snapshot-api";
export * from "./snapshot-client";
export * from "./restore-client";
export * from "./s2-frames";
export * from "./backup-directory";
export * from "./backup-run";
export * from "./restore-run";
