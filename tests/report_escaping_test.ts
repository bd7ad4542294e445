/**
 * A results file whose host name, runtime names, versions, metric names and failure messages
 * hold markup must render as text in every output: HTML, Markdown, SVG and CSV.
 */
import { JSDOM } from "jsdom";
import { buildReport } from "../report/build_report.ts";
import { escapeHtml, escapeMarkdown } from "../report/escape.ts";
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";

Deno.test("markup in a results file's host name, names and messages renders as text", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-report-escaping-" });
  try {
    const built = await buildReport("fixtures/notebooks/hostile.md", { outDir: dir });
    const html = await Deno.readTextFile(`${dir}/hostile.html`);
    const markdown = await Deno.readTextFile(`${dir}/hostile.md`);
    // Parse the page as a browser would and look for anything active.
    const document = new JSDOM(html).window.document;
    assertEquals(document.querySelectorAll("script, img, iframe, object, embed, a").length, 0);
    const handlers = [...document.querySelectorAll("*")].flatMap((e) =>
      [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}`)
    );
    assertEquals(handlers, [], "no element carries an event handler");
    assertStringIncludes(
      document.querySelector("#from-html")?.textContent ?? "",
      "<script>alert(document.domain)</script> 1.0</td></tr></table><script>alert(3)</script>",
    );
    // Host name: in the title, inline prose, an html template, a table and its caption.
    const escapedHost = "&lt;script&gt;alert(document.domain)&lt;/script&gt;";
    assertEquals(html.split(escapedHost).length - 1 >= 5, true, "host name shown as text 5 times");
    assertStringIncludes(html, "<title>Escaping: &lt;script&gt;alert(document.domain)");
    assertStringIncludes(html, "1.0&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;");
    assertStringIncludes(html, "&lt;/pre&gt;&lt;script&gt;alert(5)&lt;/script&gt;");
    // Markdown: no raw tag survives, table pipes are escaped.
    assert(!/<script\b/i.test(markdown), "no script element reaches the Markdown");
    assert(!/<img\b/i.test(markdown), "no img element reaches the Markdown");
    assertStringIncludes(markdown, "Runtime \\| with \\* markdown \\_ chars # and \\`ticks\\`");
    // The figure file: the axis label is text inside the SVG.
    const svgFile = built.files.find((f) => f.endsWith(".svg"))!;
    const svg = await Deno.readTextFile(svgFile);
    const figure = new JSDOM(svg, { contentType: "image/svg+xml" }).window.document;
    assertEquals(figure.querySelectorAll("svg svg, script, foreignObject").length, 0);
    assertStringIncludes(svg, "&lt;svg onload=alert(4)&gt;");
    // CSV keeps the raw text (it is data), quoted where needed.
    const csv = await Deno.readTextFile(`${dir}/hostile-table-1.csv`);
    assertStringIncludes(csv, "<img src=x onerror=alert(2)>");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("escapeHtml() escapes the five characters that matter in content and attributes", () => {
  assertEquals(
    escapeHtml(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  );
});

Deno.test("escapeMarkdown() keeps text from becoming emphasis, links, tables, HTML or lists", () => {
  assertEquals(
    escapeMarkdown("*a* _b_ [c](d) e|f `g` <h>"),
    "\\*a\\* \\_b\\_ \\[c\\](d) e\\|f \\`g\\` &lt;h&gt;",
  );
  assertEquals(escapeMarkdown("# title"), "\\# title");
  assertEquals(escapeMarkdown("1. item"), "1\\. item");
  assertEquals(escapeMarkdown("4.811"), "4.811");
  assertEquals(escapeMarkdown("a\nb"), "a b");
});
