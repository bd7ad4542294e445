/**
 * `pi_multi`: one instance of Debian's `pi` per core, all at once → wall time, CPU utilisation
 * and multi-core efficiency (the paper's Table 7).
 *
 * CPU utilisation = (user + system CPU time of all instances) / wall time × 100 %, so N busy cores
 * give N × 100 %. Multi-core efficiency = utilisation / N, as y-cruncher defines it (the paper's
 * Podman row: 198.087 % on 2 cores → 99.043 %).
 *
 * @module
 */
import type { BenchmarkDefinition, MeasureContext, MeasuredValue } from "../types.ts";
import { cpuUtilizationPercent, measurePi, PI_DIGITS, PI_QUICK_DIGITS, PI_SCRIPT } from "./_pi.ts";

/** The `pi_multi` benchmark. */
export const piMultiBenchmark: BenchmarkDefinition = {
  info: {
    id: "pi_multi",
    name: "pi, one instance per core",
    category: "cpu",
    tool: "pi",
    description: "One pi (CLN) per logical core at once, timed by bash's time keyword inside " +
      "the container (user and system time include every instance).",
    parameters: {
      digits: PI_DIGITS,
      digitsQuick: PI_QUICK_DIGITS,
      instances: "cores",
      script: PI_SCRIPT,
    },
  },
  tools: [{ binary: "pi", package: "pi" }],
  metrics: [{
    id: "pi_multi.time",
    benchmark: "pi_multi",
    name: "pi, all cores, computation time",
    category: "cpu",
    unit: "s",
    direction: "lower",
    description: "Wall time until every instance finished, measured inside the container.",
  }, {
    id: "pi_multi.total_time",
    benchmark: "pi_multi",
    name: "pi, all cores, total time",
    category: "cpu",
    unit: "s",
    direction: "lower",
    description: "Wall time of the whole container run.",
  }, {
    id: "pi_multi.cpu_utilization",
    benchmark: "pi_multi",
    name: "CPU utilisation",
    category: "cpu",
    unit: "%",
    direction: "higher",
    description: "(user + system CPU time) / wall time × 100; N busy cores give N × 100 %.",
  }, {
    id: "pi_multi.multicore_efficiency",
    benchmark: "pi_multi",
    name: "multi-core efficiency",
    category: "cpu",
    unit: "%",
    direction: "higher",
    description: "CPU utilisation / number of instances (one per core), as y-cruncher reports it.",
  }],
  async measure(ctx: MeasureContext): Promise<MeasuredValue[]> {
    const instances = ctx.cores;
    const { timing, result } = await measurePi(ctx, instances);
    const utilization = cpuUtilizationPercent(timing);
    const values: MeasuredValue[] = [
      { metric: "pi_multi.time", value: timing.realS },
      { metric: "pi_multi.total_time", value: result.wallMs / 1000 },
    ];
    // A runtime that hides children's CPU time (getrusage) would report 0 %: not a measurement.
    if (timing.userS + timing.sysS > 0) {
      values.push(
        { metric: "pi_multi.cpu_utilization", value: utilization },
        { metric: "pi_multi.multicore_efficiency", value: utilization / instances },
      );
    } else {
      ctx.adapter.log(
        `pi_multi under ${ctx.runtime.id}: user and system time are 0, CPU utilisation not reported`,
      );
    }
    return values;
  },
};
