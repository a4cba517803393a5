/** Operator-mode credentials: keys from stored random bytes, JWTs, creds, the server's conf section and their Pulumi component. */
export * from "./keys";
export * from "./jwt";
export * from "./operator-config";
export * from "./generate";
export * from "./files";
export * from "./secrets";
export * from "./component";
