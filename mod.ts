/**
 * ocibench: run the same OCI image under many container runtimes, measure CPU, memory, disk,
 * network, start-up and footprint, analyse the samples and render a paper-like report.
 *
 * @module
 */
export * from "./model/mod.ts";
export * from "./analyze/mod.ts";
export * from "./report/mod.ts";
export { runCollection, type RunCollectionOptions } from "./collect/run_loop.ts";
export { BENCHMARKS, listSuites, resolveBenchmarks } from "./collect/benchmarks/mod.ts";
export { buildPlan, type PlanStep } from "./collect/plan.ts";
export {
  adapterById,
  allAdapters,
  cleanupAll,
  createAdapterContext,
  detectAll,
  RUNTIME_IDS,
} from "./collect/runtimes/mod.ts";
export { buildImage, findImage } from "./collect/image.ts";
export { runProcess, startBackground } from "./collect/process.ts";
export { findLeftovers } from "./collect/leftovers.ts";
export {
  createNetnsPair,
  listNetns,
  type NetnsPair,
  removeNetnsByPrefix,
} from "./collect/netns.ts";
export { parseFioJson } from "./collect/benchmarks/fio.ts";
export { parseBonnieCsv } from "./collect/benchmarks/bonnie.ts";
export { parseIperf3Json } from "./collect/benchmarks/iperf3.ts";
export { parseQperf } from "./collect/benchmarks/qperf.ts";
export { type DoctorReport, formatDoctorReport, runDoctor } from "./collect/doctor.ts";
