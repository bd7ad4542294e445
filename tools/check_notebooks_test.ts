import { assert, assertEquals, assertStringIncludes } from "../tests/assert.ts";
import { checkNotebooks } from "./check_notebooks.ts";

const GOOD = `---
title: "Runs of \${sets.length} sets"
---

The fastest is \${fastest.runtime}, computed below.

\`\`\`ts hidden
const rows = observations.filter((o) => o.value !== null);
function mean(xs) {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
\`\`\`

\`\`\`ts
// A later cell sees earlier names and may declare one again.
const rows = analysis.groups[0].metrics.map((m) => ({ metric: m.name, n: m.summaries.length }));
const fastest = [...observations].sort((a, b) => a.value - b.value)[0];
table(rows, { columns: ["metric", { key: "n", align: "right" }] });
\`\`\`

\`\`\`ts norun
thisIsNotRun.at.all;
\`\`\`
`;

const BAD = `---
title: Broken
---

Inline: \${analysis.groups[0].hostIdz}.

\`\`\`ts
const group = analysis.groups[0];
\`\`\`

\`\`\`ts caption="x"
Plot.plot({
  marks: [Plot.dot(observations, { x: "value", y: "runtime" })],
  title: analysis.groups[0].nonexistent,
});
\`\`\`
`;

Deno.test("checkNotebooks() fails a wrong field in a cell or in prose, at its notebook line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-check-notebooks-test-" });
  try {
    await Deno.writeTextFile(`${dir}/good.md`, GOOD);
    await Deno.writeTextFile(`${dir}/bad.md`, BAD);
    const result = await checkNotebooks([`${dir}/good.md`, `${dir}/bad.md`]);
    assertEquals(result.ok, false);
    assertEquals(result.notebooks, 2);
    assertEquals(result.cells, 4, "the norun cell is not checked");
    assertStringIncludes(result.report, "Property 'nonexistent' does not exist on type");
    assertStringIncludes(result.report, `${dir}/bad.md:14:29 (cell 2)`);
    assertStringIncludes(result.report, "Property 'hostIdz' does not exist");
    assertStringIncludes(result.report, `${dir}/bad.md:5:30 (inline expression)`);
    assert(!result.report.includes("good.md"), result.report);
    assert(!/ocibench-notebook-cells-/.test(result.report), "no place in a generated file");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
