/**
 * Opens the default notebooks' reports in real headless Chromium (Debian's, driven by playwright-core):
 * no console error, no request beyond the file itself, every figure drawn with a non-zero size,
 * and a full-page screenshot kept in test-artifacts/ for a person to look at.
 */
import { chromium } from "playwright-core";
import { buildReport } from "../report/build_report.ts";
import { assert, assertEquals } from "./assert.ts";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const usable = await Deno.stat(CHROMIUM).then((s) => s.isFile).catch(() => false);
if (!usable) console.log(`skipping the Chromium report test: ${CHROMIUM} is not installed`);

for (const [name, minimumFigures] of [["replication", 8], ["runtimes_war", 5]] as const) {
  Deno.test({
    name: `${name} report renders in headless Chromium: no error, no request, every figure drawn`,
    ignore: !usable,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const out = await Deno.makeTempDir({ prefix: "ocibench-report-chromium-" });
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
      try {
        const built = await buildReport(`notebooks/${name}.md`, { outDir: out });
        const svgFiles = built.files.filter((f) => f.endsWith(".svg")).length;
        assert(svgFiles >= minimumFigures, `expected ${minimumFigures}+ figures, got ${svgFiles}`);
        const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
        const problems: string[] = [];
        const requests: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error" || m.type() === "warning") {
            problems.push(`${m.type()}: ${m.text()}`);
          }
        });
        page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
        page.on("request", (r) => requests.push(r.url()));
        const url = `file://${out}/${name}.html`;
        await page.goto(url, { waitUntil: "load" });
        const sizes = await page.$$eval("figure.figure svg[role=img]", (svgs) =>
          svgs.map((s) => {
            const box = s.getBoundingClientRect();
            return [box.width, box.height];
          }));
        const labelled = await page.$$eval(
          "figure.figure svg[role=img]",
          (svgs) => svgs.filter((s) => (s.getAttribute("aria-label") ?? "").length > 20).length,
        );
        await Deno.mkdir("test-artifacts", { recursive: true });
        await page.screenshot({ path: `test-artifacts/report_${name}.png`, fullPage: true });
        await page.emulateMedia({ media: "print" });
        await page.screenshot({
          path: `test-artifacts/report_${name}_print.png`,
          fullPage: false,
        });
        assertEquals(problems, [], "console errors or warnings");
        assertEquals(requests.filter((r) => r !== url), [], "requests beyond the file itself");
        assertEquals(sizes.length, svgFiles, "figures in the page vs SVG files written");
        for (const [w, h] of sizes) assert(w > 100 && h > 50, `a figure is drawn ${w}×${h}`);
        assertEquals(labelled, svgFiles, "figures with a text alternative");
        assert(built.htmlBytes < 2 * 1024 * 1024, `HTML is ${built.htmlBytes} bytes, over 2 MB`);
        console.log(
          `${sizes.length} figures drawn; ${built.htmlBytes} bytes of HTML; ` +
            `screenshot test-artifacts/report_${name}.png`,
        );
      } finally {
        await browser.close();
        await Deno.remove(out, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "a host name holding <script> shows as text in Chromium and runs nothing",
  ignore: !usable,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "ocibench-report-hostile-" });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      await buildReport("fixtures/notebooks/hostile.md", { outDir: out });
      const page = await browser.newPage();
      const dialogs: string[] = [];
      const errors: string[] = [];
      page.on("dialog", async (d) => {
        dialogs.push(d.message());
        await d.dismiss();
      });
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await page.goto(`file://${out}/hostile.html`, { waitUntil: "load" });
      const title = await page.title();
      const text = await page.evaluate(() => document.body.innerText);
      const scripts = await page.evaluate(() => document.scripts.length);
      assertEquals(dialogs, [], "no script ran");
      assertEquals(errors, [], "no console error (not even a blocked script)");
      assertEquals(scripts, 0, "no script element in the page");
      assertEquals(title, "Escaping: <script>alert(document.domain)</script>");
      assert(text.includes("Host name inline: <script>alert(document.domain)</script>."), text);
      assert(text.includes("<img src=x onerror=alert(2)>"), "runtime name shown as text");
    } finally {
      await browser.close();
      await Deno.remove(out, { recursive: true });
    }
  },
});
