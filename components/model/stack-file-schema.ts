/**
 * The JSON Schema of a whole stack file (stacks/Pulumi.<stack>.yaml), generated from the stack schema, so
 * editors complete and check the same keys the tools and the program accept. Published at
 * schema/stack.schema.json by `npm run schema`.
 */
import { z } from "zod";
import { OTHER_CONFIG_NAMESPACES, PROJECT_NAME } from "./stack-file";
import { SECRET_KEYS, STACK_KEYS, stackKeysShape } from "./stack-schema";

/** A value `pulumi config set --secret` encrypted into the file. */
const secureValue = z.strictObject({ secure: z.string() }).meta({ description: "A value encrypted by `pulumi config set --secret`." });

const configSchema = z.strictObject(
  Object.fromEntries(
    STACK_KEYS.map((key) => {
      const schema: z.ZodType = stackKeysShape[key];
      return [`${PROJECT_NAME}:${key}`, SECRET_KEYS.includes(key) ? z.union([schema, secureValue]).optional() : schema];
    }),
  ),
);

const stackFileSchema = z.strictObject({
  config: configSchema.meta({ description: `The stack's settings: keys of the ${PROJECT_NAME}: namespace, and of ${OTHER_CONFIG_NAMESPACES.join(", ")}.` }),
  secretsprovider: z.string().optional(),
  encryptedkey: z.string().optional(),
  encryptionsalt: z.string().optional(),
  environment: z.array(z.string()).optional(),
});

/** The JSON Schema (draft-07, which editors' YAML support reads) of a stack file. */
export function stackFileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(stackFileSchema, { target: "draft-7", io: "input" });
  const config = (schema.properties as Record<string, Record<string, unknown>>).config;
  // Other namespaces belong to Pulumi and the providers, which check their own keys.
  config.patternProperties = { [`^(${OTHER_CONFIG_NAMESPACES.join("|")}):`]: {} };
  return { ...schema, title: `Pulumi stack file of the ${PROJECT_NAME} project` };
}
