/**
 * `doctor`: what this host can run. Every registered runtime is detected by actually preparing it
 * and running `true` in the benchmark image; an unusable one gets the reason and a fix. The tools
 * the registered benchmarks declare, and those ocibench itself uses, are listed with their
 * versions. Pure data out; `cli/doctor.ts` prints it.
 *
 * @module
 */
import type { AdapterContext, HostSupport, RuntimeAdapter, RuntimePlatform } from "./types.ts";
import type { IsolationClass } from "../model/result_set.ts";
import { currentRecipe, imagePaths } from "./image.ts";
import { cacheDir, findExecutable } from "./host_fs.ts";
import { type ProcessEffects, REAL_PROCESS_EFFECTS } from "./process.ts";
import {
  allAdapters,
  cleanupAll,
  createAdapterContext,
  detectAll,
  pluginOf,
  RUNTIME_IDS,
} from "./runtimes/mod.ts";
import { benchmarkTools } from "./benchmarks/mod.ts";
import { describeLeftovers, findLeftovers } from "./leftovers.ts";

/** One runtime's row. */
export interface DoctorRuntime {
  id: string;
  name: string;
  isolation: IsolationClass;
  usable: boolean;
  version?: string;
  components?: Record<string, string>;
  reason?: string;
  fix?: string;
  notes?: string;
  /** Its execution platform, for a runtime with several (e.g. gVisor's systrap). */
  platform?: RuntimePlatform;
  /** The plugin installer that mends it (`war --install` runs it), when its fix is one. */
  installer?: string;
  /** The Debian packages its plugin declares (what provides it); absent in older reports. */
  packages?: string[];
  /** Median wall time of `true` runs after detection, in milliseconds (usable runtimes only). */
  trueMs?: number;
  /** Every `true` wall time measured, in milliseconds. */
  trueRunsMs?: number[];
  /** How long detection took (including image import or daemon start), in milliseconds. */
  detectMs: number;
}

/** One benchmark tool's row. */
export interface DoctorTool {
  name: string;
  /** The Debian package providing it. */
  package: string;
  found: boolean;
  path?: string;
  version?: string;
  fix?: string;
}

/** What `doctor` found. */
export interface DoctorReport {
  image: { hash: string; built: boolean; path: string; fix?: string };
  runtimes: DoctorRuntime[];
  tools: DoctorTool[];
  /** What the checked runtimes' plugins tell about the host (e.g. gVisor's platforms). */
  hostSupport?: HostSupport[];
  /** Anything of doctor's own trial runs that it could not remove (should be empty). */
  leftovers: string[];
}

/**
 * The host tools ocibench itself uses (binary → Debian package): the image build, network
 * namespaces, the harness benchmark. The benchmarks' tools come from their declarations.
 */
export const HOST_TOOLS: readonly { name: string; package: string }[] = [
  { name: "hyperfine", package: "hyperfine" },
  { name: "mmdebstrap", package: "mmdebstrap" },
  { name: "umoci", package: "umoci" },
  { name: "skopeo", package: "skopeo" },
  { name: "gcc", package: "gcc" },
  { name: "ip", package: "iproute2" },
  { name: "unshare", package: "util-linux" },
];

/** The tools doctor checks: those the registered benchmarks declare, then {@link HOST_TOOLS}. */
export function doctorTools(): { name: string; package: string }[] {
  return [
    ...benchmarkTools().map((t) => ({ name: t.binary, package: t.package })),
    ...HOST_TOOLS,
  ];
}

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /** Runtime ids to check; default all. */
  runtimes?: readonly string[];
  /** `true` runs timed per usable runtime after detection; default 3. */
  runs?: number;
  effects?: ProcessEffects;
  /** Progress lines (stderr in the CLI). */
  log?: (message: string) => void;
  /** Adapters to check instead of the registry's (tests). */
  adapters?: RuntimeAdapter[];
  cacheDir?: string;
}

/** Versions of the benchmark tools, from `dpkg-query` (the package version) and `PATH`. */
export async function checkTools(
  effects: ProcessEffects = REAL_PROCESS_EFFECTS,
): Promise<DoctorTool[]> {
  const out: DoctorTool[] = [];
  for (const tool of doctorTools()) {
    const found = findExecutable(tool.name);
    const version = found.path ? await packageVersion(tool.package, effects) : undefined;
    out.push({
      name: tool.name,
      package: tool.package,
      found: found.path !== undefined,
      path: found.path,
      version,
      fix: found.path ? undefined : `apt-get install ${tool.package}`,
    });
  }
  return out;
}

