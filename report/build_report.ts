/**
 * Builds one notebook into a report: resolves its datasets, reads and validates them, runs its
 * cells in the sandbox, and writes `<name>.html`, `<name>.md` and, beside them, one SVG per
 * figure and one CSV per table. The only function of `report/` that writes files.
 *
 * @module
 */
import { readResultSet } from "../model/read_result_set.ts";
import { resultFileOfEntry } from "../model/run_layout.ts";
import { matchWildcard } from "../model/match_wildcard.ts";
import { MAX_NOTEBOOK_BYTES, readRegularTextFile } from "../model/read_text_file.ts";
import type { ResultSet } from "../model/result_set.ts";
import type { Analysis } from "../model/analysis.ts";
import { writeFileAtomic } from "../model/write_result_set.ts";
import { composeReport } from "./compose_report.ts";
import { type Notebook, parseNotebook } from "./parse_notebook.ts";
import { renderCsv } from "./render_csv.ts";
import { renderHtml } from "./render_html.ts";
import { renderMarkdown } from "./render_markdown.ts";
import { type CellError, runCells, type StartedSandbox, startSandbox } from "./run_cells.ts";

/** Options of {@link buildReport}. */
export interface BuildReportOptions {
  /** Where to write; created when missing. */
  outDir: string;
  /** Result files (paths or globs) read instead of the notebook's `datasets`. */
  data?: string[];
  /** Show failing cells in place and go on (default: stop at the first). */
  keepGoing?: boolean;
  /** Where collected runs live, for `latest-run` (default `results`). */
  resultsDir?: string;
  /** Per-cell time limit in milliseconds. */
  timeoutMs?: number;
  /** Memory limit of the cell sandbox in MiB (default `CELL_MEMORY_MIB` of `run_cells.ts`). */
  memoryMiB?: number;
  /**
   * A previous run's result file (of the same host): cells see its analysis as
   * `previousAnalysis`, e.g. for a table of the verdicts that moved since.
   */
  previous?: string;
  /**
   * The sets the datasets resolve to, already read with `readResultSet` (one per file, in the
   * order of `data`), so that the build does not read and validate them again.
   */
  dataSets?: ResultSet[];
  /**
   * The analysis the cells see, when the caller made it already: it must be
   * `notebookAnalysis` (`run_cells.ts`) of the same sets, labels and front matter. Used as given.
   */
  analysis?: Analysis;
  /**
   * The cell sandbox, started earlier with `startSandbox` (`run_cells.ts`) so that it loads
   * jsdom and Plot while the caller reads and analyses; `timeoutMs` and `memoryMiB` are then
   * those it was started with. The build stops it, as it does its own.
   */
  sandbox?: StartedSandbox;
}

/** What {@link buildReport} wrote. */
export interface BuiltReport {
  notebook: string;
  /** Every file written, HTML first, then Markdown, SVGs and CSVs. */
  files: string[];
  /** The result files that were read. */
  datasets: string[];
  /** Failures shown in place (only with `keepGoing`). */
  errors: CellError[];
  /** Size of the HTML file in bytes. */
  htmlBytes: number;
  /**
   * The analysis the cells saw (the same as `ocibench analyze --format json` of the datasets),
   * or null when the notebook never names it.
   */
  analysis: Analysis | null;
}

/**
 * Builds the notebook at `path`.
 *
 * @example
 * ```ts
 * await buildReport("notebooks/replication.md", { outDir: "site" });
 * ```
 */
