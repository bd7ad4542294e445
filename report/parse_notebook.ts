/**
 * The notebook format: Markdown with YAML front matter, in which fenced `ts`/`js` code blocks
 * are cells run at build time. See `report/README.md` for the whole format.
 *
 * @module
 */
import { parse as parseYaml } from "yaml";

/** The front matter of a notebook. */
export interface NotebookMeta {
  title: string;
  authors: string[];
  /** Markdown; may hold `${expr}` like the prose. */
  abstract?: string;
  /**
   * What the notebook reads: paths or globs relative to the notebook file, or `latest-run`
   * (the newest `results/<run-id>/<run-id>.json`).
   */
  datasets: string[];
  /** Read instead when `datasets` resolves to no file (e.g. no run collected yet). */
  fallbackDatasets: string[];
  /**
   * Result sets to compare with (e.g. the paper's tables), given to cells as `references`;
   * `--data` does not replace them.
   */
  references: string[];
  /** Any other keys, passed to cells as `meta`. */
  extra: Record<string, unknown>;
}

/** Options written after the language of a cell's fence, e.g. ```` ```ts echo caption="…" ````. */
export interface CellOptions {
  /** Show the code above the output. */
  echo: boolean;
  /** Show the code but do not run it. */
  norun: boolean;
  /** Run it but show no output (for set-up cells). */
  hidden: boolean;
  /** Caption of the figure or table the cell returns. */
  caption?: string;
  /** Text alternative of the figure the cell returns. */
  alt?: string;
  /** Id for cross-references (`@id` in prose prints "Figure 3" or "Table 2"). */
  id?: string;
}

/** A run of Markdown prose between cells. */
export interface ProseBlock {
  kind: "prose";
  text: string;
  /** 1-based line in the notebook file where the block starts. */
  line: number;
}

/** An executable cell. */
export interface CellBlock {
  kind: "cell";
  /** 1-based number among the notebook's cells (what errors print). */
  index: number;
  lang: "ts" | "js";
  code: string;
  /** 1-based line of the cell's first code line in the notebook file. */
  line: number;
  options: CellOptions;
}

/** A parsed notebook. */
export interface Notebook {
  path: string;
  meta: NotebookMeta;
  blocks: (ProseBlock | CellBlock)[];
}

const CELL_LANGS: Record<string, "ts" | "js"> = {
  ts: "ts",
  typescript: "ts",
  js: "js",
  javascript: "js",
};

/**
 * Parses notebook text. `path` only names the file in error messages.
 * Raises SyntaxError with the file and line for a malformed front matter, an unclosed cell
 * or an unknown cell option.
 */
