/**
 * The Pulumi program gets its config as text (pulumi.runtime.allConfig()): the CLI writes text as it is,
 * flags as "true"/"false" and everything else as JSON. Decoding by what the schema declares each key to be
 * gives the values the stack file holds, so the program checks them with the same schema as the tools.
 */
import { z } from "zod";
import { PROJECT_NAME } from "./stack-file";
import { stackKeysShape } from "./stack-schema";

function declared(key: string): z.ZodType | undefined {
  let schema = (stackKeysShape as Record<string, z.ZodType>)[key];
  while (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) schema = schema.unwrap() as z.ZodType;
  return schema;
}

function decode(key: string, text: string): unknown {
  const schema = declared(key);
  if (schema instanceof z.ZodString || schema instanceof z.ZodEnum) return text;
  // Anything else the CLI wrote is JSON (a flag is "true" or "false"); text that is not stays text for the schema to refuse.
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The project's keys of the program's config, without the namespace, decoded. Other namespaces are left to their providers. */
export function decodeProgramConfig(all: Record<string, string>): Record<string, unknown> {
  const prefix = `${PROJECT_NAME}:`;
  return Object.fromEntries(Object.entries(all).flatMap(([key, text]) => (key.startsWith(prefix) ? [[key.slice(prefix.length), decode(key.slice(prefix.length), text)]] : [])));
}
