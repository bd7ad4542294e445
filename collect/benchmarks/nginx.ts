/**
 * `nginx`: Debian's nginx-light inside the runtime under test serving two static files (4 KiB and
 * 1 MiB), loaded by `wrk` running natively outside it (collect/app_endpoints.ts) at a fixed
 * number of connections for a fixed duration: requests per second, transfer rate and latency
 * percentiles of each file. wrk's own summary rounds latencies to two digits, so a Lua `done`
 * hook ({@link WRK_REPORT_SCRIPT}) prints the exact counts and percentiles as one JSON line.
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue, Mount } from "../types.ts";
import type { MetricInfo } from "../../model/result_set.ts";
import { parseStepOutput, requireSuccess, StepFailedError } from "../errors.ts";
import { withAppServer } from "../app_endpoints.ts";

/** The port nginx listens on (inside its own network namespace or the engine's bridge). */
export const NGINX_PORT = 8080;
/** Where the server's directory (configuration, files, temp paths) is mounted in the container. */
export const NGINX_DIRECTORY = "/srv/ocibench-nginx";
/** wrk connections kept open. */
export const WRK_CONNECTIONS = 16;
/** wrk threads (one: the load generator is pinned to one CPU). */
export const WRK_THREADS = 1;
/** Seconds of each wrk run in a full collection. */
export const WRK_DURATION_S = 10;
/** Seconds of each wrk run with `--quick`. */
export const WRK_QUICK_DURATION_S = 2;
/** nginx worker processes (one: the other CPU belongs to the load generator). */
export const NGINX_WORKERS = 1;

/** The static files served, by the suffix their metrics carry. */
export const NGINX_FILES: readonly { suffix: string; name: string; bytes: number }[] = [
  { suffix: "4k", name: "4k.bin", bytes: 4096 },
  { suffix: "1m", name: "1m.bin", bytes: 1 << 20 },
];

/** The marker of the JSON line {@link WRK_REPORT_SCRIPT} prints. */
export const WRK_REPORT_MARKER = "OCIBENCH_WRK ";

/** A wrk Lua script whose `done` hook prints the run's exact figures as one JSON line. */
export const WRK_REPORT_SCRIPT = `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '${WRK_REPORT_MARKER}{"requests":%d,"durationUs":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"mean":%.3f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max))
end
`;

/** What ocibench keeps of one wrk run. */
export interface WrkResult {
  requests: number;
  durationS: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  /** Latency percentiles and mean, in milliseconds. */
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
}

/**
 * Parses the output of wrk run with {@link WRK_REPORT_SCRIPT}: the JSON line after
 * {@link WRK_REPORT_MARKER}. SyntaxError when there is none or it lacks a field.
 */
export function parseWrkOutput(stdout: string): WrkResult {
  const line = stdout.split("\n").find((l) => l.startsWith(WRK_REPORT_MARKER));
  if (!line) {
    const first = stdout.trim().split("\n")[0];
    throw new SyntaxError(
      `wrk printed no "${WRK_REPORT_MARKER.trim()}" line (first line: ${
        first ? JSON.stringify(first) : "empty output"
      })`,
    );
  }
  // deno-lint-ignore no-explicit-any
  let doc: any;
  try {
    doc = JSON.parse(line.slice(WRK_REPORT_MARKER.length));
  } catch (error) {
    throw new SyntaxError(`wrk's report line does not parse: ${(error as Error).message}`);
  }
  const numbers = [
    doc?.requests,
    doc?.durationUs,
    doc?.bytes,
    ...["connect", "read", "write", "status", "timeout"].map((k) => doc?.errors?.[k]),
    ...["mean", "p50", "p90", "p99", "max"].map((k) => doc?.latencyUs?.[k]),
  ];
  if (!numbers.every((n) => typeof n === "number" && Number.isFinite(n) && n >= 0)) {
    throw new SyntaxError(`wrk's report line lacks a field or has a negative one: ${line}`);
  }
  if (doc.durationUs <= 0) throw new SyntaxError(`wrk's report has a zero duration: ${line}`);
  const l = doc.latencyUs;
  return {
    requests: doc.requests,
    durationS: doc.durationUs / 1e6,
    bytes: doc.bytes,
    errors: { ...doc.errors },
    latencyMs: {
      mean: l.mean / 1000,
      p50: l.p50 / 1000,
      p90: l.p90 / 1000,
      p99: l.p99 / 1000,
      max: l.max / 1000,
    },
  };
}

/** The argv of one wrk run against `url`, reporting through the script at `scriptPath`. */
export function wrkArgv(url: string, options: { durationS: number; scriptPath: string }): string[] {
  return [
    "wrk",
    "-t",
    String(WRK_THREADS),
    "-c",
    String(WRK_CONNECTIONS),
    "-d",
    `${options.durationS}s`,
    "--latency",
    "-s",
    options.scriptPath,
    url,
  ];
}

/** The nginx configuration: paths relative to its prefix (`-p`), so it reads the same anywhere. */
export function nginxConfig(port: number): string {
  return `# ocibench: nginx serving static files from html/ (relative to the -p prefix)
user root;
worker_processes ${NGINX_WORKERS};
pid nginx.pid;
error_log stderr;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path tmp/body;
  proxy_temp_path tmp/proxy;
  fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi;
  scgi_temp_path tmp/scgi;
  default_type application/octet-stream;
  server {
    listen ${port};
    root html;
  }
}
`;
}

/** The argv that starts nginx in the foreground with the directory at {@link NGINX_DIRECTORY}. */
export function nginxArgv(): string[] {
  return [
    "nginx",
    "-p",
    `${NGINX_DIRECTORY}/`,
    "-c",
    "nginx.conf",
    "-e",
    "stderr",
    "-g",
    "daemon off;",
  ];
}