export function parseNotebook(text: string, path: string): Notebook {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let start = 0;
  let meta: NotebookMeta = {
    title: "",
    authors: [],
    datasets: [],
    fallbackDatasets: [],
    references: [],
    extra: {},
  };
  if (lines[0] === "---") {
    const end = lines.indexOf("---", 1);
    if (end < 0) throw new SyntaxError(`${path}:1: front matter starts with "---" but never ends`);
    meta = parseFrontMatter(lines.slice(1, end).join("\n"), path);
    start = end + 1;
  }
  const blocks: (ProseBlock | CellBlock)[] = [];
  let prose: string[] = [];
  let proseLine = start + 1;
  let cellCount = 0;
  const flushProse = () => {
    const first = prose.findIndex((l) => l.trim() !== "");
    if (first >= 0) {
      // The text is trimmed, so its line is that of its first non-blank line.
      blocks.push({
        kind: "prose",
        text: prose.join("\n").trim() + "\n",
        line: proseLine + first,
      });
    }
    prose = [];
  };
  let i = start;
  while (i < lines.length) {
    const line = lines[i];
    const fence = /^(`{3,}|~{3,})\s*([A-Za-z]*)(.*)$/.exec(line);
    if (!fence) {
      if (prose.length === 0) proseLine = i + 1;
      prose.push(line);
      i++;
      continue;
    }
    const [, marker, info, rest] = fence;
    const closing = new RegExp(`^${marker[0] === "`" ? "`" : "~"}{${marker.length},}\\s*$`);
    const close = lines.findIndex((l, j) => j > i && closing.test(l));
    if (close < 0) {
      throw new SyntaxError(`${path}:${i + 1}: code block opened with ${marker} is never closed`);
    }
    const lang = CELL_LANGS[info.toLowerCase()];
    if (!lang) {
      // Any other fence stays prose, untouched (it may even show a ts cell as an example).
      if (prose.length === 0) proseLine = i + 1;
      prose.push(...lines.slice(i, close + 1));
      i = close + 1;
      continue;
    }
    flushProse();
    cellCount++;
    blocks.push({
      kind: "cell",
      index: cellCount,
      lang,
      code: lines.slice(i + 1, close).join("\n"),
      line: i + 2,
      options: parseCellOptions(rest, `${path}:${i + 1}`),
    });
    i = close + 1;
    proseLine = i + 1;
  }
  flushProse();
  return { path, meta, blocks };
}

function parseFrontMatter(text: string, path: string): NotebookMeta {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new SyntaxError(`${path}: front matter is not valid YAML: ${(error as Error).message}`);
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new SyntaxError(`${path}: front matter must be a mapping of keys to values`);
  }
  const {
    title = "",
    authors = [],
    abstract,
    datasets = [],
    fallbackDatasets = [],
    references = [],
    ...extra
  } = data as Record<string, unknown>;
  const strings = (value: unknown, key: string): string[] => {
    const list = typeof value === "string" ? [value] : value;
    if (!Array.isArray(list) || list.some((v) => typeof v !== "string")) {
      throw new SyntaxError(`${path}: front matter "${key}" must be a string or a list of strings`);
    }
    return list as string[];
  };
  if (typeof title !== "string") {
    throw new SyntaxError(`${path}: front matter "title" must be a string`);
  }
  if (abstract !== undefined && typeof abstract !== "string") {
    throw new SyntaxError(`${path}: front matter "abstract" must be a string`);
  }
  return {
    title,
    authors: strings(authors, "authors"),
    abstract: abstract as string | undefined,
    datasets: strings(datasets, "datasets"),
    fallbackDatasets: strings(fallbackDatasets, "fallbackDatasets"),
    references: strings(references, "references"),
    extra,
  };
}

const FLAG_OPTIONS = ["echo", "norun", "hidden"] as const;
const VALUE_OPTIONS = ["caption", "alt", "id"] as const;

function parseCellOptions(text: string, where: string): CellOptions {
  const options: CellOptions = { echo: false, norun: false, hidden: false };
  const pattern = /\s*([A-Za-z][\w-]*)(?:=(?:"((?:[^"\\]|\\.)*)"|([^\s"]+)))?/y;
  let rest = text.trimEnd();
  while (rest.trim() !== "") {
    pattern.lastIndex = 0;
    const m = pattern.exec(rest);
    if (!m) throw new SyntaxError(`${where}: cannot read cell options "${text.trim()}"`);
    const [whole, key, quoted, bare] = m;
    const value = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : bare;
    if ((FLAG_OPTIONS as readonly string[]).includes(key) && value === undefined) {
      options[key as (typeof FLAG_OPTIONS)[number]] = true;
    } else if ((VALUE_OPTIONS as readonly string[]).includes(key) && value !== undefined) {
      options[key as (typeof VALUE_OPTIONS)[number]] = value;
    } else {
      throw new SyntaxError(
        `${where}: unknown cell option "${key}"; known: echo, norun, hidden, caption="…", ` +
          `alt="…", id=…`,
      );
    }
    rest = rest.slice(whole.length);
  }
  return options;
}

/**
 * Finds the `${expr}` expressions in a piece of prose, skipping code spans. Braces inside the
 * expression nest; quotes are honoured.
 */
export function findInlineExpressions(
  text: string,
): { start: number; end: number; code: string }[] {
  const found: { start: number; end: number; code: string }[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === "`") {
      const ticks = /^`+/.exec(text.slice(i))![0];
      const close = text.indexOf(ticks, i + ticks.length);
      i = close < 0 ? i + ticks.length : close + ticks.length;
      continue;
    }
    if (text[i] === "\\") {
      i += 2;
      continue;
    }
    if (text.startsWith("${", i)) {
      let depth = 1;
      let j = i + 2;
      let quote: string | null = null;
      for (; j < text.length && depth > 0; j++) {
        const c = text[j];
        if (quote) {
          if (c === "\\") j++;
          else if (c === quote) quote = null;
        } else if (c === '"' || c === "'" || c === "`") quote = c;
        else if (c === "{") depth++;
        else if (c === "}") depth--;
      }
      if (depth === 0) {
        found.push({ start: i, end: j, code: text.slice(i + 2, j - 1) });
        i = j;
        continue;
      }
    }
    i++;
  }
  return found;
}
