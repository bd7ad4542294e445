/**
 * Opens the replication report in real headless Chromium (Debian's, driven by playwright-core):
 * no console error, no request beyond the file itself, every figure drawn with a non-zero size,
 * and a full-page screenshot kept in test-artifacts/ for a person to look at.
 */
import { chromium } from "playwright-core";
import { buildReport } from "../report/build_report.ts";
import { assert, assertEquals } from "./assert.ts";

const CHROMIUM = "/usr/bin/chromium";
const usable = await Deno.stat(CHROMIUM).then((s) => s.isFile).catch(() => false);
if (!usable) console.log(`skipping the Chromium report test: ${CHROMIUM} is not installed`);

Deno.test({
  name: "replication report renders in headless Chromium without errors or requests",
  ignore: !usable,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "ocibench-report-chromium-" });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    try {
      const built = await buildReport("notebooks/replication.md", { outDir: out });
      const svgFiles = built.files.filter((f) => f.endsWith(".svg")).length;
      assert(svgFiles >= 8, `expected at least 8 figures, the build wrote ${svgFiles}`);
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
      const url = `file://${out}/replication.html`;
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
      await page.screenshot({ path: "test-artifacts/report_replication.png", fullPage: true });
      await page.emulateMedia({ media: "print" });
      await page.screenshot({
        path: "test-artifacts/report_replication_print.png",
        fullPage: false,
      });
      assertEquals(problems, [], "console errors or warnings");
      assertEquals(requests.filter((r) => r !== url), [], "requests beyond the file itself");
      assertEquals(sizes.length, svgFiles, "figures in the page vs SVG files written");
      for (const [w, h] of sizes) assert(w > 100 && h > 50, `a figure is drawn ${w}×${h}`);
      assertEquals(labelled, svgFiles, "figures with a text alternative");
      console.log(
        `${sizes.length} figures drawn; ${built.htmlBytes} bytes of HTML; ` +
          "screenshot test-artifacts/report_replication.png",
      );
    } finally {
      await browser.close();
      await Deno.remove(out, { recursive: true });
    }
  },
});
