import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/assert.ts";
import { MetricInfoSchema } from "../../model/result_set.ts";
import { readToolOutput } from "./_fixture.ts";
import {
  IPERF3_BENCHMARKS,
  iperf3ClientArgv,
  Iperf3Error,
  iperf3NotReady,
  parseIperf3Json,
} from "./iperf3.ts";
import { parseQperf, qperfBenchmark, qperfClientArgv, QperfError, qperfNotReady } from "./qperf.ts";
import type { ProcessResult } from "../types.ts";

function result(stdout: string, stderr = "", exitCode = 0): ProcessResult {
  const at = new Date().toISOString();
  return { exitCode, stdout, stderr, timedOut: false, wallMs: 1, startedAt: at, finishedAt: at };
}

Deno.test("parseIperf3Json() reads a TCP client report over a veth pair", () => {
  const text = readToolOutput("iperf3", "client_tcp_t2.stdout");
  const r = parseIperf3Json(text);
  assertEquals(r.protocol, "TCP");
  assertEquals(r.receivedBitsPerS, JSON.parse(text).end.sum_received.bits_per_second);
  assert(r.receivedBitsPerS > 1e8, "a veth pair carries more than 100 Mbit/s");
  assert(r.sentBitsPerS >= r.receivedBitsPerS * 0.99);
  assertAlmostEquals(r.seconds, 2, 0.1);
  assertEquals(r.retransmits, 18);
  assertEquals(r.lostPercent, undefined);
});

Deno.test("parseIperf3Json() reads a UDP client report with loss and jitter", () => {
  for (const name of ["client_udp_t2.stdout", "client_udp_reverse_t2.stdout"]) {
    const text = readToolOutput("iperf3", name);
    const r = parseIperf3Json(text);
    assertEquals(r.protocol, "UDP");
    const doc = JSON.parse(text);
    assertEquals(r.receivedBitsPerS, doc.end.sum_received.bits_per_second);
    assertEquals(r.lostPercent, doc.end.sum_received.lost_percent);
    assertEquals(r.jitterMs, doc.end.sum_received.jitter_ms);
    assert(r.lostPercent! >= 0 && r.lostPercent! < 100);
    assert(r.receivedBitsPerS < r.sentBitsPerS, "with -b 0 the receiver drops datagrams");
  }
});

Deno.test("parseIperf3Json() turns iperf3's error reports into Iperf3Error, even with exit code 0", () => {
  assertThrows(
    () => parseIperf3Json(readToolOutput("iperf3", "error_client_refused.stdout")),
    Iperf3Error,
    "unable to connect to server: Connection refused",
  );
  assertThrows(
    () => parseIperf3Json(readToolOutput("iperf3", "error_client_unreachable.stdout")),
    Iperf3Error,
    "Network is unreachable",
  );
  assertThrows(
    () => parseIperf3Json(readToolOutput("iperf3", "error_server_bind.stdout")),
    Iperf3Error,
    "Cannot assign requested address",
  );
  assertThrows(
    () => parseIperf3Json(readToolOutput("iperf3", "error_client_bad_option.stdout")),
    SyntaxError,
    "no JSON (first line: empty output)",
  );
  assert(iperf3NotReady(result(readToolOutput("iperf3", "error_client_refused.stdout"))));
  assert(!iperf3NotReady(result(readToolOutput("iperf3", "client_tcp_t2.stdout"))));
});

Deno.test("iperf3ClientArgv() builds the commands the fixtures were captured with", () => {
  const readme = readToolOutput("iperf3", "README.md");
  for (const udp of [false, true]) {
    const argv = iperf3ClientArgv({ server: "169.254.77.1", timeS: 2, udp });
    assert(readme.includes("`" + argv.join(" ") + "`"), argv.join(" "));
  }
});

Deno.test("parseQperf() reads the four tests in unified units (bytes/s, seconds)", () => {
  const r = parseQperf(readToolOutput("qperf", "client_t2_uu.stdout"));
  assertEquals(Object.keys(r), ["tcp_bw", "udp_bw", "tcp_lat", "udp_lat"]);
  assertEquals(r.tcp_bw.bw, 309035008);
  assertEquals(r.udp_bw.send_bw, 310607872);
  assertEquals(r.udp_bw.recv_bw, 158220288);
  assertAlmostEquals(r.tcp_lat.latency, 30175e-9, 1e-15);
  assertAlmostEquals(r.udp_lat.latency, 26113e-9, 1e-15);
});

Deno.test("parseQperf() converts qperf's scaled units (MB/sec, us)", () => {
  const r = parseQperf(readToolOutput("qperf", "client_t1_default_units.stdout"));
  assertAlmostEquals(r.tcp_bw.bw, 313e6, 1e-3);
  assertAlmostEquals(r.udp_bw.recv_bw, 343e6, 1e-3);
  assertAlmostEquals(r.tcp_lat.latency, 31.2e-6, 1e-12);
  assertThrows(
    () => parseQperf("tcp_bw:\n    bw  =  1.5 PB/fortnight\n"),
    SyntaxError,
    "unknown unit",
  );
});

Deno.test("parseQperf() rejects qperf's error outputs", () => {
  const refused = () =>
    parseQperf(
      readToolOutput("qperf", "error_refused.stdout"),
      readToolOutput("qperf", "error_refused.stderr"),
    );
  assertThrows(refused, QperfError, "169.254.77.1: failed to connect");
  assertThrows(
    () => parseQperf(readToolOutput("qperf", "error_bad_test.stdout")),
    QperfError,
    "tcp_nosuch: bad test",
  );
  assertThrows(
    () => parseQperf(readToolOutput("qperf", "error_bad_option.stdout")),
    QperfError,
    "--bogus: bad option",
  );
  assertThrows(
    () => parseQperf(readToolOutput("qperf", "error_server_port_in_use.stdout")),
    QperfError,
    "unable to bind",
  );
  assertThrows(() => parseQperf("tcp_bw:\n"), SyntaxError, "no value for tcp_bw");
  assertThrows(() => parseQperf(""), SyntaxError, "no test result");
  assert(
    qperfNotReady(result(
      readToolOutput("qperf", "error_refused.stdout"),
      readToolOutput("qperf", "error_refused.stderr"),
      1,
    )),
  );
});

Deno.test("qperfClientArgv() builds the command the fixtures were captured with", () => {
  const readme = readToolOutput("qperf", "README.md");
  const argv = qperfClientArgv("169.254.77.1", 2);
  assert(readme.includes("`" + argv.join(" ") + "`"), argv.join(" "));
});

Deno.test("the network benchmarks' metrics carry units and directions", () => {
  for (const b of [...IPERF3_BENCHMARKS, qperfBenchmark]) {
    for (const m of b.metrics) {
      MetricInfoSchema.parse(m);
      assertEquals(m.benchmark, b.info.id);
      assertEquals(m.direction, m.unit === "MB/s" ? "higher" : "lower", m.id);
    }
  }
});
