/** The `report` subcommand: outputs, exit codes, and failing cells with and without --keep-going. */
import { main } from "../main.ts";
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ocibench-report-cli-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function captureStderr(fn: () => Promise<number>): Promise<{ code: number; stderr: string }> {
  const original = console.error;
  const lines: string[] = [];
  console.error = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    return { code: await fn(), stderr: lines.join("\n") };
  } finally {
    console.error = original;
  }
}

const BROKEN = `---
title: Broken
datasets: [../../work/main/fixtures/paper_2020/table6_ycruncher.json]
---
Before.

\`\`\`ts
const fine = 1;
\`\`\`

\`\`\`ts
const x = fine + 1;
x.no.such.property
\`\`\`

After: \${fine}.
`;

Deno.test("report --notebook FILE --out DIR writes the HTML, Markdown, SVGs and CSVs", async () => {
  await withTemp(async (dir) => {
    const { code } = await captureStderr(() =>
      main(["report", "--notebook", "fixtures/notebooks/golden.md", "--out", dir])
    );
    assertEquals(code, 0);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assertEquals(names, ["golden-figure-1.svg", "golden-table-1.csv", "golden.html", "golden.md"]);
  });
});

Deno.test("a failing cell stops the build with file, cell and line; exit code 1", async () => {
  await withTemp(async (dir) => {
    const notebook = `${dir}/broken.md`;
    await Deno.writeTextFile(
      notebook,
      BROKEN.replace("../../work/main/fixtures", `${Deno.cwd()}/fixtures`),
    );
    const { code, stderr } = await captureStderr(() =>
      main(["report", "--notebook", notebook, "--out", `${dir}/site`])
    );
    assertEquals(code, 1);
    assertStringIncludes(stderr, `${notebook}: cell 2 (line 13) failed: TypeError`);
    assert(!(await Deno.stat(`${dir}/site/broken.html`).catch(() => null)), "no HTML written");
  });
});

Deno.test("with --keep-going the error is shown in place, the rest is built, exit code 1", async () => {
  await withTemp(async (dir) => {
    const notebook = `${dir}/broken.md`;
    await Deno.writeTextFile(
      notebook,
      BROKEN.replace("../../work/main/fixtures", `${Deno.cwd()}/fixtures`),
    );
    const { code } = await captureStderr(() =>
      main(["report", "--notebook", notebook, "--out", `${dir}/site`, "--keep-going"])
    );
    assertEquals(code, 1);
    const html = await Deno.readTextFile(`${dir}/site/broken.html`);
    assertStringIncludes(html, '<div class="cell-error" role="note"><strong>Error.</strong>');
    assertStringIncludes(html, "cell 2 (line 13) failed: TypeError");
    assertStringIncludes(html, "After: 1.");
  });
});

Deno.test("--data replaces the notebook's datasets; a glob that matches nothing is an error", async () => {
  await withTemp(async (dir) => {
    const ok = await captureStderr(() =>
      main([
        "report",
        "--notebook",
        "fixtures/notebooks/golden.md",
        "--out",
        dir,
        "--data",
        "fixtures/paper_2020/table6_*.json",
      ])
    );
    assertEquals(ok.code, 0);
    const none = await captureStderr(() =>
      main([
        "report",
        "--notebook",
        "fixtures/notebooks/golden.md",
        "--out",
        dir,
        "--data",
        "nothing/*.json",
      ])
    );
    assertEquals(none.code, 1);
    assertStringIncludes(none.stderr, "--data nothing/*.json matches no file");
  });
});
