import { assertEquals, assertStringIncludes, assertThrows } from "../tests/assert.ts";
import { table, toCellOutputs } from "./cell_context.ts";
import type { TableOutput } from "./cell_output.ts";
import { renderHtml } from "./render_html.ts";
import type { ReportDocument } from "./compose_report.ts";

Deno.test("table() greys the rows marked by `muted` and leaves them out of `best`", () => {
  const rows = [
    { runtime: "runc", mibs: 1300, why: "" },
    { runtime: "runsc", mibs: 3200, why: "served from a cache" },
    { runtime: "crun", mibs: 1200, why: "" },
  ];
  const [output] = toCellOutputs(
    table(rows, { columns: ["runtime", { key: "mibs", best: "higher" }, "why"], muted: "why" }),
    undefined as unknown as Document,
  ) as TableOutput[];
  assertEquals(output.rows.map((r) => r.map((c) => c.muted ?? false)), [
    [false, false, false],
    [true, true, true],
    [false, false, false],
  ]);
  // 3200 is greyed, not the best: 1300 is.
  assertEquals(output.rows.map((r) => r[1].strong ?? false), [true, false, false]);
  const doc: ReportDocument = {
    name: "t",
    title: { kind: "prose", text: "T", inline: [] },
    authors: [],
    datasets: [],
    blocks: [{
      kind: "table",
      number: 1,
      caption: "c",
      columns: output.columns,
      rows: output.rows,
      file: "t-table-1.csv",
      anchor: "table-1",
    }],
  };
  const html = renderHtml(doc);
  assertStringIncludes(html, '<td class="left muted">runsc</td>');
  assertStringIncludes(html, "td.muted { color: #999; }");
});

Deno.test("table() shades cells by the tone a column gives, and refuses a tone it does not know", () => {
  const rows = [
    { runtime: "runsc", syscalls: "worse 45× 2/2", state: "worse" },
    { runtime: "runc", syscalls: "undetermined 0/2", state: "undetermined" },
    { runtime: "crun", syscalls: "—", state: undefined },
  ];
  const columns = [
    { key: "runtime" },
    { key: "syscalls", tone: (_v: unknown, row: Record<string, unknown>) => row.state as string },
  ];
  const [output] = toCellOutputs(
    table(rows, { columns }),
    undefined as unknown as Document,
  ) as TableOutput[];
  assertEquals(output.rows.map((r) => r.map((c) => c.tone)), [
    [undefined, "worse"],
    [undefined, "undetermined"],
    [undefined, undefined],
  ]);
  const doc: ReportDocument = {
    name: "t",
    title: { kind: "prose", text: "T", inline: [] },
    authors: [],
    datasets: [],
    blocks: [{
      kind: "table",
      number: 1,
      caption: "c",
      columns: output.columns,
      rows: output.rows,
      file: "t-table-1.csv",
      anchor: "table-1",
    }],
  };
  const html = renderHtml(doc);
  // The text stays in the cell (grey print), the class carries the colour.
  assertStringIncludes(html, '<td class="left tone tone-worse">worse 45× 2/2</td>');
  assertStringIncludes(html, "td.tone-worse { background:");
  assertThrows(
    () => table([{ a: 1 }], { columns: [{ key: "a", tone: () => "red" }] }),
    TypeError,
    'gave the tone "red"',
  );
});
