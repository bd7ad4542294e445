import { assertEquals, assertStringIncludes } from "../tests/assert.ts";
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
