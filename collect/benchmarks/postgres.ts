/**
 * `postgres`: Debian's PostgreSQL server inside the runtime under test, loaded by `pgbench`
 * running natively outside it (collect/app_endpoints.ts): `pgbench -i` at a small fixed scale,
 * then a fixed-duration run of each built-in script (TPC-B-like read-write, then select-only) at
 * a fixed number of clients: transactions per second, latency average and percentiles.
 *
 * PostgreSQL refuses to run as root, and the `postgres` user's uid differs between the image and
 * the host (where the baseline runs it). So the server step is a shell script in the mounted
 * server directory ({@link POSTGRES_START_SCRIPT}) that, as root inside the runtime, gives a
 * fresh data directory to the `postgres` user of whatever system it runs in, then switches to that
 * user with `setpriv` (util-linux, in every Debian image) for `initdb` and `postgres`. The data
 * directory lives on that mount, so the host removes it whatever happens inside.
 *
 * pgbench prints the latency average but no percentile; `--log` writes one line per transaction
 * (its latency in µs), from which p50 and p99 are taken (nearest rank).
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue, Mount } from "../types.ts";
import type { MetricInfo } from "../../model/result_set.ts";
import { parseStepOutput, requireSuccess, StepFailedError } from "../errors.ts";
import { withAppServer } from "../app_endpoints.ts";
import { nearestRankPercentile } from "./concurrent_start.ts";

/** The port PostgreSQL listens on (inside its own network namespace or the engine's bridge). */
export const POSTGRES_PORT = 5432;
/** Where the server's directory (start script, data directory) is mounted in the container. */
export const POSTGRES_DIRECTORY = "/srv/ocibench-postgres";
/** pgbench's scale factor (`-i -s`): 100 000 accounts per unit, about 15 MB each. */
export const PGBENCH_SCALE = 4;
/**
 * pgbench clients (`-c`): no more than the scale, since every TPC-B-like transaction updates one
 * of `scale` branch rows and more clients would mostly wait on each other's row locks.
 */
export const PGBENCH_CLIENTS = 4;
/** pgbench threads (one: the load generator is pinned to one CPU). */
export const PGBENCH_THREADS = 1;
/** Seconds of each pgbench run in a full collection. */
export const PGBENCH_DURATION_S = 10;
/** Seconds of each pgbench run with `--quick`. */
export const PGBENCH_QUICK_DURATION_S = 3;

/**
 * Server settings besides the address: no Unix socket (the load comes over TCP), and commits
 * that do not wait for their WAL flush, so the figures show the runtime's cost rather than the
 * disk's flush latency (WAL is still written and flushed in the background).
 */
export const POSTGRES_SETTINGS: Readonly<Record<string, string>> = {
  port: String(POSTGRES_PORT),
  unix_socket_directories: "",
  synchronous_commit: "off",
};

/** The built-in pgbench scripts run, in order, by the suffix their metrics carry. */
export const PGBENCH_SCRIPTS: readonly { suffix: string; builtin: string; name: string }[] = [
  { suffix: "tpcb", builtin: "tpcb-like", name: "TPC-B-like" },
  { suffix: "select", builtin: "select-only", name: "select-only" },
];

/**
 * The server's start script, run as root in the runtime with the address to listen on as `$1`.
 * It finds its directory from `$0`, so it runs alike at {@link POSTGRES_DIRECTORY} in a
 * container and at the host path under the baseline.
 */
export const POSTGRES_START_SCRIPT = `#!/bin/sh
# ocibench: PostgreSQL refuses to run as root: give a fresh data directory to the postgres user of
# this system (its uid differs between images), then run initdb and the server as that user.
set -eu
dir=$(dirname "$0")
# The one installed major version (a glob: ls and stat fail under gVisor's ptrace platform).
for bin in /usr/lib/postgresql/*/bin; do :; done
[ -x "$bin/postgres" ] || { echo "no PostgreSQL server in /usr/lib/postgresql/*/bin (Debian: postgresql-15)" >&2; exit 1; }
data="$dir/data"
mkdir "$data"
if setpriv --reuid=postgres --regid=postgres --clear-groups -- true 2>/dev/null; then
  chown postgres:postgres "$data"
  as_postgres="setpriv --reuid=postgres --regid=postgres --clear-groups --"
else
  # A user namespace that maps root alone (bubblewrap's) has no other user to switch to: a
  # nested one maps postgres onto root, so root's files, the data directory among them, are its.
  as_postgres="unshare --user --map-user=postgres --map-group=postgres --"
fi
chmod 700 "$data"
$as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust --no-locale -E UTF8 --no-sync >"$dir/initdb.log"
# The load generator comes from our own namespace or the engine's bridge.
echo "host all all 0.0.0.0/0 trust" >>"$data/pg_hba.conf"
exec $as_postgres "$bin/postgres" -D "$data" \\
  -c listen_addresses="$1" ${
  Object.entries(POSTGRES_SETTINGS).map(([k, v]) => `-c ${k}=${v}`).join(" ")
}
`;

