/**
 * A notebook's cells as one TypeScript module, so that `deno check` can check them against the
 * cell context's types (`tools/check_notebooks.ts` writes and checks it). Pure.
 *
 * The module mirrors how cells run (`cell_worker.ts`): each cell is the body of an async
 * function; each later cell is nested inside the earlier one, so the names a cell declares are
 * visible to every cell after it (and a later cell may declare a name again, shadowing it); the
 * `${expr}` of prose, title and abstract are checked in the innermost scope, after all cells.
 * Cell code is copied verbatim, one line for one line, and {@link CellsModule.origins} says
 * where in the notebook each generated line comes from.
 *
 * @module
 */
import { topLevelNames } from "./cell_source.ts";
import { findInlineExpressions, type Notebook } from "./parse_notebook.ts";

/** Where a line of the generated module comes from. */
export interface LineOrigin {
  /** 1-based line in the notebook file. */
  line: number;
  /** The cell, or undefined for an inline `${expr}`. */
  cell?: number;
  /** Generated column minus notebook column (characters added before the text, or removed). */
  columnOffset: number;
}

/** What {@link cellsModule} returns. */
export interface CellsModule {
  /** The TypeScript module text. */
  code: string;
  /** Per generated line (index 0 is line 1): its origin in the notebook, or null for wrapper. */
  origins: (LineOrigin | null)[];
}

/** Options of {@link cellsModule}. */
export interface CellsModuleOptions {
  /** URL of `report/cell_context.ts`, imported for its types. */
  contextUrl: string;
  /** Every name of the cell context (`CELL_CONTEXT_NAMES`). */
  contextNames: readonly string[];
}

const INLINE_PREFIX = "void (";

/** Builds the module that holds `notebook`'s cells (cells marked `norun` are left out). */
export function cellsModule(notebook: Notebook, options: CellsModuleOptions): CellsModule {
  const lines: string[] = [];
  const origins: (LineOrigin | null)[] = [];
  const wrapper = (...text: string[]) => {
    for (const t of text) {
      lines.push(t);
      origins.push(null);
    }
  };
  const names = options.contextNames.join(", ");
  wrapper(
    `// The cells of ${notebook.path}, generated to be type-checked; not to be run or edited.`,
    `import type { CellContext } from ${JSON.stringify(options.contextUrl)};`,
    "export async function notebook(__ctx: CellContext): Promise<void> {",
    `const { ${names} } = __ctx;`,
    `void [${names}];`,
  );
  const cells = notebook.blocks.flatMap((b) => b.kind === "cell" && !b.options.norun ? [b] : []);
  for (const cell of cells) {
    wrapper(`async function __cell${cell.index}() {`);
    cell.code.split("\n").forEach((text, i) => {
      lines.push(text);
      origins.push({ line: cell.line + i, cell: cell.index, columnOffset: 0 });
    });
    // Reads every name the cell declares (noUnusedLocals) and calls nothing: the next cell's
    // function is only referenced.
    const declared = topLevelNames(cell.code);
    wrapper(`void [${declared.join(", ")}];`);
  }
  const inline: { code: string; line: number; column: number }[] = [];
  const collect = (text: string | undefined, line: number) => {
    if (text === undefined) return;
    for (const expr of findInlineExpressions(text)) {
      const before = text.slice(0, expr.start).split("\n");
      // column: 0-based, of the expression's first character (after "${") in its line.
      inline.push({
        code: expr.code,
        line: line + before.length - 1,
        column: before.at(-1)!.length + 2,
      });
    }
  };
  // Title and abstract are placed at the front matter (line 1), as `runCells` places them.
  collect(notebook.meta.title, 1);
  collect(notebook.meta.abstract, 1);
  for (const block of notebook.blocks) if (block.kind === "prose") collect(block.text, block.line);
  for (const expr of inline) {
    expr.code.split("\n").forEach((text, i) => {
      lines.push(i === 0 ? `${INLINE_PREFIX}${text}` : text);
      origins.push({
        line: expr.line + i,
        columnOffset: i === 0 ? INLINE_PREFIX.length - expr.column : 0,
      });
    });
    wrapper(");");
  }
  // Close the cells' functions innermost first, each referenced so it counts as used.
  for (const cell of [...cells].reverse()) wrapper("}", `void __cell${cell.index};`);
  wrapper("}");
  return { code: lines.join("\n") + "\n", origins };
}
