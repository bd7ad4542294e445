import { assert, assertEquals, assertRejects, assertStringIncludes } from "../tests/assert.ts";
import { InvalidInputError, readResultSet } from "./read_result_set.ts";
import { writeResultSet } from "./write_result_set.ts";
import { type ResultSet, SCHEMA_VERSION } from "./result_set.ts";

function minimalSet(): ResultSet {
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: "t1",
    status: "complete",
    host: { id: "h", description: "test host", cores: 2, memoryBytes: 1024 },
    runtimes: [{ id: "native", name: "native", isolation: "native", historical: false }],
    benchmarks: [{ id: "b", name: "b", category: "cpu", tool: "t" }],
    metrics: [{
      id: "b.m",
      benchmark: "b",
      name: "m",
      category: "cpu",
      unit: "s",
      direction: "lower",
    }],
    samples: [0, 1, 2, 3].map((i) => ({
      kind: "sample" as const,
      runtime: "native",
      benchmark: "b",
      metric: "b.m",
      unit: "s",
      direction: "lower" as const,
      value: 1 + i / 10,
      iteration: i,
      warmup: false,
      startedAt: "2026-11-27T08:00:00.000Z",
      finishedAt: "2026-11-27T08:00:01.000Z",
    })),
    failures: [],
  };
}

async function errorFor(text: string, name = "x.json"): Promise<string> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, text);
  const error = await assertRejects(() => readResultSet(path), InvalidInputError);
  await Deno.remove(dir, { recursive: true });
  return error.message.replace(dir + "/", "");
}

Deno.test("readResultSet() round-trips what writeResultSet() wrote", async () => {
  const dir = await Deno.makeTempDir();
  const set = minimalSet();
  await writeResultSet(`${dir}/r.json`, set);
  assertEquals(await readResultSet(`${dir}/r.json`), set);
  assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["r.json"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readResultSet() names the path, expected type and found value of a wrong type", async () => {
  const bad = minimalSet() as unknown as { samples: Record<string, unknown>[] };
  bad.samples[3].value = "12,5";
  assertEquals(
    await errorFor(JSON.stringify(bad)),
    'Cannot read results "x.json": samples[3].value: expected number, got string "12,5"',
  );
});

Deno.test("readResultSet() reports a missing field by its path", async () => {
  const bad = minimalSet() as unknown as { host: Record<string, unknown> };
  delete bad.host.cores;
  assertEquals(
    await errorFor(JSON.stringify(bad)),
    'Cannot read results "x.json": host.cores: expected number, got nothing',
  );
});

Deno.test("readResultSet() gives line and column for text that is not JSON", async () => {
  const message = await errorFor('{\n  "schemaVersion": 1,\n  "runId": oops\n}');
  assertStringIncludes(
    message,
    'Cannot read results "x.json": not valid JSON at line 3, column 12',
  );
  assert(!message.includes("\n"), "one line");
});

Deno.test("readResultSet() says an empty file is empty", async () => {
  assertEquals(await errorFor(""), 'Cannot read results "x.json": the file is empty');
  assertEquals(await errorFor("  \n"), 'Cannot read results "x.json": the file is empty');
});

Deno.test("readResultSet() reports references to unknown runtimes and metrics", async () => {
  const bad = minimalSet();
  bad.samples[1] = { ...bad.samples[1], runtime: "runc" };
  bad.samples[2] = { ...bad.samples[2], metric: "b.other" };
  const message = await errorFor(JSON.stringify(bad));
  assertStringIncludes(message, 'samples[1].runtime: unknown runtime "runc"');
  assertStringIncludes(message, 'samples[2].metric: unknown metric "b.other"');
});

Deno.test("readResultSet() reports a bad enum value with the allowed ones", async () => {
  const bad = minimalSet() as unknown as { samples: Record<string, unknown>[] };
  bad.samples[0].direction = "up";
  assertStringIncludes(
    await errorFor(JSON.stringify(bad)),
    'samples[0].direction: expected one of "higher", "lower", "none", got string "up"',
  );
});

Deno.test("readResultSet() says when the file does not exist", async () => {
  const error = await assertRejects(() => readResultSet("/nonexistent/r.json"), InvalidInputError);
  assertEquals(error.message, 'Cannot read results "/nonexistent/r.json": no such file');
});

Deno.test("writeResultSet() refuses an invalid set and leaves no file", async () => {
  const dir = await Deno.makeTempDir();
  const bad = minimalSet();
  bad.samples[0] = { ...bad.samples[0], value: Number.NaN };
  await assertRejects(() => writeResultSet(`${dir}/r.json`, bad), TypeError, "samples[0].value");
  assertEquals([...Deno.readDirSync(dir)].length, 0);
  await Deno.remove(dir, { recursive: true });
});
