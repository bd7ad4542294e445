import { assertEquals } from "../tests/assert.ts";
import { JSON_SCHEMA_PATH, resultSetJsonSchema } from "./write_json_schema.ts";

Deno.test("the committed JSON Schema matches the zod schemas (run `deno task schema` if not)", async () => {
  const committed = await Deno.readTextFile(JSON_SCHEMA_PATH);
  assertEquals(committed, resultSetJsonSchema(), "schema/result_set.schema.json is stale");
});