/** The installed version of Debian package `name` (`dpkg-query`), or undefined. */
async function packageVersion(name: string, effects: ProcessEffects): Promise<string | undefined> {
  try {
    const r = await effects.run(["dpkg-query", "--show", "--showformat=${Version}", name], {
      timeoutMs: 15_000,
    });
    return r.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
  } catch {
    return undefined;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Checks every runtime and tool; cleans up what its trials started. */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const log = options.log ?? (() => {});
  const { hash } = currentRecipe();
  const root = cacheDir({ cacheDir: options.cacheDir });
  const image = imagePaths(hash, root);
  let built = false;
  try {
    Deno.statSync(`${root}/image/${hash}/image.json`);
    built = true;
  } catch {
    // Not built.
  }
  const adapters = options.adapters ?? allAdapters(options.runtimes ?? RUNTIME_IDS);
  const ctx: AdapterContext = createAdapterContext({
    image,
    run: `doctor-${crypto.randomUUID().slice(0, 6)}`,
    log,
  });
  const runs = options.runs ?? 3;
  const rows: DoctorRuntime[] = [];
  try {
    const detected = await detectAll(
      adapters,
      ctx,
      (d) =>
        log(
          `${d.adapter.id}: ${d.detection.usable ? "usable" : `unusable (${d.detection.reason})`}`,
        ),
    );
    for (const { adapter, detection, detectMs } of detected) {
      const row: DoctorRuntime = {
        id: adapter.id,
        name: adapter.name,
        isolation: adapter.isolation,
        usable: detection.usable,
        version: detection.version,
        components: detection.components,
        reason: detection.reason,
        fix: detection.fix,
        notes: detection.notes,
        ...(adapter.platform ? { platform: adapter.platform } : {}),
        ...(detection.installer ? { installer: detection.installer } : {}),
        packages: [...(pluginOf(adapter.id)?.aptPackages ?? [])],
        detectMs,
      };
      if (!row.usable && !row.fix && /deno task image/.test(row.reason ?? "")) {
        row.fix = "deno task image";
      }
      if (row.usable && runs > 0) {
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
          const r = await adapter.run({ argv: ["true"], timeoutMs: 60_000 }, ctx);
          if (r.exitCode === 0) times.push(r.wallMs);
        }
        if (times.length > 0) {
          row.trueRunsMs = times.map((t) => Math.round(t * 10) / 10);
          row.trueMs = Math.round(median(times) * 10) / 10;
        }
      }
      rows.push(row);
    }
  } finally {
    const problems = await cleanupAll(adapters, ctx);
    for (const p of problems) log(`cleanup: ${p}`);
  }
  const leftovers = await findLeftovers(ctx.namePrefix, { effects: options.effects });
  const hostSupport: HostSupport[] = [];
  const plugins = new Set(adapters.map((a) => pluginOf(a.id)));
  for (const plugin of plugins) {
    try {
      const support = await plugin?.hostSupport?.();
      if (support) hostSupport.push(support);
    } catch (error) {
      log(`${plugin?.name}: cannot tell what the host supports: ${(error as Error).message}`);
    }
  }
  return {
    image: {
      hash,
      built,
      path: `${root}/image/${hash}`,
      fix: built ? undefined : "deno task image",
    },
    runtimes: rows,
    tools: await checkTools(options.effects),
    ...(hostSupport.length > 0 ? { hostSupport } : {}),
    leftovers: leftovers.length > 0 ? describeLeftovers(leftovers).split("\n") : [],
  };
}

/** The report as text: one table of runtimes, reasons and fixes below, then the tools. */
export function formatDoctorReport(report: DoctorReport): string {
  const out: string[] = [];
  out.push(
    `Benchmark image ${report.image.hash}: ${
      report.image.built ? `built (${report.image.path})` : `NOT BUILT — fix: ${report.image.fix}`
    }`,
    "",
  );
  const header = [
    "runtime",
    "isolation",
    "usable",
    "version",
    "platform",
    "true (ms)",
    "components",
  ];
  const table = report.runtimes.map((r) => [
    r.id,
    r.isolation,
    r.usable ? "yes" : "NO",
    r.version ?? "-",
    r.platform ? `${r.platform.name}${r.platform.legacy ? " (legacy)" : ""}` : "-",
    r.trueMs !== undefined ? r.trueMs.toFixed(1) : "-",
    Object.entries(r.components ?? {}).map(([k, v]) => `${k} ${v}`).join(", ") || "-",
  ]);
  out.push(...formatTable(header, table), "");
  const notes = report.runtimes.filter((r) => !r.usable || r.notes);
  for (const r of notes) {
    if (!r.usable) {
      out.push(`${r.id}: ${r.reason ?? "unusable"}`);
      out.push(`  fix: ${r.fix ?? "none known"}`);
    } else out.push(`${r.id}: note: ${r.notes}`);
  }
  if (notes.length > 0) out.push("");
  for (const support of report.hostSupport ?? []) {
    out.push(`${support.topic}:`);
    for (const item of support.items) {
      out.push(`  ${item.name}: ${item.supported ? "supported" : "NOT supported"}: ${item.detail}`);
    }
    out.push("");
  }
  out.push(
    ...formatTable(
      ["tool", "package", "found", "version"],
      report.tools.map((
        t,
      ) => [t.name, t.package, t.found ? "yes" : `NO (${t.fix})`, t.version ?? "-"]),
    ),
  );
  if (report.leftovers.length > 0) {
    out.push("", "Left behind by doctor's own trials:", ...report.leftovers.map((l) => `  ${l}`));
  }
  return out.join("\n");
}

function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}
