/**
 * OpenAPI schemas of NACK's `jetstream.nats.io/v1beta2` kinds, field for field as NACK's own CRDs declare
 * their specs. They are structural (every node typed), as the API server requires of a CRD schema, and the
 * API server prunes any field they do not list.
 */

export interface OpenApiSchema {
  type: "object" | "array" | "string" | "integer" | "number" | "boolean";
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  /** The schema of every value of a map. */
  additionalProperties?: OpenApiSchema;
  items?: OpenApiSchema;
  required?: string[];
  enum?: string[];
  pattern?: string;
  minLength?: number;
  minimum?: number;
  maximum?: number;
}

const string: OpenApiSchema = { type: "string" };
const integer: OpenApiSchema = { type: "integer" };
const boolean: OpenApiSchema = { type: "boolean" };
const strings: OpenApiSchema = { type: "array", items: string };
const stringMap: OpenApiSchema = { type: "object", additionalProperties: string };
const oneOf = (...values: string[]): OpenApiSchema => ({ type: "string", enum: values });
const object = (properties: Record<string, OpenApiSchema>, required?: string[]): OpenApiSchema => ({
  type: "object",
  properties,
  ...(required !== undefined ? { required } : {}),
});
/** NATS names may not hold the subject separators and wildcards. */
const natsName = (minLength: number): OpenApiSchema => ({ type: "string", pattern: minLength > 0 ? "^[^.*>]+$" : "^[^.*>]*$", minLength });

/** How each object reaches the server, and what deleting or changing the object does. */
const connection: Record<string, OpenApiSchema> = {
  account: natsName(0),
  creds: { type: "string", description: "Path of a creds file inside the controller's pod; the object is created in that user's account." },
  nkey: string,
  preventDelete: { type: "boolean", description: "Keep the JetStream object when this object is deleted." },
  preventUpdate: boolean,
  servers: strings,
  tls: object({ clientCert: string, clientKey: string, rootCas: strings }),
  tlsFirst: boolean,
  jsDomain: string,
};

const subjectTransform = object({ source: string, dest: string });
const streamSource = object({
  name: string,
  optStartSeq: integer,
  optStartTime: string,
  filterSubject: string,
  externalApiPrefix: string,
  externalDeliverPrefix: string,
  subjectTransforms: { type: "array", items: subjectTransform },
});
const placement = object({ cluster: string, tags: strings });
const republish = object({ destination: string, source: string, headers_only: boolean });

const streamSpec = object({
  name: natsName(1),
  description: string,
  subjects: { type: "array", items: { type: "string", minLength: 1 } },
  retention: oneOf("limits", "interest", "workqueue"),
  maxConsumers: { type: "integer", minimum: -1 },
  maxMsgs: { type: "integer", minimum: -1 },
  maxBytes: { type: "integer", minimum: -1 },
  discard: oneOf("old", "new"),
  discardPerSubject: boolean,
  maxAge: string,
  maxMsgsPerSubject: integer,
  maxMsgSize: { type: "integer", minimum: -1 },
  storage: oneOf("file", "memory"),
  replicas: { type: "integer", minimum: 1 },
  noAck: boolean,
  duplicateWindow: string,
  placement,
  mirror: streamSource,
  sources: { type: "array", items: streamSource },
  sealed: boolean,
  denyDelete: boolean,
  denyPurge: boolean,
  allowRollup: boolean,
  compression: oneOf("s2", "none", ""),
  firstSequence: { type: "number" },
  subjectTransform,
  republish,
  allowDirect: boolean,
  mirrorDirect: boolean,
  allowMsgTtl: boolean,
  subjectDeleteMarkerTtl: string,
  allowMsgCounter: boolean,
  allowAtomicPublish: boolean,
  allowMsgSchedules: boolean,
  persistMode: string,
  consumerLimits: object({ inactiveThreshold: string, maxAckPending: integer }),
  metadata: stringMap,
  ...connection,
});

const consumerSpec = object({
  durableName: natsName(1),
  streamName: string,
  deliverPolicy: oneOf("all", "last", "new", "byStartSequence", "byStartTime"),
  optStartSeq: { type: "integer", minimum: 0 },
  optStartTime: string,
  deliverSubject: string,
  ackPolicy: oneOf("none", "all", "explicit"),
  ackWait: string,
  maxDeliver: { type: "integer", minimum: -1 },
  backoff: strings,
  filterSubject: string,
  filterSubjects: strings,
  replayPolicy: oneOf("instant", "original"),
  sampleFreq: string,
  maxWaiting: integer,
  rateLimitBps: integer,
  maxAckPending: integer,
  deliverGroup: string,
  description: string,
  flowControl: boolean,
  headersOnly: boolean,
  heartbeatInterval: string,
  maxRequestBatch: integer,
  maxRequestExpires: string,
  maxRequestMaxBytes: integer,
  inactiveThreshold: string,
  pauseUntil: string,
  priorityPolicy: string,
  pinnedTtl: string,
  priorityGroups: strings,
  replicas: integer,
  memStorage: boolean,
  metadata: stringMap,
  ...connection,
});

const keyValueSpec = object({
  bucket: string,
  description: string,
  maxValueSize: integer,
  history: integer,
  ttl: string,
  limitMarkerTtl: integer,
  maxBytes: integer,
  storage: oneOf("file", "memory"),
  replicas: { type: "integer", minimum: 1, maximum: 5 },
  placement,
  republish,
  mirror: streamSource,
  compression: boolean,
  sources: { type: "array", items: streamSource },
  ...connection,
});

const objectStoreSpec = object({
  bucket: string,
  description: string,
  ttl: string,
  maxBytes: integer,
  storage: oneOf("file", "memory"),
  replicas: { type: "integer", minimum: 1, maximum: 5 },
  placement,
  compression: boolean,
  metadata: stringMap,
  ...connection,
});

const secretRef = object({ name: string }, ["name"]);
/** Connection settings other objects may refer to; it creates no NATS account. */
const accountSpec = object({
  servers: strings,
  tls: object({ secret: secretRef, ca: string, cert: string, key: string }),
  creds: object({ secret: secretRef, file: string }),
  token: object({ secret: secretRef, token: string }),
  user: object({ secret: secretRef, user: string, password: string }),
});

/** What the controller reports back on each object. */
export const NACK_STATUS_SCHEMA = object({
  observedGeneration: integer,
  conditions: {
    type: "array",
    items: object({ type: string, status: string, lastTransitionTime: string, reason: string, message: string }),
  },
});

/** The spec schema of each NACK kind, by kind. */
export const NACK_SPEC_SCHEMAS = {
  Stream: streamSpec,
  Consumer: consumerSpec,
  KeyValue: keyValueSpec,
  ObjectStore: objectStoreSpec,
  Account: accountSpec,
} as const satisfies Record<string, OpenApiSchema>;

export type NackKind = keyof typeof NACK_SPEC_SCHEMAS;
