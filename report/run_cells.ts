/**
 * Runs a notebook's cells and inline expressions, in order, in the sandbox (`cell_worker.ts`, a
 * separate Deno process with every permission denied and a memory limit), and collects what each
 * produced. Every answer of the sandbox is validated before use.
 *
 * @module
 */
// The sandbox loads modules from Deno's cache only (`--cached-only`): importing what it needs here
// puts those packages in the builder's own module graph, so that the first run caches them.
import "@observablehq/plot";
import "jsdom";
import type { ResultSet } from "../model/result_set.ts";
import type { Analysis } from "../model/analysis.ts";
import { type AnalyzeOptions, analyzeResultSets } from "../analyze/analyze_result_sets.ts";
import { packResultSets } from "./_packed_sets.ts";
import type { CellErrorOutput, CellOutput } from "./cell_output.ts";
import {
  type WorkerRequest,
  type WorkerRequestBody,
  type WorkerResponse,
  WorkerResponseSchema,
} from "./_sandbox_protocol.ts";
import { type CellBlock, findInlineExpressions, type Notebook } from "./parse_notebook.ts";
import { sanitizeHtml, sanitizeSvg } from "./sanitize_markup.ts";

/** How long one cell may run before the build stops it, in milliseconds. */
export const CELL_TIMEOUT_MS = 60_000;

/** How long the sandbox may take to start (it loads jsdom and Plot), in milliseconds. */
export const SANDBOX_START_TIMEOUT_MS = 120_000;

/** How much memory the sandbox may use (V8 heap, and resident size), in MiB. */
export const CELL_MEMORY_MIB = 2048;

/** Resident memory the sandbox needs beyond its heap (Deno, V8 code, buffers), in MiB. */
const SANDBOX_BASE_MIB = 256;

