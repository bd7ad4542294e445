/**
 * The import graph of the whole tree (main.ts, mod.ts, every test and bench file, as
 * `deno info --json` reports it, type-only imports included) has no circle, and no file imports
 * a folder-private (`_*.ts`) file of another folder.
 *
 * @module
 */
import { assertEquals } from "./assert.ts";

const ROOT = new URL("..", import.meta.url);

/** Every `.ts` file under `dir` (relative to the repository) whose name matches `pattern`. */
function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of Deno.readDirSync(new URL(rel, ROOT))) {
      const path = `${rel}${entry.name}`;
      if (
        entry.isDirectory && !/^(node_modules|results|site|examples|fixtures|\.)/.test(entry.name)
      ) {
        walk(`${path}/`);
      } else if (entry.isFile && pattern.test(entry.name)) out.push(path);
    }
  };
  walk(dir);
  return out;
}

/** file:// module → the file:// modules it imports (code or types). */
async function importGraph(): Promise<Map<string, Set<string>>> {
  const roots = [
    "main.ts",
    "mod.ts",
    ...filesUnder("", /_test\.ts$/),
    ...filesUnder("bench/", /\.ts$/),
  ];
  const dir = await Deno.makeTempDir({ prefix: "ocibench-import-graph-" });
  try {
    const entry = `${dir}/all.ts`;
    await Deno.writeTextFile(
      entry,
      roots.map((r) => `import ${JSON.stringify(new URL(r, ROOT).href)};\n`).join(""),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: new URL(".", ROOT).pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
    const info = JSON.parse(new TextDecoder().decode(out.stdout));
    const graph = new Map<string, Set<string>>();
    for (const m of info.modules ?? []) {
      if (!m.specifier?.startsWith(ROOT.href)) continue;
      const edges = new Set<string>();
      for (const d of m.dependencies ?? []) {
        for (const to of [d.code?.specifier, d.type?.specifier]) {
          if (to?.startsWith(ROOT.href)) edges.add(to);
        }
      }
      graph.set(m.specifier, edges);
    }
    return graph;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The strongly connected components with more than one module (Tarjan). */
function circles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.has(v)) found.push(component);
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) visit(v);
  return found;
}

const relative = (specifier: string) => specifier.slice(ROOT.href.length);
const folderOf = (specifier: string) => specifier.slice(0, specifier.lastIndexOf("/"));

Deno.test("the import graph of main.ts, mod.ts, tests and benches has no circle and no foreign _*.ts import", async () => {
  const graph = await importGraph();
  assertEquals(circles(graph).map((c) => c.map(relative).sort()), []);
  const foreign: string[] = [];
  for (const [from, tos] of graph) {
    for (const to of tos) {
      const name = to.slice(to.lastIndexOf("/") + 1);
      if (name.startsWith("_") && folderOf(from) !== folderOf(to)) {
        foreign.push(`${relative(from)} imports ${relative(to)}`);
      }
    }
  }
  assertEquals(foreign, []);
});

Deno.test("circles() finds a circle through type-only edges and ignores a chain", () => {
  const graph = new Map([
    ["a", new Set(["b"])],
    ["b", new Set(["c"])],
    ["c", new Set(["a"])],
    ["d", new Set(["a"])],
  ]);
  assertEquals(circles(graph).map((c) => c.sort()), [["a", "b", "c"]]);
  assertEquals(circles(new Map([["a", new Set(["b"])], ["b", new Set<string>()]])), []);
});
