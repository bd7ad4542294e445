/// <reference lib="dom" />
/**
 * The hostile-input corpus (`fixtures/hostile/cases.json`): every case runs through the CLI as
 * a subprocess (`deno run … main.ts …`, on a pseudo-terminal where the case says so), and its
 * outcome is checked: exit code, the lines printed, text that must appear nowhere, the files
 * written (and nothing else in the working tree, deno.lock included), and — in headless
 * Chromium — that no .html, .svg or .md written runs a script, makes a request or carries an
 * event handler or external reference.
 */
import { chromium, type Page } from "playwright-core";
import { Marked } from "marked";
import { JSDOM } from "jsdom";
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const CASES = "fixtures/hostile/cases.json";
const CHROMIUM = "/usr/bin/chromium";
const CASE_TIMEOUT_MS = 180_000;

interface HostileCase {
  id: string;
  what: string;
  args: string[];
  setup?: "fifo";
  terminal?: boolean;
  exit: number;
  output?: string[];
  absent?: string[];
  written?: string[];
  chromium?: boolean;
  /** An npm package that must not be in Deno's cache afterwards, unless it was before. */
  notDownloaded?: string;
}

const { cases } = JSON.parse(await Deno.readTextFile(CASES)) as { cases: HostileCase[] };
const chromiumReason = await Deno.stat(CHROMIUM).then(
  (s) => (s.isFile ? undefined : `${CHROMIUM} is not a file`),
  () => `${CHROMIUM} is not installed`,
);
const scriptReason = await new Deno.Command("script", { args: ["--version"] }).output().then(
  (o) => (o.success ? undefined : "script(1) does not run"),
  () => "script(1) (util-linux) is not installed",
);
const inGit = await new Deno.Command("git", { args: ["rev-parse", "--git-dir"], stderr: "null" })
  .output().then((o) => o.success, () => false);

