/**
 * The sandbox that runs notebook cells: a separate Deno process started by `run_cells.ts` with
 * every permission denied (no file, network, environment, subprocess, FFI, system or import
 * access), no prompt, a V8 heap limit, code generation from strings disabled, and a frozen
 * lockfile read from the cache only. It reads requests from standard input, one JSON line each:
 * the validated result sets, then cells, each run as a module imported from a `data:` URL; it
 * renders Plot figures with jsdom and answers on standard output with plain data
 * ({@link CellOutput}), each line marked with the token the builder sent.
 *
 * @module
 */
import "./_worker_env.ts";
import { JSDOM } from "jsdom";
import { type CellContext, makeCellContext, toCellOutputs } from "./cell_context.ts";
import type { CellErrorOutput } from "./cell_output.ts";
import { topLevelNames, withImplicitReturn } from "./cell_source.ts";
import type { WorkerRequest, WorkerResponse } from "./_sandbox_protocol.ts";
import { type PackedResultSet, unpackResultSet } from "./_packed_sets.ts";

let context: CellContext | undefined;
/** Names declared at the top level of earlier cells, visible to later ones. */
const scope: Record<string, unknown> = {};
const document = new JSDOM("").window.document;

/** Lines the module wrapper adds before a cell's first line. */
const HEADER_LINES = 4;

function wrap(code: string, asExpression: boolean): string {
  const declared = topLevelNames(code);
  // Only the names the code mentions are bound, so that `analysis` is computed only if used.
  const mentioned = (n: string) =>
    new RegExp(`(?<![\\w$])${n.replace(/\$/g, "\\$")}(?![\\w$])`).test(code);
  const fromContext = Object.keys(context!).filter((n) => !declared.includes(n) && mentioned(n));
  const fromScope = Object.keys(scope).filter((n) =>
    !declared.includes(n) && !Object.hasOwn(context!, n) && mentioned(n)
  );
  const keep = declared.map((n) => `try { __scope[${JSON.stringify(n)}] = ${n}; } catch {}`);
  const body = asExpression ? `return (\n${code.replace(/[\s;]+$/, "")}\n);` : code;
  // Exactly HEADER_LINES lines before the cell's code (one more for the expression form).
  return [
    "export default async function (__ctx, __scope, __keep) {",
    `const { ${fromContext.join(", ")} } = __ctx;`,
    `const { ${fromScope.join(", ")} } = __scope;`,
    `__keep(() => { ${keep.join(" ")} });`,
    body,
    "}",
  ].join("\n");
}

async function load(code: string, asExpression: boolean) {
  const url = `data:application/typescript;base64,${base64(wrap(code, asExpression))}`;
  const module = await import(url);
  return { run: module.default as (ctx: unknown, s: unknown, k: unknown) => Promise<unknown>, url };
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

async function runCell(code: string): Promise<unknown> {
  // A cell that is one expression is its own value; otherwise it is a function body whose
  // `return` gives the value. The expression form is tried first and dropped if it does not parse.
  let loaded: { run: (ctx: unknown, s: unknown, k: unknown) => Promise<unknown>; url: string };
  let offset = HEADER_LINES + 1;
  try {
    // A cell that declares names is never one expression (`function f() {}` would parse as
    // a function expression and declare nothing).
    if (topLevelNames(code).length > 0) throw new SyntaxError("declarations");
    loaded = await load(code, true);
  } catch {
    offset = HEADER_LINES;
    const implicit = withImplicitReturn(code);
    try {
      if (implicit === undefined) throw new SyntaxError("no final expression");
      loaded = await load(implicit, false);
    } catch {
      try {
        loaded = await load(code, false);
      } catch (error) {
        throw located(error, offset);
      }
    }
  }
  let keep: (() => void) | undefined;
  try {
    return await loaded.run(context, scope, (f: () => void) => (keep = f));
  } catch (error) {
    throw located(error, offset);
  } finally {
    keep?.();
  }
}

class LocatedError extends Error {
  constructor(readonly original: unknown, readonly line?: number, readonly column?: number) {
    super(original instanceof Error ? original.message : String(original));
  }
}

function located(error: unknown, offset: number): LocatedError {
  const text = error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error);
  const m = /data:application\/typescript;base64,[A-Za-z0-9+/=.]+:(\d+):(\d+)/.exec(text);
  if (!m) return new LocatedError(error);
  const line = Number(m[1]) - offset;
  return new LocatedError(error, line >= 1 ? line : undefined, Number(m[2]));
}

