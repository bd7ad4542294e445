/**
 * `pi_single`: one instance of Debian's `pi` computing π to a fixed number of digits → the
 * computation time measured inside the container and the total time of the container run
 * (the paper's Table 6, with `pi` in place of y-cruncher).
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import { measurePi, PI_DIGITS, PI_QUICK_DIGITS, PI_SCRIPT } from "./_pi.ts";

/** The `pi_single` benchmark. */
export const piSingleBenchmark: BenchmarkDefinition = {
  info: {
    id: "pi_single",
    name: "pi, one instance",
    category: "cpu",
    tool: "pi",
    description: "Debian's pi (CLN) to a fixed number of digits, one instance, timed by bash's " +
      "time keyword inside the container; total time is the whole container run.",
    parameters: {
      digits: PI_DIGITS,
      digitsQuick: PI_QUICK_DIGITS,
      instances: 1,
      script: PI_SCRIPT,
    },
  },
  tools: [{ binary: "pi", package: "pi" }],
  metrics: [{
    id: "pi_single.time",
    benchmark: "pi_single",
    name: "pi computation time",
    category: "cpu",
    unit: "s",
    direction: "lower",
    description: "Wall time of the computation, measured inside the container.",
  }, {
    id: "pi_single.total_time",
    benchmark: "pi_single",
    name: "pi total time",
    category: "cpu",
    unit: "s",
    direction: "lower",
    description: "Wall time of the whole container run: create, compute, exit, remove.",
  }],
  async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const { timing, result } = await measurePi(ctx, 1);
    return [
      { metric: "pi_single.time", value: timing.realS },
      { metric: "pi_single.total_time", value: result.wallMs / 1000 },
    ];
  },
};
