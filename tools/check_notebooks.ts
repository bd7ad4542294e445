/**
 * Type-checks notebook cells: writes each notebook's cells as a TypeScript module (see
 * `report/cells_module.ts`) into a temporary directory, runs `deno check` on them against the
 * cell context's types and prints each error at its place in the notebook. Part of
 * `deno task ok`, so that a renamed field breaks the gate rather than a report.
 *
 * ```sh
 * deno run -A tools/check_notebooks.ts                 # notebooks/*.md and fixtures/notebooks/*.md
 * deno run -A tools/check_notebooks.ts my.md other.md
 * ```
 *
 * @module
 */
import { parseNotebook } from "../report/parse_notebook.ts";
import { CELL_CONTEXT_NAMES } from "../report/cell_context.ts";
import { cellsModule, type LineOrigin } from "../report/cells_module.ts";

const ROOT = new URL("..", import.meta.url);

/** The notebooks checked when none are named: every `*.md` with cells in these folders. */
export const NOTEBOOK_DIRS = ["notebooks", "fixtures/notebooks"];

/**
 * Compiler options for cells. Cells are written like scripts (untyped parameters, possibly
 * missing values handled at run time), so implicit `any` and strict null checks are off; what
 * is checked is that every name, field and call exists on the types cells are given.
 */
const CELL_COMPILER_OPTIONS = {
  strict: true,
  noImplicitAny: false,
  strictNullChecks: false,
  noUnusedLocals: false,
  noUnusedParameters: false,
};

/** The outcome of {@link checkNotebooks}. */
export interface NotebookCheck {
  ok: boolean;
  /** `deno check`'s report with places in generated modules replaced by notebook places. */
  report: string;
  /** How many notebooks and cells were checked. */
  notebooks: number;
  cells: number;
}

/** Every notebook under {@link NOTEBOOK_DIRS}, as paths relative to the repository. */
export async function defaultNotebooks(): Promise<string[]> {
  const found: string[] = [];
  for (const dir of NOTEBOOK_DIRS) {
    for await (const entry of Deno.readDir(new URL(`${dir}/`, ROOT))) {
      if (entry.isFile && entry.name.endsWith(".md")) found.push(`${dir}/${entry.name}`);
    }
  }
  return found.sort();
}

/**
 * Checks the cells of `paths` (notebook files). Errors in cells make `ok` false and are in the
 * report; a notebook that cannot be read or parsed rejects.
 */
export async function checkNotebooks(paths: string[]): Promise<NotebookCheck> {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-notebook-cells-" });
  try {
    const modules = new Map<string, { path: string; origins: (LineOrigin | null)[] }>();
    let cells = 0;
    for (const [i, path] of paths.entries()) {
      const notebook = parseNotebook(await Deno.readTextFile(path), path);
      const count = notebook.blocks.filter((b) => b.kind === "cell" && !b.options.norun).length;
      if (count === 0) continue;
      cells += count;
      const module = cellsModule(notebook, {
        contextUrl: new URL("report/cell_context.ts", ROOT).href,
        contextNames: CELL_CONTEXT_NAMES,
      });
      const base = path.replace(/^.*\//, "").replace(/\.md$/, "").replace(/[^\w-]/g, "_");
      const file = `${dir}/${i}_${base}.ts`;
      await Deno.writeTextFile(file, module.code);
      modules.set(new URL(`file://${file}`).href, { path, origins: module.origins });
    }
    if (modules.size === 0) return { ok: true, report: "", notebooks: 0, cells: 0 };
    const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
    await Deno.writeTextFile(
      `${dir}/deno.json`,
      JSON.stringify({ imports: config.imports, compilerOptions: CELL_COMPILER_OPTIONS }),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "check",
        "--quiet",
        `--config=${dir}/deno.json`,
        `--lock=${new URL("deno.lock", ROOT).pathname}`,
        "--frozen",
        ...[...modules.keys()].map((u) => new URL(u).pathname),
      ],
      cwd: dir,
      env: { NO_COLOR: "1", RUST_BACKTRACE: "0" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    return {
      ok: out.success,
      report: out.success
        ? ""
        : locateErrors(text.replace(/\n*Stack backtrace:[^]*$/, "\n"), modules),
      notebooks: modules.size,
      cells,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Replaces `at file:///…/N_name.ts:L:C` with the notebook file, line, column and cell. */
function locateErrors(
  text: string,
  modules: Map<string, { path: string; origins: (LineOrigin | null)[] }>,
): string {
  return text.replace(/(file:\/\/\/[^\s:]+\.ts):(\d+):(\d+)/g, (whole, url, l, c) => {
    const module = modules.get(url);
    const origin = module?.origins[Number(l) - 1];
    if (!module || !origin) return whole;
    const where = origin.cell === undefined ? "inline expression" : `cell ${origin.cell}`;
    return `${module.path}:${origin.line}:${
      Math.max(1, Number(c) - origin.columnOffset)
    } (${where})`;
  });
}

if (import.meta.main) {
  const paths = Deno.args.length > 0 ? Deno.args : await defaultNotebooks();
  let result: NotebookCheck;
  try {
    result = await checkNotebooks(paths);
  } catch (error) {
    console.error(`check-notebooks: ${(error as Error).message}`);
    Deno.exit(1);
  }
  if (!result.ok) {
    console.error(result.report.trimEnd());
    console.error(`check-notebooks: the cells above do not type-check`);
    Deno.exit(1);
  }
  console.error(
    `check-notebooks: ${result.cells} cells of ${result.notebooks} notebooks type-check`,
  );
}