/**
 * Writes a fresh nginx directory under `workDir` (configuration, the two files, temp dirs) and
 * returns it with its mount at {@link NGINX_DIRECTORY}.
 */
export async function prepareNginxDirectory(workDir: string): Promise<Mount> {
  const dir = await Deno.makeTempDir({ dir: workDir, prefix: "nginx-" });
  await Deno.mkdir(`${dir}/html`);
  await Deno.mkdir(`${dir}/tmp`);
  await Deno.writeTextFile(`${dir}/nginx.conf`, nginxConfig(NGINX_PORT));
  for (const file of NGINX_FILES) {
    // A repeating byte pattern: content does not matter (no compression is configured).
    const bytes = new Uint8Array(file.bytes).map((_, i) => i % 251);
    await Deno.writeFile(`${dir}/html/${file.name}`, bytes);
  }
  return { hostPath: dir, containerPath: NGINX_DIRECTORY };
}

function metric(id: string, name: string, unit: string, higher: boolean): MetricInfo {
  return {
    id: `nginx.${id}`,
    benchmark: "nginx",
    name,
    category: "application",
    unit,
    direction: higher ? "higher" : "lower",
  };
}

const MB = 1e6;

/** The `nginx` benchmark. */
export const nginxBenchmark: BenchmarkDefinition = {
  info: {
    id: "nginx",
    name: "nginx static files under wrk",
    category: "application",
    tool: "nginx + wrk",
    description:
      "nginx-light inside the runtime serves a 4 KiB and a 1 MiB static file; wrk runs natively " +
      "outside it (its own network namespace over a veth pair, or the host side of the engine's " +
      "bridge), pinned to the last CPU, at fixed connections and duration: requests/s, MB/s and " +
      "latency p50/p99 (exact, from a Lua done hook).",
    parameters: {
      connections: WRK_CONNECTIONS,
      threads: WRK_THREADS,
      durationS: WRK_DURATION_S,
      durationSQuick: WRK_QUICK_DURATION_S,
      nginxWorkers: NGINX_WORKERS,
      files: NGINX_FILES.map((f) => `${f.name} (${f.bytes} B)`).join(", "),
      port: NGINX_PORT,
    },
  },
  tools: [
    { binary: "nginx", package: "nginx-light" },
    { binary: "wrk", package: "wrk" },
  ],
  metrics: NGINX_FILES.flatMap((f) => [
    metric(
      `requests_${f.suffix}`,
      `nginx ${f.suffix.toUpperCase()} file requests/s`,
      "req/s",
      true,
    ),
    metric(`transfer_${f.suffix}`, `nginx ${f.suffix.toUpperCase()} file transfer`, "MB/s", true),
    metric(
      `latency_p50_${f.suffix}`,
      `nginx ${f.suffix.toUpperCase()} file latency p50`,
      "ms",
      false,
    ),
    metric(
      `latency_p99_${f.suffix}`,
      `nginx ${f.suffix.toUpperCase()} file latency p99`,
      "ms",
      false,
    ),
  ]),
  async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const durationS = ctx.quick ? WRK_QUICK_DURATION_S : WRK_DURATION_S;
    const mount = await prepareNginxDirectory(ctx.adapter.workDir);
    const scriptPath = `${mount.hostPath}/report.lua`;
    await Deno.writeTextFile(scriptPath, WRK_REPORT_SCRIPT);
    try {
      return await withAppServer(ctx, {
        serverArgv: nginxArgv(),
        mounts: [mount],
        port: NGINX_PORT,
        probe: { mode: "http", path: `/${NGINX_FILES[0].name}` },
        serverTimeoutMs: (NGINX_FILES.length * (durationS + 60) + 120) * 1000,
      }, async (load) => {
        const values: MeasuredValue[] = [];
        for (const file of NGINX_FILES) {
          const url = `http://${load.serverAddress}:${NGINX_PORT}/${file.name}`;
          const what = `wrk against nginx under ${ctx.runtime.id} (${file.name})`;
          const result = requireSuccess(
            await load.runLoad(wrkArgv(url, { durationS, scriptPath }), (durationS + 60) * 1000),
            what,
          );
          const r = parseStepOutput(result, what, (p) => parseWrkOutput(p.stdout));
          if (r.errors.connect > 0 || r.errors.status > 0 || r.requests === 0) {
            throw new StepFailedError(
              `${what}: ${r.requests} requests, ${r.errors.connect} connect errors, ` +
                `${r.errors.status} non-2xx answers: the server did not serve the file`,
              { exitCode: result.exitCode, stderrTail: result.stderr || result.stdout },
            );
          }
          const socketErrors = r.errors.read + r.errors.write + r.errors.timeout;
          const notes = socketErrors > 0
            ? `${socketErrors} socket errors (read ${r.errors.read}, write ${r.errors.write}, timeout ${r.errors.timeout})`
            : undefined;
          const topology = load.topology;
          values.push(
            {
              metric: `nginx.requests_${file.suffix}`,
              value: r.requests / r.durationS,
              topology,
              notes,
            },
            {
              metric: `nginx.transfer_${file.suffix}`,
              value: r.bytes / r.durationS / MB,
              topology,
              notes,
            },
            { metric: `nginx.latency_p50_${file.suffix}`, value: r.latencyMs.p50, topology, notes },
            { metric: `nginx.latency_p99_${file.suffix}`, value: r.latencyMs.p99, topology, notes },
          );
        }
        return values;
      });
    } finally {
      await Deno.remove(mount.hostPath, { recursive: true }).catch(() => {});
    }
  },
};