function describe(error: unknown): CellErrorOutput {
  const inner = error instanceof LocatedError ? error.original : error;
  const name = inner instanceof Error ? inner.name : "Error";
  let message = inner instanceof Error ? inner.message : String(inner);
  // Syntax errors quote the whole data: URL; keep only the first line of the message.
  message = message.split("\n")[0].replace(/data:application\/typescript;base64,[^\s:]+/g, "cell");
  if (name === "NotCapable") {
    message = `${message.replace(/, run again with.*$/, "")} (cells run without permissions: ` +
      "no files, network, environment or programs; the data they need is in their context)";
  }
  const out: CellErrorOutput = { name, message };
  if (error instanceof LocatedError && error.line !== undefined) {
    out.line = error.line;
    if (error.column !== undefined) out.column = error.column;
  }
  return out;
}

async function handle(request: WorkerRequest, bytes: Uint8Array): Promise<WorkerResponse> {
  try {
    if (request.type === "init") {
      const unpack = (p: PackedResultSet) => unpackResultSet(p, bytes);
      context = makeCellContext(request.sets.map(unpack), request.meta, document, {
        labels: request.labels,
        references: request.references.map(unpack),
        analysis: request.analysis ?? undefined,
        previousAnalysis: request.previousAnalysis,
      });
      return { id: request.id, ok: true, outputs: [] };
    }
    if (!context) throw new Error("the sandbox was not initialised");
    const value = await runCell(request.code);
    return { id: request.id, ok: true, outputs: toCellOutputs(value, document) };
  } catch (error) {
    return { id: request.id, ok: false, error: describe(error) };
  }
}

let token = "";

async function send(response: WorkerResponse): Promise<void> {
  let bytes = new TextEncoder().encode(`${token}${JSON.stringify(response)}\n`);
  while (bytes.length > 0) bytes = bytes.subarray(await Deno.stdout.write(bytes));
}

// Nothing a cell needs, and each would start code the builder did not check (`node:vm` compiles
// strings in contexts of its own).
for (const name of ["Worker", "SharedWorker", "WebAssembly"]) {
  Reflect.deleteProperty(globalThis, name);
}
// deno-lint-ignore no-process-global
Object.defineProperty(process, "getBuiltinModule", {
  value: () => {
    throw new Error("built-in modules are not available to cells");
  },
  writable: false,
  configurable: false,
});

// Requests arrive as lines of JSON; the init line is followed by the block of bytes it announces
// (the sets' columns), which goes straight into a buffer of its own (its typed arrays then start
// at aligned offsets, and it is never copied again).
const NEWLINE = 0x0a;
const decoder = new TextDecoder();
let input = new Uint8Array(1 << 16);
let length = 0;
let consumed = 0;
/** Bytes after `consumed` already searched for a newline (a long line arrives in many chunks). */
let scanned = 0;
/** An init request waiting for its bytes, and how many of them came. */
let waiting: { request: WorkerRequest; block: Uint8Array; filled: number } | null = null;

/** Moves what it can of `bytes` into the block awaited; returns how many it took. */
function fillBlock(bytes: Uint8Array): number {
  const w = waiting!;
  const take = Math.min(bytes.length, w.block.length - w.filled);
  w.block.set(bytes.subarray(0, take), w.filled);
  w.filled += take;
  return take;
}

for await (const chunk of Deno.stdin.readable) {
  let rest = chunk;
  if (waiting !== null) rest = chunk.subarray(fillBlock(chunk));
  if (length + rest.length > input.length) {
    const kept = length - consumed;
    const grown = new Uint8Array(Math.max(input.length, 2 * (kept + rest.length)));
    grown.set(input.subarray(consumed, length));
    input = grown;
    length = kept;
    consumed = 0;
  }
  input.set(rest, length);
  length += rest.length;
  for (;;) {
    if (waiting !== null) {
      consumed += fillBlock(input.subarray(consumed, length));
      if (waiting.filled < waiting.block.length) break;
      const { request, block } = waiting;
      waiting = null;
      await send(await handle(request, block));
      continue;
    }
    const found = input.subarray(consumed + scanned, length).indexOf(NEWLINE);
    if (found < 0) {
      scanned = length - consumed;
      break;
    }
    const newline = scanned + found;
    scanned = 0;
    const request = JSON.parse(
      decoder.decode(input.subarray(consumed, consumed + newline)),
    ) as WorkerRequest;
    consumed += newline + 1;
    if (request.type === "init") {
      token = request.token;
      waiting = { request, block: new Uint8Array(request.bytes), filled: 0 };
      continue;
    }
    await send(await handle(request, new Uint8Array(0)));
  }
  if (consumed === length) {
    consumed = 0;
    length = 0;
  }
}