/** What ocibench keeps of pgbench's summary. */
export interface PgbenchSummary {
  /** The scale factor, clients and threads pgbench says it used. */
  scale: number;
  clients: number;
  threads: number;
  /** Transactions completed, and those that failed (0 when pgbench prints no such line). */
  transactions: number;
  failed: number;
  /** Mean latency, in milliseconds (failed transactions included, when there are any). */
  latencyAverageMs: number;
  /** Transactions per second, without the initial connection time. */
  tps: number;
}

function field(stdout: string, pattern: RegExp, what: string): number {
  const m = pattern.exec(stdout);
  const value = m ? Number(m[1]) : NaN;
  if (!Number.isFinite(value) || value < 0) {
    throw new SyntaxError(`pgbench's summary has no ${what}`);
  }
  return value;
}

/**
 * Parses the summary pgbench 15 prints after a run (stdout), with its stderr, where it says that
 * a run was aborted. SyntaxError when it printed no summary (naming its first error line), when a
 * line is missing, or when the run was aborted (its figures then cover only part of it).
 */
export function parsePgbenchOutput(stdout: string, stderr = ""): PgbenchSummary {
  const both = `${stdout}\n${stderr}`;
  const firstError = both.split("\n").find((l) => l.startsWith("pgbench: error:"));
  if (!/^tps = /m.test(stdout)) {
    const first = stdout.trim().split("\n")[0];
    throw new SyntaxError(
      `pgbench printed no summary (${
        firstError
          ? JSON.stringify(firstError)
          : first
          ? `first line: ${JSON.stringify(first)}`
          : "no output"
      })`,
    );
  }
  if (/Run was aborted/.test(both)) {
    throw new SyntaxError(
      `pgbench's run was aborted, its figures are incomplete (${JSON.stringify(firstError)})`,
    );
  }
  return {
    scale: field(stdout, /^scaling factor: (\d+)$/m, "scaling factor"),
    clients: field(stdout, /^number of clients: (\d+)$/m, "number of clients"),
    threads: field(stdout, /^number of threads: (\d+)$/m, "number of threads"),
    transactions: field(
      stdout,
      /^number of transactions actually processed: (\d+)/m,
      "number of transactions",
    ),
    failed: /^number of failed transactions:/m.test(stdout)
      ? field(stdout, /^number of failed transactions: (\d+)/m, "number of failed transactions")
      : 0,
    latencyAverageMs: field(stdout, /^latency average = ([\d.]+) ms/m, "latency average"),
    tps: field(stdout, /^tps = ([\d.]+) /m, "tps"),
  };
}

/** What ocibench keeps of pgbench's per-transaction log (`--log`). */
export interface PgbenchLog {
  /** The latency of every transaction that completed, in microseconds, in log order. */
  latenciesUs: number[];
  /** Transactions logged as failed or skipped. */
  failed: number;
}

/**
 * Parses pgbench 15's per-transaction log: `client_id transaction_no time script_no time_epoch
 * time_us [schedule_lag] [retries]`, where `time` is the latency in µs, or `failed`/`skipped`.
 * SyntaxError naming the line that does not read so.
 */
