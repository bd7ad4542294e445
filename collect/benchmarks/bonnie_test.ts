import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { MetricInfoSchema } from "../../model/result_set.ts";
import { readToolOutput } from "./_fixture.ts";
import {
  BONNIE_BENCHMARKS,
  BONNIE_QUICK_CHAR_IO_MIB,
  BONNIE_QUICK_FILES_K,
  BONNIE_QUICK_RAM_MIB,
  BONNIE_QUICK_SIZE_MIB,
  bonnieArgv,
  parseBonnieCsv,
} from "./bonnie.ts";

Deno.test("parseBonnieCsv() reads the rates of the 256 MiB run and leaves untimed tests absent", () => {
  const r = parseBonnieCsv(readToolOutput("bonnie", "s256_r128_n1.stdout"));
  assertEquals(r.version, "2.00a");
  assertEquals(r.fileSize, "256M");
  assertEquals(r.seqOutputCharKiBPerS, 223);
  assertEquals(r.seqOutputBlockKiBPerS, 361222);
  assertEquals(r.rewriteKiBPerS, 306127);
  assertEquals(r.seqInputCharKiBPerS, 327);
  assertEquals(r.seqCreatePerS, 1018);
  assertEquals(r.randomCreatePerS, 670);
  // "+++++": finished too fast to time.
  assertEquals(r.seqInputBlockKiBPerS, undefined);
  assertEquals(r.randomSeeksPerS, undefined);
  assertEquals(r.seqDeletePerS, undefined);
});

Deno.test("parseBonnieCsv() reads the 128 MiB run, where only the per-char tests are timed", () => {
  const r = parseBonnieCsv(readToolOutput("bonnie", "s128_r64_n1.stdout"));
  assertEquals(r.seqOutputCharKiBPerS, 535);
  assertEquals(r.seqInputCharKiBPerS, 333);
  assertEquals(r.seqOutputBlockKiBPerS, undefined);
  assertEquals(r.seqCreatePerS, 1462);
  assertEquals(r.randomCreatePerS, 1970);
  // The human-readable table goes to stderr, never mistaken for the CSV.
  assertThrows(
    () => parseBonnieCsv(readToolOutput("bonnie", "s128_r64_n1.stderr")),
    SyntaxError,
    "no CSV line",
  );
});

Deno.test("parseBonnieCsv() reads the quick run with 1 MiB per-char tests", () => {
  const r = parseBonnieCsv(readToolOutput("bonnie", "s128_r64_n1_f1.stdout"));
  assertEquals(r.seqOutputCharKiBPerS, 112);
  assertEquals(r.seqOutputBlockKiBPerS, 202813);
  assertEquals(r.rewriteKiBPerS, 181996);
  assertEquals(r.seqInputCharKiBPerS, 93);
  assertEquals(r.randomSeeksPerS, 10388);
  assertEquals(r.seqCreatePerS, 1662);
});

Deno.test("parseBonnieCsv() reads the fast mode (-f) of --quick, without per-char tests", () => {
  const r = parseBonnieCsv(readToolOutput("bonnie", "s128_r64_n1_fast.stdout"));
  assertEquals(r.seqOutputCharKiBPerS, undefined);
  assertEquals(r.seqInputCharKiBPerS, undefined);
  assertEquals(r.seqOutputBlockKiBPerS, 166828);
  assertEquals(r.rewriteKiBPerS, 154270);
  assertEquals(r.randomSeeksPerS, 9178);
});

Deno.test("parseBonnieCsv() reads the --quick run (512 MiB, 4096 files, no per-char tests)", () => {
  const r = parseBonnieCsv(readToolOutput("bonnie", "s512_r256_n4_fast.stdout"));
  assertEquals(r.fileSize, "512M");
  assertEquals(r.seqOutputBlockKiBPerS, 306968);
  assertEquals(r.rewriteKiBPerS, 439563);
  assertEquals(r.seqInputBlockKiBPerS, 892832);
  assertEquals(r.randomSeeksPerS, 10128);
  assertEquals(r.seqCreatePerS, 981);
  assertEquals(r.randomCreatePerS, 1450);
  assertEquals(r.randomDeletePerS, 4325);
  assertEquals(r.seqOutputCharKiBPerS, undefined);
});

Deno.test("bonnieArgv() of --quick matches its fixture", () => {
  const argv = bonnieArgv({
    directory: "/tmp/ocibench-h3cap/bonnie2",
    sizeMiB: BONNIE_QUICK_SIZE_MIB,
    ramMiB: BONNIE_QUICK_RAM_MIB,
    filesK: BONNIE_QUICK_FILES_K,
    charIoMiB: BONNIE_QUICK_CHAR_IO_MIB,
  });
  assert(
    readToolOutput("bonnie", "README.md").includes("`" + argv.join(" ") + "`"),
    argv.join(" "),
  );
});

Deno.test("parseBonnieCsv() rejects bonnie++'s error outputs", () => {
  for (const name of ["error_no_space", "error_direct_io", "error_no_dir", "error_bad_option"]) {
    assertThrows(
      () => parseBonnieCsv(readToolOutput("bonnie", `${name}.stdout`)),
      SyntaxError,
      "bonnie++ printed no CSV line (first line: empty output)",
    );
  }
  assertThrows(
    () => parseBonnieCsv(readToolOutput("bonnie", "error_size_below_twice_ram.stderr")),
    SyntaxError,
    "File size should be double RAM",
  );
  assertThrows(() => parseBonnieCsv("1.98,2.00a,x,1,2,128M"), SyntaxError, "6 fields");
  const broken = readToolOutput("bonnie", "s128_r64_n1.stdout").replace(",535,", ",5x5,");
  assertThrows(() => parseBonnieCsv(broken), SyntaxError, 'not a number: "5x5"');
});

Deno.test("bonnieArgv() builds the commands the fixtures were captured with", () => {
  const readme = readToolOutput("bonnie", "README.md");
  const argv = bonnieArgv({
    directory: "/tmp/ocibench-h3cap/bonnie2",
    sizeMiB: 128,
    ramMiB: 64,
    filesK: 1,
    charIoMiB: 0,
  });
  assertEquals(argv.at(-1), "-f");
  assert(readme.includes("`" + argv.join(" ") + "`"), argv.join(" "));
  const oneMiB = bonnieArgv({
    directory: "/tmp/ocibench-h3cap/bonnie2",
    sizeMiB: 128,
    ramMiB: 64,
    filesK: 1,
    charIoMiB: 1,
  });
  assert(readme.includes("`" + oneMiB.join(" ") + "`"), oneMiB.join(" "));
  const full = bonnieArgv({
    directory: "/tmp/ocibench-h3cap/bonnie2",
    sizeMiB: 256,
    ramMiB: 128,
    filesK: 1,
    charIoMiB: 20,
  });
  // The default per-char size, spelled out.
  assertEquals(full.at(-1), "-f20");
  assert(readme.includes("`" + full.slice(0, -1).join(" ") + "`"), full.join(" "));
});

Deno.test("the bonnie++ benchmarks cover both placements with valid metrics", () => {
  assertEquals(BONNIE_BENCHMARKS.map((b) => b.info.id), ["bonnie_layer", "bonnie_bind"]);
  for (const b of BONNIE_BENCHMARKS) {
    assertEquals(b.metrics.length, 10);
    for (const m of b.metrics) MetricInfoSchema.parse(m);
    assertEquals(b.info.parameters?.cache, "buffered");
  }
});