export async function buildReport(path: string, options: BuildReportOptions): Promise<BuiltReport> {
  let notebook: Notebook;
  try {
    notebook = parseNotebook(
      await readRegularTextFile(path, "notebook", MAX_NOTEBOOK_BYTES),
      path,
    );
  } catch (error) {
    await options.sandbox?.close();
    throw error;
  }
  // The sandbox loads jsdom and Plot while the datasets are read and analysed.
  const sandbox = options.sandbox ?? startSandbox(options);
  try {
    return await build(path, notebook, options, sandbox);
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

async function build(
  path: string,
  notebook: Notebook,
  options: BuildReportOptions,
  sandbox: StartedSandbox,
): Promise<BuiltReport> {
  const name = baseName(path).replace(/\.md$/, "");
  let files: string[];
  let dataNote: string | undefined;
  if (options.data?.length) {
    files = await resolveDatasets(options.data, ".", options.resultsDir);
    if (files.length === 0) {
      throw new Error(`--data ${options.data.join(" ")} matches no file`);
    }
  } else {
    const dir = dirName(path);
    files = await resolveDatasets(notebook.meta.datasets, dir, options.resultsDir);
    if (files.length === 0 && notebook.meta.fallbackDatasets.length) {
      files = await resolveDatasets(notebook.meta.fallbackDatasets, dir, options.resultsDir);
      dataNote = `No collected run was found (${
        notebook.meta.datasets.join(", ")
      }); this report was built from the example data above.`;
    }
    if (files.length === 0) {
      throw new Error(
        `${path}: its datasets (${notebook.meta.datasets.join(", ") || "none listed"}) match ` +
          `no file; pass --data FILES or collect a run first`,
      );
    }
  }
  const referenceFiles = await resolveDatasets(
    notebook.meta.references,
    dirName(path),
    options.resultsDir,
  );
  // What the notebook names may not reach outside its directory, the working tree or the
  // results directory; --data may name anything (the person building chose it).
  await confine(
    path,
    options.data?.length ? referenceFiles : [...files, ...referenceFiles],
    [dirName(path), ".", options.resultsDir ?? "results"],
  );
  if (options.dataSets !== undefined && options.dataSets.length !== files.length) {
    throw new RangeError(
      `buildReport: ${options.dataSets.length} result sets given for ${files.length} ` +
        `dataset files (${files.join(", ")}); give one per file, in order`,
    );
  }
  const sets: ResultSet[] = options.dataSets ?? [];
  if (options.dataSets === undefined) {
    for (const file of files) sets.push(await readResultSet(file));
  }
  const references: ResultSet[] = [];
  for (const file of referenceFiles) references.push(await readResultSet(file));
  const previous = options.previous
    ? { sets: [await readResultSet(options.previous)], labels: [baseName(options.previous)] }
    : undefined;
  const executed = await runCells(notebook, sets, {
    references,
    previous,
    keepGoing: options.keepGoing,
    labels: files.map(baseName),
    sandbox,
    analysis: options.analysis,
  });
  const doc = composeReport(executed, {
    name,
    datasets: files.map((f, i) => `${baseName(f)} (${sets[i].runId})`),
    dataNote,
  });
  const html = renderHtml(doc);
  const markdown = renderMarkdown(doc);
  await Deno.mkdir(options.outDir, { recursive: true });
  const out = (file: string) => `${options.outDir.replace(/\/+$/, "")}/${file}`;
  const written: string[] = [];
  const write = async (file: string, text: string) => {
    await writeFileAtomic(out(file), text);
    written.push(out(file));
  };
  await write(`${name}.html`, html);
  await write(`${name}.md`, markdown);
  for (const block of doc.blocks) {
    if (block.kind === "figure") await write(block.file, block.svg + "\n");
    if (block.kind === "table") await write(block.file, renderCsv(block));
  }
  return {
    notebook: path,
    files: written,
    datasets: files,
    errors: executed.errors,
    htmlBytes: new TextEncoder().encode(html).length,
    analysis: executed.analysis,
  };
}

async function confine(notebook: string, files: string[], roots: string[]): Promise<void> {
  const real = async (p: string) => await Deno.realPath(p).catch(() => undefined);
  const allowed = (await Promise.all(roots.map(real))).filter((r): r is string => !!r);
  for (const file of files) {
    const at = await real(file);
    const inside = at !== undefined &&
      allowed.some((root) => at === root || at.startsWith(root === "/" ? "/" : `${root}/`));
    if (!inside) {
      throw new Error(
        `${notebook}: dataset "${file}" is outside the notebook's directory and the working ` +
          `tree${at && at !== file ? ` (it resolves to "${at}")` : ""}; pass it with --data ` +
          "if you mean to read it",
      );
    }
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function dirName(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "." : path.slice(0, slash) || "/";
}

/** The keyword in `datasets` for the newest collected run. */
export const LATEST_RUN = "latest-run";

/**
 * Resolves dataset entries to files, in order, without duplicates: `latest-run` (the newest
 * result set in `resultsDir`, laid out as model/run_layout.ts says), or a path relative
 * to `base` in which `*` and `?` match within one path segment (matches sorted by name).
 */
export async function resolveDatasets(
  entries: string[],
  base: string,
  resultsDir = "results",
): Promise<string[]> {
  const found: string[] = [];
  for (const entry of entries) {
    const files = entry === LATEST_RUN ? await latestRun(resultsDir) : await glob(
      normalizePath(entry.startsWith("/") || base === "." ? entry : `${base}/${entry}`),
    );
    for (const f of files) if (!found.includes(f)) found.push(f);
  }
  return found;
}

/** Collapses `.` and `dir/..` segments: `notebooks/../fixtures/a.json` → `fixtures/a.json`. */
function normalizePath(path: string): string {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "." || (segment === "" && out.length > 0)) continue;
    if (
      segment === ".." && out.length > 0 && out[out.length - 1] !== ".." &&
      out[out.length - 1] !== ""
    ) {
      out.pop();
    } else out.push(segment);
  }
  return out.join("/") || ".";
}

async function latestRun(resultsDir: string): Promise<string[]> {
  const candidates: { path: string; time: number }[] = [];
  const seen = new Set<string>();
  try {
    for await (const entry of Deno.readDir(resultsDir)) {
      const path = resultFileOfEntry(resultsDir, entry);
      if (!path || seen.has(path)) continue;
      seen.add(path);
      const info = await Deno.stat(path).catch(() => undefined);
      if (info?.isFile) candidates.push({ path, time: info.mtime?.getTime() ?? 0 });
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  candidates.sort((a, b) => b.time - a.time || (a.path < b.path ? 1 : -1));
  return candidates.length ? [candidates[0].path] : [];
}

async function glob(pattern: string): Promise<string[]> {
  const absolute = pattern.startsWith("/");
  const segments = pattern.split("/").filter((s) => s !== "");
  // A prefix is null for "here" (a relative pattern's start), "" for the root.
  let prefixes: (string | null)[] = [absolute ? "" : null];
  const join = (
    prefix: string | null,
    name: string,
  ) => (prefix === null ? name : `${prefix}/${name}`);
  for (const segment of segments) {
    const next: (string | null)[] = [];
    for (const prefix of prefixes) {
      if (!/[*?]/.test(segment)) {
        next.push(join(prefix, segment));
        continue;
      }
      const dir = prefix === null ? "." : prefix === "" ? "/" : prefix;
      for (const name of await matchSegment(dir, segment)) next.push(join(prefix, name));
    }
    prefixes = next;
  }
  const files: string[] = [];
  for (const p of prefixes) {
    if (p === null) continue;
    const info = await Deno.stat(p).catch(() => undefined);
    // A path named without wildcards is kept even when it is not a regular file, so that
    // reading it says what it is (a directory, a FIFO, a device) instead of "matches no file".
    if (info?.isFile || (info && !/[*?]/.test(pattern))) files.push(p);
  }
  return files;
}

async function matchSegment(dir: string, segment: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (matchWildcard(segment, entry.name) && !entry.name.startsWith(".")) {
        names.push(entry.name);
      }
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return [];
    }
    throw error;
  }
  // Numbers in names sort by value (table6 before table10); a fixed locale keeps it stable.
  return names.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}