export function parsePgbenchLog(text: string): PgbenchLog {
  const latenciesUs: number[] = [];
  let failed = 0;
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const cells = line.trim().split(/\s+/);
    if (cells.length < 6 || !cells.slice(0, 2).every((c) => /^\d+$/.test(c))) {
      throw new SyntaxError(`pgbench's log line ${i + 1} is not a transaction: ${line}`);
    }
    if (cells[2] === "failed" || cells[2] === "skipped") {
      failed += 1;
    } else if (/^\d+$/.test(cells[2])) {
      latenciesUs.push(Number(cells[2]));
    } else {
      throw new SyntaxError(`pgbench's log line ${i + 1} has no latency: ${line}`);
    }
  });
  return { latenciesUs, failed };
}

/** The argv of `pgbench -i` against the server at `address`. */
export function pgbenchInitArgv(address: string): string[] {
  return [
    "pgbench",
    ...connectionArgs(address),
    "-i",
    "-s",
    String(PGBENCH_SCALE),
    "-q",
    "postgres",
  ];
}

/** The argv of one timed pgbench run of built-in `script`, logging each transaction under `logPrefix`. */
export function pgbenchRunArgv(
  address: string,
  options: { script: string; durationS: number; logPrefix: string },
): string[] {
  return [
    "pgbench",
    ...connectionArgs(address),
    // The tables are freshly made and vacuumed by `-i`.
    "-n",
    "-c",
    String(PGBENCH_CLIENTS),
    "-j",
    String(PGBENCH_THREADS),
    "-T",
    String(options.durationS),
    "-b",
    options.script,
    "--log",
    `--log-prefix=${options.logPrefix}`,
    "postgres",
  ];
}

function connectionArgs(address: string): string[] {
  return ["-h", address, "-p", String(POSTGRES_PORT), "-U", "postgres"];
}

/** The argv of the server step: the start script with the address to bind to. */
export function postgresServerArgv(): string[] {
  return ["sh", `${POSTGRES_DIRECTORY}/start.sh`, "{address}"];
}

/**
 * Writes a fresh server directory holding the start script, and returns it with its mount at
 * {@link POSTGRES_DIRECTORY}. It lives in the system's temp directory, named after the run
 * (`<namePrefix>-postgres-…`, so a leftover is found by name), and is world-traversable: under the
 * baseline the server runs as the host's `postgres` user, which must reach its data directory
 * inside it, and a run's own work directory may be private to root.
 */
export async function preparePostgresDirectory(namePrefix: string): Promise<Mount> {
  const dir = await Deno.makeTempDir({ prefix: `${namePrefix}-postgres-` });
  await Deno.chmod(dir, 0o755);
  await Deno.writeTextFile(`${dir}/start.sh`, POSTGRES_START_SCRIPT, { mode: 0o755 });
  return { hostPath: dir, containerPath: POSTGRES_DIRECTORY };
}

/**
 * The logs pgbench wrote under `prefix` (`<prefix>.<pid>`, plus `.<n>` per further thread),
 * joined; empty when there is none, which the parser's caller reports.
 */
async function readPgbenchLog(prefix: string): Promise<string> {
  const dir = prefix.slice(0, prefix.lastIndexOf("/"));
  const base = prefix.slice(prefix.lastIndexOf("/") + 1);
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.startsWith(`${base}.`)) files.push(`${dir}/${entry.name}`);
  }
  return (await Promise.all(files.sort().map((f) => Deno.readTextFile(f)))).join("\n");
}

function metric(id: string, name: string, unit: string, higher: boolean): MetricInfo {
  return {
    id: `postgres.${id}`,
    benchmark: "postgres",
    name,
    category: "application",
    unit,
    direction: higher ? "higher" : "lower",
  };
}

