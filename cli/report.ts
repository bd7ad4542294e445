/**
 * `report`: builds notebooks into paper-like reports (HTML, Markdown, SVG figures, CSV tables).
 *
 * @module
 */
import {
  type Command,
  EXIT_FAILURE,
  EXIT_OK,
  parseCommandArgs,
  positiveNumber,
  UsageError,
} from "./command.ts";
import { buildReport } from "../report/build_report.ts";
import { escapeTerminal } from "../report/escape.ts";
import { CELL_MEMORY_MIB } from "../report/run_cells.ts";
import { checkOutputDirectory } from "../model/read_text_file.ts";

const HELP =
  `Usage: ocibench report [--notebook FILE]... [--data FILE...] [--previous FILE] [--out DIR] [--keep-going]

Builds each notebook (Markdown with front matter and TypeScript cells, see report/README.md) into
DIR/<name>.html (one self-contained file), DIR/<name>.md, and beside them one SVG per figure and
one CSV per table. Cells run in a separate process with every permission denied (no file,
network, environment or program access), no module loading and a memory limit.

Options:
  --notebook FILE   notebook to build (repeatable); default: every notebooks/*.md
  --data FILE...    result files or globs to read instead of each notebook's datasets
                    (files after --data that do not start with "-" are read too)
  --out DIR         output directory (default: site)
  --results DIR     where collected runs live, for notebooks reading latest-run (default: results)
  --previous FILE   a previous run of the same host: the notebook may show what changed since
                    (its analysis is given to cells as previousAnalysis)
  --keep-going      show a failing cell's error in place and go on (exit code 1 at the end)
  --cell-memory MIB memory the cell sandbox may use (default ${CELL_MEMORY_MIB}); a cell that
                    uses more fails with its number

Without --data, a notebook reads the datasets its front matter names; "latest-run" is the newest
collected run. A failing cell stops the build with the notebook file, cell number and line.`;

/** The `report` subcommand. */
export const reportCommand: Command = {
  name: "report",
  summary: "build notebooks into paper-like HTML and Markdown reports",
  help: HELP,
  async run(args) {
    const { values, positionals } = parseCommandArgs("report", args, {
      notebook: { type: "string", multiple: true },
      data: { type: "string", multiple: true },
      out: { type: "string" },
      results: { type: "string" },
      previous: { type: "string" },
      "keep-going": { type: "boolean" },
      "cell-memory": { type: "string" },
    }, true);
    if (values.help) {
      console.log(HELP);
      return EXIT_OK;
    }
    if (positionals.length && !values.data) {
      throw new UsageError(
        `report: unexpected argument "${positionals[0]}" (use --notebook FILE or --data FILE)`,
      );
    }
    const data = values.data ? [...values.data, ...positionals] : undefined;
    const outDir = await checkOutputDirectory("--out", values.out ?? "site").catch((error) => {
      throw new UsageError(`report: ${error.message}`);
    });
    const memoryMiB = positiveNumber("cell-memory", values["cell-memory"], CELL_MEMORY_MIB);
    if (!Number.isInteger(memoryMiB) || memoryMiB < 64) {
      throw new UsageError(`--cell-memory must be a whole number of MiB ≥ 64, got "${memoryMiB}"`);
    }
    const notebooks = values.notebook ?? await defaultNotebooks();
    if (notebooks.length === 0) throw new UsageError("report: no notebook given or in notebooks/");
    let failed = 0;
    for (const notebook of notebooks) {
      const built = await buildReport(notebook, {
        outDir,
        memoryMiB,
        data,
        keepGoing: values["keep-going"],
        resultsDir: values.results,
        previous: values.previous,
      });
      for (const error of built.errors) {
        console.error(`ocibench: ${escapeTerminal(error.message, { keepLineBreaks: true })}`);
      }
      failed += built.errors.length;
      console.error(
        `report ${notebook}: ${built.files.length} files, ${built.files[0]} ` +
          `(${
            (built.htmlBytes / 1024).toFixed(0)
          } KiB) from ${built.datasets.length} result files` +
          (built.errors.length ? `, ${built.errors.length} failing cells shown in place` : ""),
      );
    }
    return failed > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};

async function defaultNotebooks(): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir("notebooks")) {
      if (entry.isFile && entry.name.endsWith(".md") && entry.name !== "README.md") {
        names.push(`notebooks/${entry.name}`);
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}
