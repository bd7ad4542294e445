/**
 * `bc_pi`: GNU bc computing π to 2000 decimals (`4*a(1)` with `-l`), timed around the container
 * run: a trivial CPU benchmark.
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import { parseStepOutput } from "../errors.ts";
import { runBenchmarkStep } from "./_run_step.ts";

/** Decimals of π computed (200 with `--quick`). */
export const BC_PI_SCALE = 2000;

/** The digits of π bc printed (its lines joined), or SyntaxError for anything else. */
export function parseBcPi(stdout: string): string {
  const digits = stdout.replaceAll("\\\n", "").trim();
  if (!/^3\.\d+$/.test(digits)) {
    throw new SyntaxError(`bc printed no digits of pi: "${stdout.slice(0, 80)}"`);
  }
  return digits;
}

/** The `bc_pi` benchmark. */
export const bcPiBenchmark: BenchmarkDefinition = {
  info: {
    id: "bc_pi",
    name: "bc, digits of pi",
    category: "cpu",
    tool: "bc",
    description: "GNU bc -l computing 4*a(1) to 2000 decimals; the container run's wall time.",
    parameters: { scale: BC_PI_SCALE, scaleQuick: 200 },
  },
  tools: [{ binary: "bc", package: "bc" }],
  metrics: [{
    id: "bc_pi.time",
    benchmark: "bc_pi",
    name: "bc pi time",
    category: "cpu",
    unit: "s",
    direction: "lower",
  }],
  async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const scale = ctx.quick ? 200 : BC_PI_SCALE;
    const argv = ["sh", "-c", `echo 'scale=${scale}; 4*a(1)' | bc -l`];
    const result = await runBenchmarkStep(ctx, argv, { timeoutMs: 120_000 });
    parseStepOutput(result, "bc", (r) => parseBcPi(r.stdout));
    return [{ metric: "bc_pi.time", value: result.wallMs / 1000 }];
  },
};