/** The `postgres` benchmark. */
export const postgresBenchmark: BenchmarkDefinition = {
  info: {
    id: "postgres",
    name: "PostgreSQL under pgbench",
    category: "application",
    tool: "postgres + pgbench",
    description:
      "PostgreSQL inside the runtime (a fresh initdb as the postgres user, synchronous_commit " +
      "off); pgbench runs natively outside it (its own network namespace over a veth pair, or " +
      "the host side of the engine's bridge), pinned to the last CPU: pgbench -i at a small " +
      "fixed scale, then the TPC-B-like and the select-only scripts at fixed clients and " +
      "duration: transactions/s, latency average and p50/p99 (from the per-transaction log).",
    parameters: {
      scale: PGBENCH_SCALE,
      clients: PGBENCH_CLIENTS,
      threads: PGBENCH_THREADS,
      durationS: PGBENCH_DURATION_S,
      durationSQuick: PGBENCH_QUICK_DURATION_S,
      scripts: PGBENCH_SCRIPTS.map((s) => s.builtin).join(", "),
      settings: Object.entries(POSTGRES_SETTINGS).map(([k, v]) => `${k}=${v || "''"}`).join(" "),
      port: POSTGRES_PORT,
    },
  },
  tools: [
    // Debian 12's postgresql-15 holds the server, initdb and pgbench alike.
    { binary: "pgbench", package: "postgresql-15" },
  ],
  metrics: PGBENCH_SCRIPTS.flatMap((s) => [
    metric(`${s.suffix}_tps`, `PostgreSQL ${s.name} transactions/s`, "tx/s", true),
    metric(`${s.suffix}_latency_avg`, `PostgreSQL ${s.name} latency average`, "ms", false),
    metric(`${s.suffix}_latency_p50`, `PostgreSQL ${s.name} latency p50`, "ms", false),
    metric(`${s.suffix}_latency_p99`, `PostgreSQL ${s.name} latency p99`, "ms", false),
  ]),
  async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const durationS = ctx.quick ? PGBENCH_QUICK_DURATION_S : PGBENCH_DURATION_S;
    const mount = await preparePostgresDirectory(ctx.adapter.namePrefix);
    const logDir = await Deno.makeTempDir({ dir: ctx.adapter.workDir, prefix: "pgbench-log-" });
    try {
      return await withAppServer(ctx, {
        serverArgv: postgresServerArgv(),
        serverName: "PostgreSQL",
        mounts: [mount],
        port: POSTGRES_PORT,
        probe: { mode: "postgres" },
        // initdb runs before the server answers, slowly in a syscall sandbox.
        readyWithinMs: 120_000,
        serverTimeoutMs: (PGBENCH_SCRIPTS.length * (durationS + 60) + 600) * 1000,
      }, async (load) => {
        const where = `PostgreSQL under ${ctx.runtime.id}`;
        const init = `pgbench -i -s ${PGBENCH_SCALE} against ${where}`;
        requireSuccess(await load.runLoad(pgbenchInitArgv(load.serverAddress), 300_000), init);
        const values: MeasuredValue[] = [];
        for (const script of PGBENCH_SCRIPTS) {
          const what = `pgbench -b ${script.builtin} against ${where}`;
          const logPrefix = `${logDir}/${script.suffix}`;
          const result = requireSuccess(
            await load.runLoad(
              pgbenchRunArgv(load.serverAddress, {
                script: script.builtin,
                durationS,
                logPrefix,
              }),
              (durationS + 60) * 1000,
            ),
            what,
          );
          const summary = parseStepOutput(
            result,
            what,
            (p) => parsePgbenchOutput(p.stdout, p.stderr),
          );
          const logText = await readPgbenchLog(logPrefix);
          const logged = parseStepOutput(
            result,
            `${what} (its transaction log)`,
            () => parsePgbenchLog(logText),
          );
          if (summary.transactions === 0 || logged.latenciesUs.length === 0) {
            throw new StepFailedError(`${what}: no transaction completed`, {
              exitCode: result.exitCode,
              stderrTail: result.stderr || result.stdout,
            });
          }
          const failed = Math.max(summary.failed, logged.failed);
          const notes = failed > 0 ? `${failed} failed transactions` : undefined;
          const topology = load.topology;
          const id = `postgres.${script.suffix}`;
          values.push(
            { metric: `${id}_tps`, value: summary.tps, topology, notes },
            { metric: `${id}_latency_avg`, value: summary.latencyAverageMs, topology, notes },
            {
              metric: `${id}_latency_p50`,
              value: nearestRankPercentile(logged.latenciesUs, 50) / 1000,
              topology,
              notes,
            },
            {
              metric: `${id}_latency_p99`,
              value: nearestRankPercentile(logged.latenciesUs, 99) / 1000,
              topology,
              notes,
            },
          );
        }
        return values;
      });
    } finally {
      await Deno.remove(mount.hostPath, { recursive: true }).catch(() => {});
      await Deno.remove(logDir, { recursive: true }).catch(() => {});
    }
  },
};