/** Lines of V8's report when it runs out of memory (summarised in one line instead). */
const V8_CRASH_REPORT = /^(<---|\[\d+:0x|#|Fatal|====|\s+\S*\(\+0x[0-9a-f]+\)|\s*$)/;

/** How often the builder checks the sandbox's resident memory, in milliseconds. */
const MEMORY_POLL_MS = 100;

/** A cell or inline expression that failed, located in the notebook file. */
export class CellError extends Error {
  /** The notebook file. */
  readonly path: string;
  /** 1-based cell number, or undefined for an inline expression. */
  readonly cell?: number;
  /** 1-based line in the notebook file, when known. */
  readonly line?: number;
  constructor(
    message: string,
    where: { path: string; cell?: number; line?: number },
  ) {
    super(message);
    this.name = "CellError";
    this.path = where.path;
    this.cell = where.cell;
    this.line = where.line;
  }
}

/** Prose whose `${expr}` were evaluated: `text` holds placeholders, `inline[i]` their values. */
export interface ExecutedProse {
  kind: "prose";
  text: string;
  inline: (CellOutput | CellError)[];
  /** 1-based line in the notebook where the prose starts. */
  line?: number;
}

/** A cell after running. */
export interface ExecutedCell {
  kind: "cell";
  cell: CellBlock;
  outputs: CellOutput[];
  error?: CellError;
}

/** A notebook after running. */
export interface ExecutedNotebook {
  notebook: Notebook;
  title: ExecutedProse;
  abstract?: ExecutedProse;
  blocks: (ExecutedProse | ExecutedCell)[];
  /** Every failure, in order (empty unless `keepGoing`). */
  errors: CellError[];
  /** The analysis the cells were given (null when nothing names it, or its options are bad). */
  analysis: Analysis | null;
}

/** Options of {@link runCells}. */
export interface RunCellsOptions {
  /** Show failures in place and go on instead of stopping at the first one. */
  keepGoing?: boolean;
  /** Result sets to compare with, given to cells as `references`. */
  references?: ResultSet[];
  /** A label per set (its file name), passed to the analysis. */
  labels?: string[];
  /** Per cell, in milliseconds (default {@link CELL_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Memory limit of the sandbox in MiB (default {@link CELL_MEMORY_MIB}). */
  memoryMiB?: number;
  /** The sandbox's main module (default `cell_worker.ts`); tests pass one that misbehaves. */
  sandboxModule?: URL;
  /**
   * A sandbox started earlier with {@link startSandbox} (so that it loads jsdom and Plot while
   * the builder reads and analyses); `timeoutMs`, `memoryMiB` and `sandboxModule` are then
   * those it was started with. runCells stops it when done, as it does its own.
   */
  sandbox?: StartedSandbox;
  /**
   * The analysis cells see as `analysis`; default: {@link notebookAnalysis} of `sets`, made
   * here once, and only when a cell or inline expression names `analysis`.
   */
  analysis?: Analysis;
  /**
   * A previous run of the same host (`report --previous`): cells see its analysis, made with the
   * same options as `analysis`, as `previousAnalysis` (null without one).
   */
  previous?: { sets: ResultSet[]; labels?: string[] };
}

/**
 * The analysis a notebook's cells see: `analyzeResultSets` with seed 1, each set labelled with
 * its file name, plus the front matter's `analysis:` options — the same as `ocibench analyze
 * --format json` of those files with those options.
 */
export function notebookAnalysis(
  notebook: Notebook,
  sets: ResultSet[],
  labels: string[] = [],
): Analysis {
  const fromMeta = (notebook.meta.extra.analysis ?? {}) as AnalyzeOptions;
  return analyzeResultSets(sets, { seed: 1, ...(labels.length ? { labels } : {}), ...fromMeta });
}

/** True when some cell, inline expression, title or abstract of `notebook` names `analysis`. */
function namesAnalysis(notebook: Notebook): boolean {
  const texts = [
    notebook.meta.title,
    notebook.meta.abstract ?? "",
    ...notebook.blocks.map((b) => b.kind === "prose" ? b.text : b.code),
  ];
  return texts.some((t) => /(?<![\w$])analysis(?![\w$])/.test(t));
}

/** The placeholder that stands for inline value `i` in {@link ExecutedProse.text}. */
export function inlinePlaceholder(i: number): string {
  return `OCIBENCHINLINE${i}X`;
}

/**
 * Runs every cell of `notebook` against `sets`, in order; then evaluates the `${expr}` of the
 * prose, title and abstract, so that text may cite results computed anywhere in the notebook.
 * Without `keepGoing` the first failure rejects with a {@link CellError} naming the notebook
 * file, the cell number and the line.
 */
export async function runCells(
  notebook: Notebook,
  sets: ResultSet[],
  options: RunCellsOptions = {},
): Promise<ExecutedNotebook> {
  const sandbox = (options.sandbox as Sandbox | undefined) ?? startSandbox(options) as Sandbox;
  const errors: CellError[] = [];
  const fail = (error: CellError) => {
    if (!options.keepGoing) throw error;
    errors.push(error);
    return error;
  };
  try {
    const { extra, ...known } = notebook.meta;
    const labels = options.labels ?? [];
    let analysis = options.analysis ?? null;
    if (analysis === null && namesAnalysis(notebook)) {
      try {
        analysis = notebookAnalysis(notebook, sets, labels);
      } catch {
        // Bad `analysis:` options: the sandbox analyses on first use instead, so that the error
        // is shown at the cell that uses the analysis, as for any other failure of a cell.
      }
    }
    const previousAnalysis = options.previous
      ? notebookAnalysis(notebook, options.previous.sets, options.previous.labels)
      : null;
    const { packed, bytes } = packResultSets([sets, options.references ?? []]);
    const started = await sandbox.request(
      {
        type: "init",
        sets: packed[0],
        references: packed[1],
        bytes: bytes.length,
        analysis,
        previousAnalysis,
        meta: { ...extra, ...known },
        labels,
        token: "",
      },
      "the start of the sandbox",
      SANDBOX_START_TIMEOUT_MS,
      bytes,
    );
    if (!started.ok) {
      throw new Error(`${notebook.path}: the cell sandbox did not start: ${started.error.message}`);
    }
    const blocks: (ExecutedProse | ExecutedCell)[] = [];
    const prose = async (text: string, line: number): Promise<ExecutedProse> => {
      const found = findInlineExpressions(text);
      const inline: (CellOutput | CellError)[] = [];
      let out = "";
      let last = 0;
      for (const expr of found) {
        const at = line + text.slice(0, expr.start).split("\n").length - 1;
        const answer = await sandbox.request(
          { type: "inline", code: expr.code },
          `inline expression \${${expr.code}}`,
        );
        inline.push(
          answer.ok
            ? answer.outputs[0] ?? { kind: "text", text: "" }
            : fail(locate(notebook.path, answer.error, { line: at, inline: expr.code })),
        );
        out += text.slice(last, expr.start) + inlinePlaceholder(inline.length - 1);
        last = expr.end;
      }
      return { kind: "prose", text: out + text.slice(last), inline, line };
    };
    // Each cell is sent as soon as the one before has answered, before that answer's markup is
    // sanitised here: the sandbox runs the next cell while the builder parses the last one's SVG.
    const runnable = notebook.blocks.filter((b): b is CellBlock =>
      b.kind === "cell" && !b.options.norun
    );
    const ask = (k: number) =>
      k < runnable.length
        ? sandbox.send({ type: "cell", code: runnable[k].code }, `cell ${runnable[k].index}`)
        : undefined;
    let asked = ask(0);
    let sent = 0;
    for (const block of notebook.blocks) {
      if (block.kind === "prose") {
        blocks.push({ kind: "prose", text: block.text, inline: [], line: block.line });
        continue;
      }
      if (block.options.norun) {
        blocks.push({ kind: "cell", cell: block, outputs: [] });
        continue;
      }
      const raw = await asked!;
      asked = ask(++sent);
      const answer = sanitizeAnswer(raw);
      if (answer.ok) {
        blocks.push({ kind: "cell", cell: block, outputs: answer.outputs });
      } else {
        const error = fail(locate(notebook.path, answer.error, { cell: block }));
        blocks.push({ kind: "cell", cell: block, outputs: [], error });
      }
    }
    // Inline expressions run after every cell, so prose may cite results computed below it.
    for (const [i, block] of blocks.entries()) {
      if (block.kind === "prose") blocks[i] = await prose(block.text, block.line ?? 1);
    }
    const title = await prose(notebook.meta.title, 1);
    const abstract = notebook.meta.abstract === undefined
      ? undefined
      : await prose(notebook.meta.abstract, 1);
    return { notebook, title, abstract, blocks, errors, analysis };
  } finally {
    await sandbox.close();
  }
}

function locate(
  path: string,
  error: CellErrorOutput,
  where: { cell?: CellBlock; line?: number; inline?: string },
): CellError {
  const reason = `${error.name}: ${error.message}`;
  if (where.cell) {
    const line = error.line !== undefined ? where.cell.line + error.line - 1 : where.cell.line;
    const at = error.line !== undefined ? `line ${line}` : `starting at line ${line}`;
    return new CellError(`${path}: cell ${where.cell.index} (${at}) failed: ${reason}`, {
      path,
      cell: where.cell.index,
      line,
    });
  }
  return new CellError(
    `${path}: inline expression \${${where.inline}} (line ${where.line}) failed: ${reason}`,
    { path, line: where.line },
  );
}

/**
 * Why a cell's source is refused before it runs: cells get everything they may use from their
 * context, so `import` and `require` have no use in them. The check is on the word, strings and
 * comments included: it may refuse a harmless cell, never miss an import (the sandbox has no
 * `eval` or `Function` to build one from pieces).
 */
export function forbiddenSource(code: string): string | undefined {
  const m = /(?<![\w$])(import|require)(?![\w$])/.exec(code);
  if (!m) return undefined;
  return `"${m[1]}" is not allowed in a cell: cells cannot load modules, and everything they ` +
    "may use (data, Plot, table, figure, html, md, fmt) is in their context";
}

/** A cell sandbox process, started and not yet given its sets; see {@link startSandbox}. */
export interface StartedSandbox {
  /** Stops the process (when runCells will not be called after all). */
  close(): Promise<void>;
}

/**
 * Starts the cell sandbox process with the limits of `options` (see {@link RunCellsOptions}),
 * for {@link runCells} to use: it loads its modules while the caller prepares the data.
 */
export function startSandbox(
  options: Pick<RunCellsOptions, "timeoutMs" | "memoryMiB" | "sandboxModule"> = {},
): StartedSandbox {
  return new Sandbox(
    options.timeoutMs ?? CELL_TIMEOUT_MS,
    options.memoryMiB ?? CELL_MEMORY_MIB,
    options.sandboxModule ?? new URL("./cell_worker.ts", import.meta.url),
  );
}

/** The sandbox process and its request/response bookkeeping. */
class Sandbox {
  #child: Deno.ChildProcess;
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #token = crypto.randomUUID();
  #next = 0;
  #pending = new Map<number, { resolve: (r: WorkerResponse) => void; what: string }>();
  #timeoutMs: number;
  #memoryMiB: number;
  /** The last lines the sandbox wrote to standard error, for the message when it dies. */
  #stderrTail: string[] = [];
  #memoryTimer: ReturnType<typeof setInterval>;
  #overMemory = false;
  dead = false;

  constructor(timeoutMs: number, memoryMiB: number, module: URL) {
    if (!(Number.isInteger(memoryMiB) && memoryMiB >= 64)) {
      throw new RangeError(
        `the cell memory limit must be a whole number of MiB ≥ 64, got ${memoryMiB}`,
      );
    }
    this.#timeoutMs = timeoutMs;
    this.#memoryMiB = memoryMiB;
    const here = (path: string) => new URL(path, import.meta.url).pathname;
    this.#child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        // Nothing can prompt: every permission is denied outright, standard input is a pipe.
        "--no-prompt",
        ...["read", "write", "net", "env", "run", "ffi", "sys", "import"].map((p) => `--deny-${p}`),
        // Modules come from the cache only, pinned by the lockfile, which is never written.
        "--cached-only",
        "--frozen",
        "--no-remote",
        `--config=${here("../deno.json")}`,
        `--lock=${here("../deno.lock")}`,
        `--v8-flags=--max-old-space-size=${memoryMiB}`,
        module.href,
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      clearEnv: true,
      env: { NO_COLOR: "1", ...cacheEnv() },
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    this.#readAnswers();
    this.#readStderr();
    this.#child.status.then((status) => {
      clearInterval(this.#memoryTimer);
      if (this.dead) return;
      const tail = this.#stderrTail.join("\n");
      this.#die((what) =>
        this.#overMemory || /out of memory|heap limit|allocation failed/i.test(tail)
          ? `${what} used more than ${this.#memoryMiB} MiB of memory and was stopped ` +
            "(the limit of the cell sandbox)"
          : /refusing to run cells/.test(tail)
          ? tail.slice(tail.indexOf("refusing")).split("\n")[0]
          : `the cell sandbox stopped (exit code ${status.code}${
            status.signal ? `, ${status.signal}` : ""
          }) while running ${what}${tail ? `: ${tail.split("\n").slice(-3).join(" ")}` : ""}`
      );
    });
    // V8's heap limit does not count buffers; resident memory does.
    this.#memoryTimer = setInterval(() => this.#checkMemory(), MEMORY_POLL_MS);
  }

  #checkMemory() {
    let status: string;
    try {
      status = Deno.readTextFileSync(`/proc/${this.#child.pid}/status`);
    } catch {
      return;
    }
    const kib = Number(/VmRSS:\s*(\d+)/.exec(status)?.[1] ?? 0);
    if (kib > (this.#memoryMiB + SANDBOX_BASE_MIB) * 1024) {
      this.#overMemory = true;
      this.#kill();
    }
  }

  #kill() {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }

  async #readAnswers() {
    let buffered = "";
    try {
      for await (const chunk of this.#child.stdout.pipeThrough(new TextDecoderStream())) {
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf("\n")) >= 0) {
          this.#answer(buffered.slice(0, newline));
          buffered = buffered.slice(newline + 1);
        }
      }
    } catch {
      // The process died; its exit is handled where its status resolves.
    }
  }

  #answer(line: string) {
    const at = line.indexOf(this.#token);
    if (at < 0) {
      // A cell printed to standard output: show it, as text, on the builder's standard error.
      if (line) console.error(`cell output: ${visible(line)}`);
      return;
    }
    if (at > 0) console.error(`cell output: ${visible(line.slice(0, at))}`);
    let data: unknown;
    try {
      data = JSON.parse(line.slice(at + this.#token.length));
    } catch {
      return this.#malformed("it is not JSON");
    }
    const parsed = WorkerResponseSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.#malformed(`${issue.path.join(".") || "the message"}: ${issue.message}`);
    }
    const pending = this.#pending.get(parsed.data.id);
    if (!pending) return this.#malformed(`it answers request ${parsed.data.id}, which is not open`);
    this.#pending.delete(parsed.data.id);
    pending.resolve(parsed.data);
  }

  #malformed(reason: string) {
    this.#die((what) =>
      `the cell sandbox sent a malformed message while running ${what} (${reason})`
    );
    this.#kill();
  }

  async #readStderr() {
    let buffered = "";
    try {
      for await (const chunk of this.#child.stderr.pipeThrough(new TextDecoderStream())) {
        buffered += chunk;
        const lines = buffered.split("\n");
        buffered = lines.pop()!;
        for (const line of lines) {
          this.#stderrTail.push(line);
          if (this.#stderrTail.length > 20) this.#stderrTail.shift();
          // Cells' console output; V8's out-of-memory report is summarised instead.
          if (!V8_CRASH_REPORT.test(line)) console.error(visible(line));
        }
      }
    } catch {
      // The process died.
    }
  }

  #die(message: (what: string) => string) {
    this.dead = true;
    for (const [id, { resolve, what }] of this.#pending) {
      resolve({ id, ok: false, error: { name: "Error", message: message(what) } });
    }
    this.#pending.clear();
  }

  /**
   * Sends `request` (and after its line, `bytes`), and resolves with the answer, its markup
   * sanitised.
   */
  async request(
    request: WorkerRequestBody,
    what: string,
    timeoutMs = this.#timeoutMs,
    bytes?: Uint8Array,
  ): Promise<WorkerResponse> {
    return sanitizeAnswer(await this.send(request, what, timeoutMs, bytes));
  }

  /**
   * Sends `request` (and after its line, `bytes`), and resolves with the answer as validated
   * by its schema, its markup NOT yet sanitised: pass it through {@link sanitizeAnswer} before
   * use.
   */
  send(
    request: WorkerRequestBody,
    what: string,
    timeoutMs = this.#timeoutMs,
    bytes?: Uint8Array,
  ): Promise<WorkerResponse> {
    const id = this.#next++;
    if (this.dead) {
      return Promise.resolve({
        id,
        ok: false,
        error: { name: "Error", message: "not run: the cell sandbox was stopped earlier" },
      });
    }
    if (request.type !== "init") {
      const refused = forbiddenSource(request.code);
      if (refused) {
        return Promise.resolve({
          id,
          ok: false,
          error: { name: "SecurityError", message: refused },
        });
      }
    } else {
      request = { ...request, token: this.#token };
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#die(() => `did not finish within ${timeoutMs / 1000} s and was stopped`);
        this.#kill();
      }, timeoutMs);
      this.#pending.set(id, {
        what,
        resolve: (response) => {
          clearTimeout(timer);
          resolve(response);
        },
      });
      const line = new TextEncoder().encode(
        JSON.stringify({ ...request, id } as WorkerRequest) + "\n",
      );
      for (const part of bytes?.length ? [line, bytes] : [line]) {
        this.#stdin.write(part).catch(() => {
          // The process died; its exit is handled where its status resolves.
        });
      }
    });
  }

  async close() {
    // A request still open (the next cell, sent before a failure stopped the build) is
    // answered, so that its timer does not outlive the build.
    this.#die(() => "not run: the build stopped");
    clearInterval(this.#memoryTimer);
    this.#kill();
    await this.#stdin.close().catch(() => {});
    await this.#child.status;
  }
}

/** An answer of the sandbox with every output's markup sanitised ({@link sanitizeOutput}). */
function sanitizeAnswer(answer: WorkerResponse): WorkerResponse {
  return answer.ok ? { ...answer, outputs: answer.outputs.map(sanitizeOutput) } : answer;
}

/** A cell's output with its SVG or HTML passed through the allow-list (`sanitize_markup.ts`). */
function sanitizeOutput(output: CellOutput): CellOutput {
  if (output.kind === "figure") return { ...output, svg: sanitizeSvg(output.svg) };
  if (output.kind === "html") return { ...output, html: sanitizeHtml(output.html) };
  return output;
}

/**
 * The variables Deno needs to find its module cache (and `PATH`, so that a cell starting a
 * program gets the permission error rather than "not found"); nothing else of the environment.
 */
function cacheEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ["DENO_DIR", "HOME", "XDG_CACHE_HOME", "DENO_NO_UPDATE_CHECK", "PATH"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return { DENO_NO_UPDATE_CHECK: "1", ...env };
}

/** Control characters shown as escapes, so that cell output cannot drive the terminal. */
function visible(text: string): string {
  return text.replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}
