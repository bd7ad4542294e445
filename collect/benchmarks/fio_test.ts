import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertStringIncludes,
  assertThrows,
} from "../../tests/assert.ts";
import type { MeasureContext, RuntimeAdapter } from "../types.ts";
import { imagePaths } from "../image.ts";
import { MetricInfoSchema } from "../../model/result_set.ts";
import { readToolOutput } from "./_fixture.ts";
import {
  checkFioRuntimes,
  FIO_BENCHMARKS,
  FIO_JOBS,
  FIO_MAX_CLOCK_STEP,
  FIO_QUICK_RAMP_S,
  FIO_QUICK_RUNTIME_S,
  FIO_QUICK_SIZE_MIB,
  fioArgv,
  parseFioJson,
} from "./fio.ts";

Deno.test("parseFioJson() reads bandwidth, IOPS and clat percentiles of the four jobs (O_DIRECT)", () => {
  const r = parseFioJson(readToolOutput("fio", "direct_64m.stdout"));
  assertEquals(r.version, "fio-3.33");
  assertEquals(Object.keys(r.jobs), FIO_JOBS.map((j) => j.name));
  const seqWrite = r.jobs["seq-write"];
  assertAlmostEquals(seqWrite.bandwidthMiBPerS, 475949390 / 2 ** 20, 1e-9);
  assertAlmostEquals(seqWrite.clatP50Us, 970.752, 1e-9);
  assertAlmostEquals(seqWrite.clatP99Us, 3686.4, 1e-9);
  // 1 MiB blocks: IOPS equal MiB/s.
  assertAlmostEquals(seqWrite.iops, seqWrite.bandwidthMiBPerS, 0.01);
  assertEquals(seqWrite.ioBytes, 64 * 2 ** 20);
  const randRead = r.jobs["rand-read"];
  // 4 KiB blocks: IOPS × 4 KiB = bandwidth.
  assertAlmostEquals(randRead.iops * 4096 / 2 ** 20, randRead.bandwidthMiBPerS, 0.05);
  assertAlmostEquals(randRead.clatP50Us, 85.504, 1e-9);
  for (const job of Object.values(r.jobs)) assert(job.clatP99Us >= job.clatP50Us);
});

Deno.test("parseFioJson() reads buffered runs, where random writes land in the page cache", () => {
  const buffered = parseFioJson(readToolOutput("fio", "buffered_64m.stdout"));
  const direct = parseFioJson(readToolOutput("fio", "direct_64m.stdout"));
  assert(buffered.jobs["rand-write"].iops > 5 * direct.jobs["rand-write"].iops);
  assertAlmostEquals(buffered.jobs["rand-write"].clatP50Us, 4.192, 1e-9);
});

Deno.test("parseFioJson() rejects fio's error outputs with what went wrong", () => {
  assertThrows(
    () => parseFioJson(readToolOutput("fio", "error_no_space.stdout")),
    Error,
    'fio job "seq-write" failed with errno 28 (ENOSPC',
  );
  assertThrows(
    () => parseFioJson(readToolOutput("fio", "error_bad_option.stdout")),
    SyntaxError,
    "fio printed no JSON (first line: empty output)",
  );
  assertThrows(
    () => parseFioJson(readToolOutput("fio", "error_no_dir.stderr")),
    SyntaxError,
    "is not a directory",
  );
  assertThrows(() => parseFioJson('{"jobs": [\n'), SyntaxError, "does not parse");
});

Deno.test("fioArgv() builds the time-based command the quick fixtures were captured with", () => {
  const readme = readToolOutput("fio", "README.md");
  const argv = fioArgv({
    directory: "/var/tmp/ocibench-h10cap/fio",
    sizeMiB: FIO_QUICK_SIZE_MIB,
    direct: true,
    rampS: FIO_QUICK_RAMP_S,
    runtimeS: FIO_QUICK_RUNTIME_S,
  });
  const jobs = readme.match(/`TIMED_JOBS` below stands for[^\n]*\n`([^`]+)`/)?.[1];
  assert(jobs, "README lists the jobs");
  const command = readme.match(/`timed_direct_64m\.\*` \| `([^`]+)`/)?.[1]?.replace(
    "TIMED_JOBS",
    jobs,
  );
  assertEquals(argv.join(" "), command);
  assert(
    fioArgv({ directory: "/d", sizeMiB: 1, direct: false, rampS: 1, runtimeS: 2 })
      .includes("--direct=0"),
  );
});

