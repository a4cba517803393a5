/** `npm run schema`: writes schema/stack.schema.json from the stack schema (see components/model/stack-file-schema.ts). */
import * as fs from "fs";
import * as path from "path";
import { stackFileJsonSchema } from "../components/model/stack-file-schema";

/** Where the published schema lives, and the text it holds: the test that fails on a stale copy compares the two. */
export const STACK_SCHEMA_FILE = path.resolve(__dirname, "..", "schema", "stack.schema.json");

export function stackSchemaText(): string {
  return `${JSON.stringify(stackFileJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  fs.mkdirSync(path.dirname(STACK_SCHEMA_FILE), { recursive: true });
  fs.writeFileSync(STACK_SCHEMA_FILE, stackSchemaText());
  console.log(`wrote ${path.relative(process.cwd(), STACK_SCHEMA_FILE)}`);
}
