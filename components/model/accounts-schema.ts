/** The schema of the `accounts` key: accounts, their limits and their users, as AccountSpec declares them. */
import { z } from "zod";
import { CONNECTION_TYPES, EXPORT_TYPES } from "./accounts";
import { byteQuantity, countLimit, dnsLabel, flag, MAX_NODE_MEMORY, MAX_VOLUME_BYTES, natsName, oneOf, subject, text } from "./schema-fields";

/** A cluster has at most five servers, so an account's storage, which counts every replica, is at most five servers' worth. */
const MAX_SERVERS = 5;

const exportType = () => oneOf(EXPORT_TYPES);
const subjects = () => z.array(subject(), { error: "give a list of subjects" });

const limitsSchema = z.strictObject({
  conn: countLimit(0).optional(),
  subs: countLimit(0).optional(),
  payload: byteQuantity(64 * 2 ** 20, "nats-server refuses larger messages").optional(),
  data: byteQuantity(MAX_NODE_MEMORY, "data in flight is held in memory").optional(),
  imports: countLimit(0).optional(),
  exports: countLimit(0).optional(),
  wildcards: flag().optional(),
  leaf: countLimit(0).optional(),
  jetstream: z
    .strictObject({
      memStorage: byteQuantity(MAX_SERVERS * MAX_NODE_MEMORY, "five servers of the largest node's memory").optional(),
      diskStorage: byteQuantity(MAX_SERVERS * MAX_VOLUME_BYTES, "five servers of the largest volume").optional(),
      streams: countLimit(0).optional(),
      consumer: countLimit(0).optional(),
    })
    .optional(),
});

const userSchema = z.strictObject({
  name: dnsLabel(),
  publisher: z.strictObject({ stream: natsName(), subjects: subjects().min(1, { error: "list at least one of the stream's subjects, or leave subjects out for all" }).optional() }).optional(),
  worker: z.strictObject({ stream: natsName(), consumer: natsName() }).optional(),
  kvReader: z.strictObject({ bucket: text("name one of the account's key-value buckets") }).optional(),
  kvWriter: z.strictObject({ bucket: text("name one of the account's key-value buckets") }).optional(),
  provisioner: flag().optional(),
  admin: flag().optional(),
  permissions: z
    .strictObject({
      publish: subjects().optional(),
      subscribe: subjects().optional(),
      allowResponses: flag().optional(),
    })
    .optional(),
  connectionTypes: z
    .array(oneOf(CONNECTION_TYPES), { error: `list one or more of ${CONNECTION_TYPES.join(", ")}` })
    .min(1, { error: `list one or more of ${CONNECTION_TYPES.join(", ")}, or leave it out to allow any` })
    .optional(),
  expires: text('use an ISO 8601 date ("2027-01-31") or date-time with a zone ("2027-01-31T12:00:00Z")').optional(),
  rotation: text('use a non-empty text such as "2026-11"; change it to issue new keys').optional(),
});

export const accountSchema = z.strictObject({
  name: dnsLabel(),
  subjects: subjects().optional(),
  exports: z.array(z.strictObject({ subject: subject(), type: exportType() })).optional(),
  imports: z.array(z.strictObject({ account: dnsLabel(), subject: subject(), type: exportType(), localSubject: subject().optional() })).optional(),
  limits: limitsSchema.optional(),
  signingKey: flag().optional(),
  rotation: text('use a non-empty text such as "2026-11"; change it to issue new keys').optional(),
  users: z.array(userSchema).optional(),
});