Deno.test("checkFioRuntimes() accepts real time-based quick runs: no value is a clock step", () => {
  for (const file of ["timed_direct_64m.stdout", "timed_buffered_64m.stdout"]) {
    const r = parseFioJson(readToolOutput("fio", file));
    checkFioRuntimes(r, { runtimeS: FIO_QUICK_RUNTIME_S });
    for (const [name, job] of Object.entries(r.jobs)) {
      assert(job.runtimeMs >= FIO_QUICK_RUNTIME_S * 1000, `${file} ${name}`);
      // The step between neighbouring values fio can print for this job is below the bound.
      assert(1 / job.runtimeMs <= FIO_MAX_CLOCK_STEP, `${file} ${name}`);
      // Time-based: more bytes than one pass over the 64 MiB file for the sequential jobs.
      if (name.startsWith("seq")) assert(job.ioBytes > 64 * 2 ** 20, `${file} ${name}`);
    }
  }
});

Deno.test("checkFioRuntimes() refuses size-bound runs whose bandwidth is size ÷ whole milliseconds", () => {
  const r = parseFioJson(readToolOutput("fio", "direct_64m.stdout"));
  const seqRead = r.jobs["seq-read"];
  // The symptom: 64 MiB in 67 ms, i.e. a value fixed by the millisecond count.
  assertEquals(seqRead.ioBytes, 64 * 2 ** 20);
  assertEquals(seqRead.runtimeMs, 67);
  assertEquals(Math.floor(seqRead.ioBytes * 1000 / seqRead.runtimeMs), 1001624835);
  const error = assertThrows(
    () => checkFioRuntimes(r, { runtimeS: FIO_QUICK_RUNTIME_S }),
    SyntaxError,
    'fio job "seq-read" was measured over 67 ms, not the 2000 ms asked',
  );
  assert(error.message.includes('"seq-write" was measured over 141 ms'), error.message);
  // A time-based job that ran its time but too briefly for the clock is refused as well.
  const brief = { version: "fio-3.33", jobs: { "seq-read": { ...seqRead, runtimeMs: 500 } } };
  assertThrows(() => checkFioRuntimes(brief, { runtimeS: 0.5 }), SyntaxError, "steps of 0.20 %");
});

Deno.test("the fio benchmarks have distinct ids, and metrics with units and directions", () => {
  const ids = FIO_BENCHMARKS.map((b) => b.info.id);
  assertEquals(ids, [
    "fio_layer_direct",
    "fio_bind_direct",
    "fio_layer_buffered",
    "fio_bind_buffered",
  ]);
  for (const b of FIO_BENCHMARKS) {
    assertEquals(b.metrics.length, 16);
    for (const m of b.metrics) {
      MetricInfoSchema.parse(m);
      assertEquals(m.benchmark, b.info.id);
      assertEquals(m.direction, m.id.includes("clat") ? "lower" : "higher", m.id);
    }
    assertEquals(b.info.parameters?.direct, b.info.id.endsWith("_direct"));
  }
});

/** A runtime that answers every step with fio's recorded O_DIRECT output. */
function replayingRuntime(directIo: boolean | undefined): RuntimeAdapter {
  const never = () => Promise.reject(new Error("not used"));
  const now = new Date().toISOString();
  return {
    id: "replay",
    name: "replay",
    isolation: "os-container",
    capabilities: { hostsReachableServer: true, networks: ["netns", "none"], directIo },
    run: () =>
      Promise.resolve({
        exitCode: 0,
        stdout: readToolOutput("fio", "timed_direct_64m.stdout"),
        stderr: "",
        timedOut: false,
        wallMs: 1,
        startedAt: now,
        finishedAt: now,
      }),
    detect: never,
    prepare: never,
    start: never,
    cleanup: never,
  };
}

Deno.test("an O_DIRECT fio run says so when the runtime declares it does not honour O_DIRECT", async () => {
  const direct = FIO_BENCHMARKS.find((b) => b.info.id === "fio_layer_direct")!;
  const buffered = FIO_BENCHMARKS.find((b) => b.info.id === "fio_layer_buffered")!;
  const workDir = Deno.makeTempDirSync({ prefix: "ocibench-fio-test-" });
  const ctx = (directIo: boolean | undefined): MeasureContext => ({
    runtime: replayingRuntime(directIo),
    adapter: {
      image: imagePaths("0", "/nonexistent"),
      workDir,
      namePrefix: "ocibench-fiotest",
      log: () => {},
    },
    quick: true,
    cores: 1,
  });
  try {
    const ignored = await direct.measure(ctx(false));
    assertEquals(ignored.length, FIO_JOBS.length * 4);
    for (const v of ignored) assertStringIncludes(v.notes ?? "", "does not honour O_DIRECT");
    for (const directIo of [true, undefined]) {
      for (const v of await direct.measure(ctx(directIo))) assertEquals(v.notes, undefined);
    }
    for (const v of await buffered.measure(ctx(false))) assertEquals(v.notes, undefined);
  } finally {
    Deno.removeSync(workDir, { recursive: true });
  }
});
