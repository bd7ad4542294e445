import { assert, assertEquals, assertStringIncludes } from "../tests/assert.ts";
import { formatDuration, Progress } from "./progress.ts";

Deno.test("formatDuration() reads as seconds, minutes or hours", () => {
  assertEquals(formatDuration(1234), "1.2s");
  assertEquals(formatDuration(73_000), "1m13s");
  assertEquals(formatDuration(2 * 3600_000 + 5 * 60_000), "2h05m");
  assertEquals(formatDuration(Infinity), "?");
  // Rounding carries into the next unit instead of showing 60 seconds or minutes.
  assertEquals(formatDuration(119_700), "2m00s");
  assertEquals(formatDuration(59_980), "1m00s");
  assertEquals(formatDuration(3_599_700), "1h00m");
});

Deno.test("Progress in a pipe prints one plain line per step and a summary", () => {
  let out = "";
  let clock = 0;
  const p = new Progress({ total: 3, live: false, write: (t) => (out += t), now: () => clock });
  const a = { runtime: "runc", benchmark: "startup", iteration: 0, warmup: true };
  const b = { runtime: "crun", benchmark: "startup", iteration: 0, warmup: true };
  p.stepStarted(a);
  clock += 2000;
  p.stepFinished(a, "ok");
  p.stepStarted(b);
  clock += 1000;
  p.stepFinished(b, "failed", "exited with code 1");
  assertEquals(p.etaMs(), 1500); // mean 1.5 s × 1 step left
  p.runtimeSkipped("kata", "not installed");
  p.finish();
  assert(!out.includes("\r"), "no carriage returns in a pipe");
  const lines = out.trim().split("\n");
  assertEquals(lines[0], "[1/3] runc startup #0 (warm-up) …");
  assertEquals(lines[1], "[1/3] runc startup #0 (warm-up) ok 2.0s");
  assertEquals(lines[3], "[2/3] crun startup #0 (warm-up) failed: exited with code 1");
  assertStringIncludes(out, "Summary: 2 steps in 3.0s");
  assertStringIncludes(out, "runc: 1 ok, 0 failed");
  assertStringIncludes(out, "crun: 0 ok, 1 failed");
  assertStringIncludes(out, "kata: skipped (not installed)");
});

Deno.test("Progress on a terminal redraws one line with step, elapsed and ETA", () => {
  let out = "";
  let clock = 0;
  const p = new Progress({ total: 4, live: true, write: (t) => (out += t), now: () => clock });
  const a = { runtime: "runsc-ptrace", benchmark: "stream", iteration: 1, warmup: false };
  p.stepStarted(a);
  clock += 4000;
  p.stepFinished(a, "ok");
  p.stepStarted({ ...a, iteration: 2 });
  p.close();
  const frames = out.split("\r\x1b[2K").filter((f) => f !== "");
  assertEquals(frames[0], "[1/4] runsc-ptrace stream #1 elapsed 0.0s ETA ?");
  assertStringIncludes(out, "[2/4] runsc-ptrace stream #2 elapsed 4.0s ETA 12.0s");
  assert(out.endsWith("\n"), "close() ends the live line");
});

Deno.test("Progress shows the scheduler's state: in place of the ETA live, once per change in a pipe", () => {
  let live = "";
  const p = new Progress({ total: 4, live: true, write: (t) => (live += t), now: () => 0 });
  p.setStatus("3/12 cells decided, 5m00s of 8m00s left");
  p.stepStarted({ runtime: "runc", benchmark: "stream", iteration: 4, warmup: false });
  p.close();
  assertStringIncludes(live, "runc stream #4 elapsed 0.0s 3/12 cells decided, 5m00s of 8m00s left");
  assert(!live.includes("ETA"), live);
  let plain = "";
  const q = new Progress({ total: 4, live: false, write: (t) => (plain += t), now: () => 0 });
  q.setStatus("0/2 cells decided, 1m00s of 1m00s left");
  q.setStatus("0/2 cells decided, 1m00s of 1m00s left");
  q.setStatus("1/2 cells decided, 30.0s of 1m00s left");
  assertEquals(plain.trim().split("\n"), [
    "0/2 cells decided, 1m00s of 1m00s left",
    "1/2 cells decided, 30.0s of 1m00s left",
  ]);
});
