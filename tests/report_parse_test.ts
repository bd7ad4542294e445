/** The notebook format, number formatting and CSV writing, on small inputs. */
import { findInlineExpressions, parseNotebook } from "../report/parse_notebook.ts";
import { formatNumber, formatPercent, formatRatio } from "../report/format_number.ts";
import { renderCsv } from "../report/render_csv.ts";
import { topLevelNames, withImplicitReturn } from "../report/cell_source.ts";
import { assertEquals, assertThrows } from "./assert.ts";

Deno.test("parseNotebook() reads front matter, prose, cells with options and their lines", () => {
  const nb = parseNotebook(
    [
      "---",
      "title: A title",
      "authors: [X, Y]",
      "datasets: data/*.json",
      "analysis: { baseline: runc }",
      "---",
      "Intro ${1 + 1}.",
      "",
      '```ts echo caption="A \\"quoted\\" caption" id=fig-a',
      "Plot.plot({})",
      "```",
      "```sh",
      "not a cell",
      "```",
      "```js hidden",
      "const a = 1;",
      "```",
    ].join("\n"),
    "n.md",
  );
  assertEquals(nb.meta.title, "A title");
  assertEquals(nb.meta.authors, ["X", "Y"]);
  assertEquals(nb.meta.datasets, ["data/*.json"]);
  assertEquals(nb.meta.extra, { analysis: { baseline: "runc" } });
  assertEquals(nb.blocks.map((b) => b.kind), ["prose", "cell", "prose", "cell"]);
  const [, first, between, second] = nb.blocks;
  assertEquals(first.kind === "cell" && first, {
    kind: "cell",
    index: 1,
    lang: "ts",
    code: "Plot.plot({})",
    line: 10,
    options: {
      echo: true,
      norun: false,
      hidden: false,
      caption: 'A "quoted" caption',
      id: "fig-a",
    },
  });
  assertEquals(between.kind === "prose" && between.text, "```sh\nnot a cell\n```\n");
  assertEquals(second.kind === "cell" && [second.index, second.lang, second.options.hidden], [
    2,
    "js",
    true,
  ]);
});

Deno.test("parseNotebook() rejects an unknown cell option and an unclosed cell, with the line", () => {
  assertThrows(
    () => parseNotebook("```ts ecko\n1\n```", "a.md"),
    SyntaxError,
    'a.md:1: unknown cell option "ecko"',
  );
  assertThrows(() => parseNotebook("x\n```ts\n1\n", "b.md"), SyntaxError, "b.md:2: code block");
  assertThrows(
    () => parseNotebook("---\ntitle: [\n---\n", "c.md"),
    SyntaxError,
    "c.md: front matter",
  );
});

Deno.test("findInlineExpressions() nests braces, honours quotes and skips code spans", () => {
  const found = findInlineExpressions("a ${f({ x: '}' })} `${no}` ``${no}`` ${b}");
  assertEquals(found.map((f) => f.code), ["f({ x: '}' })", "b"]);
});

Deno.test("topLevelNames() and withImplicitReturn() see only column-0 statements", () => {
  assertEquals(
    topLevelNames(
      "const a = 1;\nlet { b, c: d, ...e } = x;\nfunction f() {\n  const inner = 2;\n}\nclass G {}",
    ),
    ["a", "b", "d", "e", "f", "G"],
  );
  assertEquals(
    withImplicitReturn("const a = 1;\ntable(a, {\n  x: 1,\n})"),
    "const a = 1;\nreturn table(a, {\n  x: 1,\n})",
  );
  assertEquals(withImplicitReturn("const a = 1;\nif (a) {\n  f();\n}"), undefined);
});

Deno.test("formatNumber() prints fixed, locale-free text", () => {
  assertEquals(formatNumber(12345.678), "12\u2009346");
  assertEquals(formatNumber(0.0581172), "0.05812");
  assertEquals(formatNumber(4.6532, { digits: 2 }), "4.65");
  assertEquals(formatNumber(-3.5, { unit: "ms" }), "\u22123.5\u202fms");
  assertEquals(formatNumber(null), "—");
  assertEquals(formatNumber(0), "0");
  assertEquals(formatRatio(1.23456), "1.23×");
  assertEquals(formatPercent(0.1234), "12.3%");
  assertEquals(formatPercent(0.05, { signed: true }), "+5.0%");
});

Deno.test("renderCsv() writes raw values with a header, CRLF line ends and quoting", () => {
  const csv = renderCsv({
    columns: [{ key: "a", label: "Name, full", align: "left" }, {
      key: "b",
      label: "v",
      align: "right",
    }],
    rows: [[{ text: "x", raw: 'say "hi"' }, { text: "1.2", raw: 1.23456 }], [{
      text: "—",
      raw: null,
    }, {
      text: "2",
      raw: 2,
    }]],
  });
  assertEquals(csv, '"Name, full",v\r\n"say ""hi""",1.23456\r\n,2\r\n');
});
