/**
 * Runs a notebook's cells and inline expressions, in order, in the sandboxed worker
 * (`cell_worker.ts`, started with no permissions), and collects what each produced.
 *
 * @module
 */
import type { ResultSet } from "../model/result_set.ts";
import type { CellErrorOutput, CellOutput } from "./cell_output.ts";
import type { WorkerRequest, WorkerRequestBody, WorkerResponse } from "./cell_worker.ts";
import { type CellBlock, findInlineExpressions, type Notebook } from "./parse_notebook.ts";

/** How long one cell may run before the build stops it, in milliseconds. */
export const CELL_TIMEOUT_MS = 60_000;

/** How long the sandbox may take to start (it loads jsdom and Plot), in milliseconds. */
export const SANDBOX_START_TIMEOUT_MS = 120_000;

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
  const sandbox = new Sandbox(options.timeoutMs ?? CELL_TIMEOUT_MS);
  const errors: CellError[] = [];
  const fail = (error: CellError) => {
    if (!options.keepGoing) throw error;
    errors.push(error);
    return error;
  };
  try {
    const { extra, ...known } = notebook.meta;
    await sandbox.request({
      type: "init",
      sets,
      references: options.references ?? [],
      meta: { ...extra, ...known },
      labels: options.labels ?? [],
    }, SANDBOX_START_TIMEOUT_MS);
    const blocks: (ExecutedProse | ExecutedCell)[] = [];
    const prose = async (text: string, line: number): Promise<ExecutedProse> => {
      const found = findInlineExpressions(text);
      const inline: (CellOutput | CellError)[] = [];
      let out = "";
      let last = 0;
      for (const expr of found) {
        const at = line + text.slice(0, expr.start).split("\n").length - 1;
        const answer = await sandbox.request({ type: "inline", code: expr.code });
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
    for (const block of notebook.blocks) {
      if (block.kind === "prose") {
        blocks.push({ kind: "prose", text: block.text, inline: [], line: block.line });
        continue;
      }
      if (block.options.norun) {
        blocks.push({ kind: "cell", cell: block, outputs: [] });
        continue;
      }
      const answer = await sandbox.request({ type: "cell", code: block.code });
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
    return { notebook, title, abstract, blocks, errors };
  } finally {
    sandbox.close();
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

/** The worker and its request/response bookkeeping. */
class Sandbox {
  #worker: Worker;
  #next = 0;
  #pending = new Map<number, (response: WorkerResponse) => void>();
  #timeoutMs: number;
  dead = false;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    this.#worker = new Worker(new URL("./cell_worker.ts", import.meta.url), {
      type: "module",
      name: "ocibench-notebook-cells",
      // No permission at all: cells cannot read or write files, use the network, read the
      // environment, run programs or load native code.
      deno: { permissions: "none" },
    });
    this.#worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
      this.#pending.get(event.data.id)?.(event.data);
      this.#pending.delete(event.data.id);
    };
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.#die(`the cell sandbox crashed: ${event.message}`);
    };
  }

  #die(message: string) {
    this.dead = true;
    for (const [id, resolve] of this.#pending) {
      resolve({ id, ok: false, error: { name: "Error", message } });
    }
    this.#pending.clear();
  }

  request(request: WorkerRequestBody, timeoutMs = this.#timeoutMs): Promise<WorkerResponse> {
    const id = this.#next++;
    if (this.dead) {
      return Promise.resolve({
        id,
        ok: false,
        error: { name: "Error", message: "not run: the cell sandbox was stopped earlier" },
      });
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#worker.terminate();
        this.#die(`did not finish within ${timeoutMs / 1000} s and was stopped`);
      }, timeoutMs);
      this.#pending.set(id, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
      this.#worker.postMessage({ ...request, id } as WorkerRequest);
    });
  }

  close() {
    this.#worker.terminate();
  }
}
