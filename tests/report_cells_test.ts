/**
 * Notebook cells: the sandbox denies files, network and environment; failures name the
 * notebook, the cell and the line; `--keep-going` shows them in place; declarations carry over
 * to later cells; a cell's last expression is its value.
 */
import { CellError, forbiddenSource, notebookAnalysis, runCells } from "../report/run_cells.ts";
import { parseNotebook } from "../report/parse_notebook.ts";
import { readResultSet } from "../model/read_result_set.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "./assert.ts";

const set = await readResultSet("fixtures/paper_2020/table6_ycruncher.json");

function notebook(cells: string[], prose = ""): string {
  return `---\ntitle: T\n---\n${prose}\n` + cells.map((c) => "```ts\n" + c + "\n```\n").join("\n");
}

Deno.test("a cell cannot read files, use the network or read the environment", async () => {
  const nb = parseNotebook(
    notebook([
      'Deno.readTextFileSync("/etc/hostname")',
      'await fetch("http://127.0.0.1:8080/")',
      'Deno.env.get("HOME")',
      'await import("file:///etc/passwd")',
      'new Deno.Command("true").outputSync()',
    ]),
    "sandbox.md",
  );
  const run = await runCells(nb, [set], { keepGoing: true });
  assertEquals(run.errors.length, 5, run.errors.map((e) => e.message).join("\n"));
  for (const error of run.errors) {
    assert(
      /NotCapable|requires|permission|not allowed/i.test(error.message),
      `not a permission error: ${error.message}`,
    );
  }
});

Deno.test("a failing cell stops the build, naming the notebook file, cell number and line", async () => {
  const text = notebook(["const a = 1;", "const b = 2;\nconst c = b.nothing.deeper;\nc"]);
  const nb = parseNotebook(text, "notebooks/broken.md");
  const error = await assertRejects(() => runCells(nb, [set]), CellError);
  const line = text.split("\n").indexOf("const c = b.nothing.deeper;") + 1;
  assertStringIncludes(
    error.message,
    `notebooks/broken.md: cell 2 (line ${line}) failed: TypeError`,
  );
  assertEquals([error.cell, error.line], [2, line]);
});

Deno.test("a syntax error is located too", async () => {
  const text = notebook(["const x = 1;\nconst y = (;\n"]);
  const error = await assertRejects(
    () => runCells(parseNotebook(text, "s.md"), [set]),
    CellError,
  );
  assertStringIncludes(error.message, "s.md: cell 1");
  assertStringIncludes(error.message, "SyntaxError");
});

Deno.test("with keepGoing a failure is recorded in place and later cells still run", async () => {
  const nb = parseNotebook(notebook(["throw new Error('first')", "40 + 2"]), "k.md");
  const run = await runCells(nb, [set], { keepGoing: true });
  assertEquals(run.errors.length, 1);
  const [first, second] = run.blocks.filter((b) => b.kind === "cell");
  assert(first.kind === "cell" && first.error?.message.includes("Error: first"));
  assert(second.kind === "cell");
  assertEquals(second.outputs, [{ kind: "text", text: "42" }]);
});

Deno.test("declarations carry over; values come from return or the last expression", async () => {
  const nb = parseNotebook(
    notebook([
      "const n = sets[0].runtimes.length;\nfunction twice(x) { return 2 * x; }",
      "twice(n)",
      "const m = n + 1;\nreturn `m=${m}`;",
      "const rows = [1, 2];\ntable(rows.map((v) => ({ v })), {\n  caption: 'c',\n})",
    ], "Inline: ${twice(n)} and ${m}, `${skipped}`."),
    "scope.md",
  );
  const run = await runCells(nb, [set]);
  const outputs = run.blocks.flatMap((b) => (b.kind === "cell" ? b.outputs : []));
  assertEquals(outputs.slice(0, 2), [{ kind: "text", text: "16" }, { kind: "text", text: "m=9" }]);
  assertEquals(outputs[2].kind, "table");
  const prose = run.blocks.find((b) => b.kind === "prose");
  assert(prose?.kind === "prose");
  assertEquals(prose.inline, [{ kind: "text", text: "16" }, { kind: "text", text: "9" }]);
  assertStringIncludes(prose.text, "`${skipped}`");
});

Deno.test("a cell that runs too long is stopped and named", async () => {
  const nb = parseNotebook(notebook(["while (true) {}", "1"]), "slow.md");
  const run = await runCells(nb, [set], { keepGoing: true, timeoutMs: 1500 });
  assertStringIncludes(run.errors[0].message, "slow.md: cell 1");
  assertStringIncludes(run.errors[0].message, "did not finish within 1.5 s");
  assertStringIncludes(run.errors[1].message, "cell 2");
});

