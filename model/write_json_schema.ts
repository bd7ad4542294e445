/**
 * Generates `schema/result_set.schema.json` from the zod schemas (`deno task schema`).
 *
 * @module
 */
import { z } from "zod";
import { ResultSetSchema } from "./result_set.ts";

/** The JSON Schema of a result set, as text, stable for a given zod schema. */
export function resultSetJsonSchema(): string {
  const schema = z.toJSONSchema(ResultSetSchema, { target: "draft-2020-12", io: "input" });
  return JSON.stringify(
    { title: "ocibench result set", ...schema },
    null,
    2,
  ) + "\n";
}

/** Where the generated schema is committed. */
export const JSON_SCHEMA_PATH = new URL("../schema/result_set.schema.json", import.meta.url);

if (import.meta.main) {
  await Deno.writeTextFile(JSON_SCHEMA_PATH, resultSetJsonSchema());
  console.error(`wrote ${JSON_SCHEMA_PATH.pathname}`);
}