async function gitStatus(): Promise<string> {
  if (!inGit) return "";
  const out = await new Deno.Command("git", {
    args: ["status", "--porcelain", "--untracked-files=all"],
  }).output();
  return new TextDecoder().decode(out.stdout);
}

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Runs the CLI; on a pseudo-terminal with "y" typed when `terminal`. */
async function runCli(args: string[], terminal: boolean) {
  const deno = [Deno.execPath(), "run", "-A", "--unstable-worker-options", MAIN, ...args];
  const command = terminal
    ? new Deno.Command("script", {
      args: ["-qec", deno.map(quote).join(" "), "/dev/null"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    })
    : new Deno.Command(deno[0], {
      args: deno.slice(1),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
  const child = command.spawn();
  if (terminal) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode("y\ny\ny\ny\n"));
    await writer.close();
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, CASE_TIMEOUT_MS);
  const out = await child.output();
  clearTimeout(timer);
  const text = (b: Uint8Array) => new TextDecoder().decode(b).replace(/\r/g, "");
  return { code: out.code, output: text(out.stdout) + text(out.stderr), timedOut };
}

async function listFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

/**
 * Opens `url` and reports what ran or was fetched: dialogs, requests outside `allowedDir`,
 * elements with event handlers or references leaving the document.
 */
async function openAndWatch(page: Page, url: string, allowedDir: string): Promise<string[]> {
  const seen: string[] = [];
  page.on("dialog", (d) => {
    seen.push(`dialog: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on("request", (r) => {
    const u = r.url();
    if (u !== url && !u.startsWith(`file://${allowedDir}/`)) seen.push(`request: ${u}`);
  });
  await page.goto(url, { waitUntil: "load" });
  // Time for a meta refresh, a timer or an animation to fire.
  await page.waitForTimeout(400);
  const found = await page.evaluate(() => {
    const out: string[] = [];
    for (const element of document.querySelectorAll("*")) {
      const tag = element.localName;
      if (tag === "script" || tag === "iframe" || tag === "object" || tag === "embed") {
        out.push(`element <${tag}>`);
      }
      // The report's own Content-Security-Policy is the one http-equiv allowed.
      const equiv = element.getAttribute("http-equiv");
      if (tag === "meta" && equiv !== null && equiv !== "Content-Security-Policy") {
        out.push(`element <meta http-equiv="${equiv}">`);
      }
      for (const attribute of element.attributes) {
        if (attribute.name === "xmlns" || attribute.name.startsWith("xmlns:")) continue;
        const value = attribute.value.trim().toLowerCase();
        if (attribute.name.toLowerCase().startsWith("on")) {
          out.push(`<${tag} ${attribute.name}>`);
        }
        if (/^(javascript|data|vbscript):/.test(value) || /^(https?:)?\/\//.test(value)) {
          if (!(tag === "a" && /^https?:/.test(value))) {
            out.push(`<${tag} ${attribute.name}="${value.slice(0, 60)}">`);
          }
        }
        if (/url\(\s*['"]?(https?:|\/\/|data:|javascript:)/.test(value)) {
          out.push(`<${tag} ${attribute.name}> with an external url()`);
        }
      }
      if (
        tag === "style" && /@import|url\(\s*['"]?(https?:|\/\/)/.test(element.textContent ?? "")
      ) {
        out.push("<style> with an external reference");
      }
    }
    return out;
  });
  return [...seen, ...found];
}

/** Renders written Markdown as a permissive viewer would (raw HTML kept, no CSP). */
function markdownAsViewerWould(markdown: string): string {
  const html = new Marked({ gfm: true }).parse(markdown, { async: false });
  return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${html}</body></html>`;
}

const lockBefore = await Deno.readTextFile("deno.lock");
const npmCache = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output()
  .then((o) => JSON.parse(new TextDecoder().decode(o.stdout)).npmCache as string);

async function cached(name: string): Promise<boolean> {
  return await Deno.stat(`${npmCache}/registry.npmjs.org/${name}`).then(() => true, () => false);
}

for (const c of cases) {
  const skip = c.terminal && scriptReason;
  if (skip) console.log(`skipping hostile case ${c.id}: ${scriptReason}`);
  Deno.test({
    name: `hostile input ${c.id}: ${c.what}`,
    ignore: !!skip,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn(t) {
      const tmp = await Deno.makeTempDir({ prefix: "ocibench-hostile-" });
      const out = `${tmp}/out`;
      const fifo = `${tmp}/input.fifo`;
      const fill = (s: string) =>
        s.replaceAll("{out}", out).replaceAll("{tmp}", tmp).replaceAll("{fifo}", fifo);
      try {
        if (c.setup === "fifo") {
          const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
          assert(made.success, "mkfifo failed");
        }
        const statusBefore = await gitStatus();
        const wasCached = c.notDownloaded ? await cached(c.notDownloaded) : false;
        const run = await runCli(c.args.map(fill), c.terminal === true);
        assert(!run.timedOut, `the command hung (stopped after ${CASE_TIMEOUT_MS / 1000} s)`);
        assertEquals(run.code, c.exit, `exit code; output:\n${run.output}`);
        for (const line of c.output ?? []) assertStringIncludes(run.output, fill(line));
        const written = await listFiles(out);
        if (c.written) assertEquals(written, [...c.written].sort(), "files written");
        else assertEquals(written, [], "files written");
        for (const text of c.absent ?? []) {
          assert(!run.output.includes(text), `printed: ${JSON.stringify(text)}`);
          for (const name of written) {
            const body = await Deno.readTextFile(`${out}/${name}`);
            assert(!body.includes(text), `${name} holds ${JSON.stringify(text)}`);
          }
        }
        assertEquals(await gitStatus(), statusBefore, "the working tree changed");
        assertEquals(await Deno.readTextFile("deno.lock"), lockBefore, "deno.lock changed");
        if (c.notDownloaded && !wasCached) {
          assert(!await cached(c.notDownloaded), `${c.notDownloaded} was downloaded`);
        }
        for (const name of written.filter((n) => n.endsWith(".svg"))) {
          const xml = await Deno.readTextFile(`${out}/${name}`);
          // deno-lint-ignore no-control-regex
          assert(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml), `${name}: control chars`);
          // Parsed as XML, as a browser opening the file does: jsdom throws when not well-formed.
          new JSDOM(xml, { contentType: "image/svg+xml" });
        }
        if (!c.chromium) return;
        await t.step({
          name: "nothing runs or is fetched in headless Chromium",
          ignore: !!chromiumReason,
          async fn() {
            const browser = await chromium.launch({
              executablePath: CHROMIUM,
              args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
            });
            try {
              const problems: string[] = [];
              for (const name of written) {
                let path = `${out}/${name}`;
                if (name.endsWith(".md")) {
                  path = `${out}/${name}.viewer.html`;
                  await Deno.writeTextFile(
                    path,
                    markdownAsViewerWould(await Deno.readTextFile(`${out}/${name}`)),
                  );
                } else if (!/\.(html|svg)$/.test(name)) continue;
                const page = await browser.newPage();
                const seen = await openAndWatch(page, `file://${path}`, out);
                if (name.endsWith(".svg")) {
                  // A browser opening the file parses it as XML: it must be well-formed.
                  const broken = await page.evaluate(() =>
                    document.querySelector("parsererror")?.textContent ?? ""
                  );
                  if (broken) problems.push(`${name}: not well-formed XML: ${broken}`);
                }
                problems.push(...seen.map((s) => `${name}: ${s}`));
                await page.close();
              }
              assertEquals(problems, [], "active content in the outputs");
            } finally {
              await browser.close();
            }
          },
        });
        if (chromiumReason) {
          console.log(`skipped the Chromium part of ${c.id}: ${chromiumReason}`);
        }
      } finally {
        await Deno.remove(tmp, { recursive: true });
      }
    },
  });
}