Deno.test("a cell cannot load modules: import, require and code built from strings fail", async () => {
  const lock = await Deno.readTextFile("deno.lock");
  const nb = parseNotebook(
    notebook([
      'await import("npm:left-pad@1.3.0")',
      'await import("jsr:@std/fmt@1")',
      "require('node:fs')",
      'Function("return 1")()',
      '(async () => {}).constructor("return 1")',
      "(0, eval)('1')",
      '[].constructor.constructor("return 1")()',
      'typeof Worker + " " + typeof WebAssembly',
    ]),
    "modules.md",
  );
  const run = await runCells(nb, [set], { keepGoing: true });
  const messages = run.errors.map((e) => e.message);
  assertEquals(run.errors.map((e) => e.cell), [1, 2, 3, 4, 5, 6, 7], messages.join("\n"));
  assertStringIncludes(
    messages[0],
    'modules.md: cell 1 (starting at line 6) failed: SecurityError: "import" is not allowed',
  );
  assertStringIncludes(messages[2], '"require" is not allowed');
  for (const m of messages.slice(3)) assertStringIncludes(m, "code generation from strings");
  const last = run.blocks.filter((b) => b.kind === "cell").at(-1)!;
  assert(last.kind === "cell");
  assertEquals(last.outputs, [{ kind: "text", text: "undefined undefined" }]);
  assertEquals(await Deno.readTextFile("deno.lock"), lock);
});

Deno.test("forbiddenSource() refuses the words import and require, not names containing them", () => {
  assert(forbiddenSource("const important = 1; const required = 2;") === undefined);
  assertStringIncludes(forbiddenSource("x = import.meta")!, '"import"');
  assertStringIncludes(forbiddenSource("const r = require\n('x')")!, '"require"');
});

for (
  const [what, code] of [
    ["the heap", "const kept = [];\nwhile (true) kept.push(new Array(1e6).fill(Math.random()));"],
    [
      "buffers",
      "const big = [];\nwhile (true) big.push(new Uint8Array(64 * 1024 * 1024).fill(1));",
    ],
  ]
) {
  Deno.test(`a cell that fills ${what} fails with its number and the limit, not the builder`, async () => {
    const nb = parseNotebook(notebook([code, "1"]), "memory.md");
    const run = await runCells(nb, [set], { keepGoing: true, memoryMiB: 200 });
    assertStringIncludes(
      run.errors[0]?.message ?? "",
      "memory.md: cell 1 (starting at line 6) failed: Error: cell 1 used more than 200 MiB",
    );
    assertStringIncludes(run.errors[1].message, "not run: the cell sandbox was stopped earlier");
  });
}

Deno.test("an answer of the sandbox that is not JSON, of the wrong shape or for no request is a clear error", async () => {
  const sandboxModule = new URL("./misbehaving_sandbox.ts", import.meta.url);
  const cases = [
    ["not-json", "the cell sandbox sent a malformed message while running cell 1 (it is not JSON)"],
    [
      "wrong-shape",
      "the cell sandbox sent a malformed message while running cell 1 (outputs.0.svg: Invalid input",
    ],
    ["unknown-id", "it answers request 99, which is not open"],
  ];
  for (const [code, message] of cases) {
    const nb = parseNotebook(notebook([code, "1"]), "protocol.md");
    const run = await runCells(nb, [set], { keepGoing: true, sandboxModule, timeoutMs: 5000 });
    assertStringIncludes(run.errors[0]?.message ?? "(no error)", message);
    assertStringIncludes(run.errors[1].message, "not run: the cell sandbox was stopped earlier");
  }
  const forged = await runCells(parseNotebook(notebook(["forged"]), "f.md"), [set], {
    sandboxModule,
  });
  const cell = forged.blocks.find((b) => b.kind === "cell");
  assert(cell?.kind === "cell");
  assertEquals(cell.outputs, [{ kind: "text", text: "real" }]);
});

Deno.test("the sandbox refuses to run cells when started with any permission not denied", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--allow-read", "report/cell_worker.ts"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 3);
  assertStringIncludes(
    new TextDecoder().decode(out.stderr),
    "ocibench cell sandbox: refusing to run cells: permissions not denied: read, write, net, env, run, ffi, sys, import",
  );
});

Deno.test("cells see the analysis the builder made, not one of their own", async () => {
  const nb = parseNotebook(
    notebook(["analysis.notes.join(' | ')", "JSON.stringify(analysis.settings)"]),
    "analysis.md",
  );
  const given = notebookAnalysis(nb, [set], ["t6.json"]);
  given.notes.push("made by the builder");
  const run = await runCells(nb, [set], { labels: ["t6.json"], analysis: given });
  const texts = run.blocks.flatMap((b) => b.kind === "cell" ? b.outputs : []).map((o) =>
    o.kind === "text" ? o.text : ""
  );
  assertStringIncludes(texts[0], "made by the builder");
  assertEquals(JSON.parse(texts[1]), JSON.parse(JSON.stringify(given.settings)));
  // Without one, the builder makes it: what `analyze --format json` gives for the same files.
  const own = await runCells(nb, [set], { labels: ["t6.json"] });
  const first = own.blocks.find((b) => b.kind === "cell");
  assertEquals(
    first?.kind === "cell" ? first.outputs : null,
    [{ kind: "text", text: notebookAnalysis(nb, [set], ["t6.json"]).notes.join(" | ") }],
  );
});

Deno.test("analysis options the data cannot meet fail at the cell that uses the analysis", async () => {
  const text = "---\ntitle: T\nanalysis: { baseline: nope }\n---\n" +
    "```ts\n1 + 1\n```\n\n```ts\nanalysis.groups.length\n```\n";
  const run = await runCells(parseNotebook(text, "bad_baseline.md"), [set], {
    keepGoing: true,
    labels: ["t6.json"],
  });
  assertEquals(run.errors.length, 1);
  assertEquals(run.errors[0].cell, 2);
  assertStringIncludes(run.errors[0].message, 'baseline "nope"');
});
