/**
 * Golden tests: the small fixture notebook `fixtures/notebooks/golden.md` must render to exactly
 * the HTML, Markdown, SVG and CSV kept in `fixtures/notebooks/expected/`, and twice the same.
 * After an intended change, regenerate with `OCIBENCH_UPDATE_GOLDEN=1 deno task test
 * tests/report_golden_test.ts` and review the diff.
 */
import { JSDOM } from "jsdom";
import { buildReport } from "../report/build_report.ts";
import { assert, assertEquals } from "./assert.ts";

const NOTEBOOK = "fixtures/notebooks/golden.md";
const EXPECTED = "fixtures/notebooks/expected";

async function build(): Promise<{ dir: string; files: Map<string, string> }> {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-report-golden-" });
  const built = await buildReport(NOTEBOOK, { outDir: dir });
  const files = new Map<string, string>();
  for (const path of built.files) {
    files.set(path.slice(dir.length + 1), await Deno.readTextFile(path));
  }
  return { dir, files };
}

Deno.test("golden notebook renders to the kept HTML, Markdown, SVG and CSV byte for byte", async () => {
  const { dir, files } = await build();
  try {
    assertEquals(
      [...files.keys()].sort(),
      ["golden-figure-1.svg", "golden-table-1.csv", "golden.html", "golden.md"],
    );
    if (Deno.env.get("OCIBENCH_UPDATE_GOLDEN") === "1") {
      await Deno.mkdir(EXPECTED, { recursive: true });
      for (const [name, text] of files) await Deno.writeTextFile(`${EXPECTED}/${name}`, text);
      console.log(`golden files rewritten in ${EXPECTED}`);
    }
    for (const [name, text] of files) {
      const expected = await Deno.readTextFile(`${EXPECTED}/${name}`);
      if (text !== expected) {
        const lines = text.split("\n");
        const wanted = expected.split("\n");
        const at = lines.findIndex((l, i) => l !== wanted[i]);
        throw new Error(
          `${name} differs from ${EXPECTED}/${name} at line ${at + 1}:\n` +
            `  got:      ${lines[at]?.slice(0, 200)}\n  expected: ${wanted[at]?.slice(0, 200)}\n` +
            "(OCIBENCH_UPDATE_GOLDEN=1 rewrites the golden files after an intended change)",
        );
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the same notebook and data give byte-identical output on a second build", async () => {
  const first = await build();
  const second = await build();
  try {
    assertEquals([...second.files.keys()], [...first.files.keys()]);
    for (const [name, text] of first.files) {
      assert(second.files.get(name) === text, `${name} differs between two builds`);
    }
  } finally {
    await Deno.remove(first.dir, { recursive: true });
    await Deno.remove(second.dir, { recursive: true });
  }
});

Deno.test("golden HTML is self-contained: a CSP that forbids scripts, no external reference", async () => {
  const html = await Deno.readTextFile(`${EXPECTED}/golden.html`);
  assert(html.includes(`http-equiv="Content-Security-Policy"`), "has a CSP meta");
  assert(html.includes("script-src 'none'"), "the CSP forbids scripts");
  assert(!/<script\b/i.test(html), "holds no script element");
  assert(
    !/\b(?:src|href)=["']?(?:https?:|\/\/)/i.test(html),
    "references nothing outside the file",
  );
  assert(html.includes("@media print"), "has a print stylesheet");
  assert(/<figcaption><span class="label">Figure 1\.<\/span>/.test(html), "numbers the figure");
  assert(/<caption><span class="label">Table 1\.<\/span>/.test(html), "numbers the table");
  assert(html.includes('aria-label="Bars of total time, Podman shortest."'), "figure alternative");
  assert(html.includes("see Table 1 and\nFigure 1."), "cross-references resolved");
});

Deno.test("the figure file beside the Markdown is a well-formed standalone SVG with its alternative", async () => {
  const svg = await Deno.readTextFile(`${EXPECTED}/golden-figure-1.svg`);
  const document = new JSDOM(svg, { contentType: "image/svg+xml" }).window.document;
  assertEquals(document.querySelector("parsererror"), null, "parses as XML");
  const root = document.documentElement;
  assertEquals(root.namespaceURI, "http://www.w3.org/2000/svg");
  assertEquals(root.getAttribute("aria-label"), "Bars of total time, Podman shortest.");
  assertEquals(root.querySelector("title")?.textContent, "Bars of total time, Podman shortest.");
});
