/**
 * The one data model of ocibench: a result set holds the host it was measured on, the runtimes
 * and benchmarks it covers, the metrics they produce, every raw sample (or, for published sources,
 * the summary values they print) and every failure. Collect writes it; analyze and report read it.
 *
 * @module
 */
import { z } from "zod";

/** Version of the result-set format written by this code; bumped on any incompatible change. */
export const SCHEMA_VERSION = 1 as const;

/** Whether a larger or a smaller value is better; `none` marks an informational metric. */
export const DirectionSchema = z.enum(["higher", "lower", "none"]);
/** Whether a larger or a smaller value is better. */
export type Direction = z.infer<typeof DirectionSchema>;

/** The categories a metric belongs to (the paper's four, plus what ocibench adds). */
export const CategorySchema = z.enum([
  "cpu",
  "memory",
  "disk",
  "network",
  "startup",
  "footprint",
  "syscalls",
  "security",
  "application",
  "lifecycle",
]);
/** A metric category. */
export type Category = z.infer<typeof CategorySchema>;

/**
 * How strongly a runtime separates a workload from the host kernel:
 * `native` (a plain process), `os-container` (namespaces and cgroups on the shared kernel),
 * `syscall-sandbox` (a user-space kernel such as gVisor), `microvm` (a hardware-virtualised
 * lightweight VM), `emulated-vm` (a VM under software emulation, e.g. QEMU TCG),
 * `unikernel` (a library OS).
 */
export const IsolationClassSchema = z.enum([
  "native",
  "os-container",
  "syscall-sandbox",
  "microvm",
  "emulated-vm",
  "unikernel",
]);
/** An isolation class. */
export type IsolationClass = z.infer<typeof IsolationClassSchema>;

const Id = z.string().regex(
  /^[a-z0-9][a-z0-9._-]*$/,
  "must be lower-case letters, digits, '.', '_' or '-'",
);
const Timestamp = z.iso.datetime({ offset: true });

/** The machine a result set was measured on. */
export const HostInfoSchema = z.object({
  /** Stable id used to group result sets by host when several are analysed together. */
  id: Id,
  /** Free text a person reads, e.g. "Azure D2_v3, France". */
  description: z.string(),
  hostname: z.string().optional(),
  os: z.string().optional(),
  kernel: z.string().optional(),
  architecture: z.string().optional(),
  cpuModel: z.string().optional(),
  /** Logical CPUs available to the benchmarks. */
  cores: z.number().int().positive(),
  memoryBytes: z.number().int().positive(),
  /** `v1`, `v2` or `hybrid`. */
  cgroupMode: z.enum(["v1", "v2", "hybrid"]).optional(),
  /** e.g. `kvm`, `hyperv`, `none`, as systemd-detect-virt reports it. */
  virtualization: z.string().optional(),
  /**
   * CPU flags that set the cost of system calls and context switches, each `true` when
   * `/proc/cpuinfo` lists it (e.g. `pcid`, `invpcid`: TLB flushes under page-table isolation).
   */
  cpuFlags: z.record(z.string(), z.boolean()).optional(),
  /** The CPU's microcode revision as `/proc/cpuinfo` lists it, e.g. `0x1000065`. */
  microcode: z.string().optional(),
  /**
   * The kernel's state per speculative-execution vulnerability, from
   * `/sys/devices/system/cpu/vulnerabilities/*`, e.g. `{ spectre_v2: "Mitigation: Retpolines…" }`.
   */
  vulnerabilities: z.record(z.string(), z.string()).optional(),
  /** The kernel's parameters (`/proc/cmdline` before any ` -- `, which goes to init). */
  kernelCommandLine: z.string().optional(),
  /** Whether this host can run hardware-virtualised guests itself. */
  hardwareVirtualization: z.object({
    /** The CPU flag of hardware virtualisation it shows (`vmx`, `svm`), or null for none. */
    cpuFlag: z.enum(["vmx", "svm"]).nullable(),
    /** Whether `/dev/kvm` exists. */
    kvmDevice: z.boolean(),
    /** KVM modules loaded (`/sys/module/kvm*`), e.g. `kvm`, `kvm_amd`. */
    kvmModules: z.array(z.string()),
    /** The `nested` parameter of kvm_intel/kvm_amd: whether this host's guests may run VMs. */
    nested: z.boolean().optional(),
  }).optional(),
  disk: z.object({
    description: z.string(),
    maxThroughputMiBPerS: z.number().positive().optional(),
    maxIops: z.number().positive().optional(),
  }).optional(),
  notes: z.string().optional(),
});
/** The machine a result set was measured on. */
export type HostInfo = z.infer<typeof HostInfoSchema>;

/** A container runtime (or the native baseline) as it was found or as a source describes it. */
export const RuntimeInfoSchema = z.object({
  id: Id,
  name: z.string(),
  isolation: IsolationClassSchema,
  /** The engine that drives it, e.g. `docker`, `podman`, `containerd`; absent when used directly. */
  engine: z.string().optional(),
  /** The OCI runtime underneath, e.g. `runc`, `crun`, `runsc`. */
  lowLevelRuntime: z.string().optional(),
  /**
   * Its execution platform where it has several (gVisor's `systrap`, `ptrace`, `kvm`); `legacy`
   * when its makers have replaced it as the default (gVisor's ptrace since 2023).
   */
  platform: z.object({ name: z.string(), legacy: z.boolean() }).optional(),
  /** The version string as found (or as published). */
  version: z.string().optional(),
  /** Versions of each component, e.g. `{ docker: "19.03.8", containerd: "1.3.3" }`. */
  components: z.record(z.string(), z.string()).optional(),
  /** The operating system it ran on, where it differs from the host's. */
  os: z.string().optional(),
  /** True for rows that exist only as published data and cannot be measured again here. */
  historical: z.boolean(),
  notes: z.string().optional(),
});
/** A container runtime (or the native baseline). */
export type RuntimeInfo = z.infer<typeof RuntimeInfoSchema>;

/** A benchmark: a tool run with given parameters. */
export const BenchmarkInfoSchema = z.object({
  id: Id,
  name: z.string(),
  category: CategorySchema,
  tool: z.string(),
  toolVersion: z.string().optional(),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
/** A benchmark. */
export type BenchmarkInfo = z.infer<typeof BenchmarkInfoSchema>;

/** One quantity a benchmark produces, with its unit and which way is better. */
export const MetricInfoSchema = z.object({
  /** Unique within a result set, e.g. `stream.triad_best_rate`. */
  id: Id,
  benchmark: Id,
  name: z.string(),
  category: CategorySchema,
  /** e.g. `s`, `ms`, `MB/s`, `MiB/s`, `%`, `events/s`, `ns/call`, `1`. */
  unit: z.string().min(1),
  direction: DirectionSchema,
  description: z.string().optional(),
});
/** One quantity a benchmark produces. */
export type MetricInfo = z.infer<typeof MetricInfoSchema>;

/**
 * Why a value does not measure what its metric says under this runtime (e.g. "direct" reads
 * served from a cache): kept and shown with the reason, never ranked, scored or compared.
 */
export const NotComparableSchema = z.object({ reason: z.string().min(1) }).strict();
/** Why a value is not comparable. */
export type NotComparable = z.infer<typeof NotComparableSchema>;

/** How busy the host was around one step (collect/host_noise.ts). */
export const HostNoiseSchema = z.object({
  /** CPU time the hypervisor stole during the step, in percent of all CPUs' time. */
  stealPercent: z.number().nonnegative(),
  /** 1-minute load average just before and just after the step. */
  loadBefore: z.number().nonnegative(),
  loadAfter: z.number().nonnegative(),
  /** Threads of other processes runnable just before and just after the step (fewest of a few probes). */
  othersRunnableBefore: z.number().int().nonnegative(),
  othersRunnableAfter: z.number().int().nonnegative(),
  /** Why this step counts as disturbed, when it does (it was kept: its re-run was disturbed too). */
  disturbed: z.string().optional(),
  /** Why the first run of this step was disturbed, when this is its one re-run. */
  rerunAfter: z.string().optional(),
});
/** How busy the host was around one step. */
export type HostNoise = z.infer<typeof HostNoiseSchema>;

/** How many steps of a collection the host disturbed, and by which rule. */
export const HostNoiseSummarySchema = z.object({
  /** The rule a step is judged by. */
  rule: z.string(),
  /** Steps whose host noise was read. */
  stepsWatched: z.number().int().nonnegative(),
  /** Steps run a second time because their first run was disturbed. */
  stepsRerun: z.number().int().nonnegative(),
  /** Steps whose kept values are still disturbed (their re-run was too). */
  stepsDisturbed: z.number().int().nonnegative(),
});
/** How many steps of a collection the host disturbed. */
export type HostNoiseSummary = z.infer<typeof HostNoiseSummarySchema>;

const SampleBase = {
  runtime: Id,
  benchmark: Id,
  metric: Id,
  unit: z.string().min(1),
  direction: DirectionSchema,
  /** Set when the value does not measure what the metric says under this runtime. */
  notComparable: NotComparableSchema.optional(),
};

/** One raw measurement. Summary statistics are never stored in place of samples. */
export const SampleSchema = z.object({
  kind: z.literal("sample"),
  ...SampleBase,
  value: z.number().refine(Number.isFinite, "must be a finite number"),
  /** 0-based repetition index within its (runtime, benchmark). */
  iteration: z.number().int().nonnegative(),
  warmup: z.boolean(),
  startedAt: Timestamp,
  finishedAt: Timestamp,
  /** How the endpoints were placed, e.g. `client:runsc server:native` for network benchmarks. */
  topology: z.string().optional(),
  notes: z.string().optional(),
  /** How busy the host was around the step that measured it. */
  hostNoise: HostNoiseSchema.optional(),
});
/** One raw measurement. */
export type Sample = z.infer<typeof SampleSchema>;

/** The statistics a published summary value can be. */
export const SummaryStatisticSchema = z.enum(["mean", "median", "best", "single", "unknown"]);
/** A statistic a published summary value can be. */
export type SummaryStatistic = z.infer<typeof SummaryStatisticSchema>;

/** A value published only as a summary (e.g. a paper's average), with the n it reports. */
export const SummaryValueSchema = z.object({
  kind: z.literal("summary"),
  ...SampleBase,
  /** The published value, or null when the source could not obtain it (see `missingReason`). */
  value: z.number().refine(Number.isFinite, "must be a finite number").nullable(),
  /**
   * Which statistic the source reports; `unknown` when it does not say (a table of "results"
   * with no word on whether they are means, medians or single runs).
   */
  statistic: SummaryStatisticSchema,
  /** The number of runs the source says it summarises, when it says. */
  n: z.number().int().positive().optional(),
  missingReason: z.string().optional(),
  /** Where the value was printed, e.g. "Table 6". */
  source: z.string().optional(),
  /** The value exactly as printed, when it differs from `value` (e.g. "??"). */
  printed: z.string().optional(),
});
/** A published summary value. */
export type SummaryValue = z.infer<typeof SummaryValueSchema>;

/** Either a raw sample or a published summary value. */
export const ObservationSchema = z.discriminatedUnion("kind", [SampleSchema, SummaryValueSchema]);
/** Either a raw sample or a published summary value. */
export type Observation = z.infer<typeof ObservationSchema>;

/** A step that did not produce a value. */
export const FailureSchema = z.object({
  runtime: Id,
  benchmark: Id,
  message: z.string(),
  /** The process exit code, or null when it did not exit (timeout, signal, spawn error). */
  exitCode: z.number().int().nullable(),
  /** The last lines of the process's stderr. */
  stderrTail: z.string(),
  iteration: z.number().int().nonnegative().optional(),
  at: Timestamp.optional(),
});
/** A step that did not produce a value. */
export type Failure = z.infer<typeof FailureSchema>;

/** The state a run ended in; `published` for data taken from a publication. */
export const RunStatusSchema = z.enum([
  "running",
  "complete",
  "interrupted",
  "failed",
  "published",
]);
/** The state a run ended in. */
export type RunStatus = z.infer<typeof RunStatusSchema>;

/**
 * One verdict of a budgeted collection against its baseline, as its looks at the data made it:
 * decided for good at a look (`final`), or still undetermined at the last look.
 */
export const BudgetVerdictSchema = z.object({
  runtime: Id,
  metric: Id,
  verdict: z.enum(["better", "worse", "equivalent", "undetermined"]),
  /** Runtime ÷ baseline and its interval at this look's level (null: no interval made). */
  ratio: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  level: z.number().nullable(),
  /** The look (0-based) that made it. */
  look: z.number().int().nonnegative(),
  n: z.number().int().nonnegative(),
  baselineN: z.number().int().nonnegative(),
  reason: z.string(),
  /** Decided for good at this look (true), or the last look's undetermined verdict (false). */
  final: z.boolean(),
});
/** One verdict of a budgeted collection. */
export type BudgetVerdict = z.infer<typeof BudgetVerdictSchema>;

/**
 * How a budgeted collection (`collect --budget`) decided: its looks at the data and every
 * verdict they made. The looks split the error rate between them, so these verdicts — not ones
 * taken afresh from the final data at the nominal level — are the run's verdicts against its
 * baseline; analysis uses them.
 */
export const BudgetDesignSchema = z.object({
  budgetMs: z.number().positive(),
  minRuns: z.number().int().min(2),
  baseline: Id,
  /** Level at which each metric's decisions hold together over every look and runtime. */
  level: z.number().gt(0).lt(1),
  /** Looks planned at the first look, and looks made (0 when the run ended before any). */
  looksPlanned: z.number().int().nonnegative(),
  looksMade: z.number().int().nonnegative(),
  /** Why the run stopped (absent when it was interrupted). */
  endReason: z.string().optional(),
  verdicts: z.array(BudgetVerdictSchema),
});
/** How a budgeted collection decided. */
export type BudgetDesign = z.infer<typeof BudgetDesignSchema>;

/** Everything one run (or one published table) produced. */
export const ResultSetSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  runId: Id,
  title: z.string().optional(),
  /** Where the data comes from when it was not measured by ocibench (a citation). */
  source: z.string().optional(),
  status: RunStatusSchema,
  startedAt: Timestamp.optional(),
  finishedAt: Timestamp.optional(),
  host: HostInfoSchema,
  runtimes: z.array(RuntimeInfoSchema),
  benchmarks: z.array(BenchmarkInfoSchema),
  metrics: z.array(MetricInfoSchema),
  samples: z.array(ObservationSchema),
  failures: z.array(FailureSchema),
  /** How many steps the host disturbed (collections that watched it). */
  hostNoise: HostNoiseSummarySchema.optional(),
  /** The looks and verdicts of a budgeted collection (`collect --budget`). */
  budget: BudgetDesignSchema.optional(),
  notes: z.string().optional(),
}).superRefine(checkReferences);
/** Everything one run (or one published table) produced. */
export type ResultSet = z.infer<typeof ResultSetSchema>;

function checkReferences(set: z.infer<z.ZodObject>, ctx: z.RefinementCtx): void {
  const s = set as unknown as ResultSet;
  const duplicate = (list: { id: string }[], field: string) => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (seen.has(item.id)) {
        ctx.addIssue({
          code: "custom",
          path: [field, i, "id"],
          message: `duplicate id "${item.id}"`,
        });
      }
      seen.add(item.id);
    });
  };
  duplicate(s.runtimes, "runtimes");
  duplicate(s.benchmarks, "benchmarks");
  duplicate(s.metrics, "metrics");
  const runtimes = new Set(s.runtimes.map((r) => r.id));
  const benchmarks = new Set(s.benchmarks.map((b) => b.id));
  const metrics = new Map(s.metrics.map((m) => [m.id, m]));
  s.metrics.forEach((m, i) => {
    if (!benchmarks.has(m.benchmark)) {
      ctx.addIssue({
        code: "custom",
        path: ["metrics", i, "benchmark"],
        message: `unknown benchmark "${m.benchmark}" (not in benchmarks[])`,
      });
    }
  });
  s.samples.forEach((o, i) => {
    if (!runtimes.has(o.runtime)) {
      ctx.addIssue({
        code: "custom",
        path: ["samples", i, "runtime"],
        message: `unknown runtime "${o.runtime}" (not in runtimes[])`,
      });
    }
    const metric = metrics.get(o.metric);
    if (!metric) {
      ctx.addIssue({
        code: "custom",
        path: ["samples", i, "metric"],
        message: `unknown metric "${o.metric}" (not in metrics[])`,
      });
      return;
    }
    if (metric.benchmark !== o.benchmark) {
      ctx.addIssue({
        code: "custom",
        path: ["samples", i, "benchmark"],
        message:
          `metric "${o.metric}" belongs to benchmark "${metric.benchmark}", not "${o.benchmark}"`,
      });
    }
    if (metric.unit !== o.unit || metric.direction !== o.direction) {
      ctx.addIssue({
        code: "custom",
        path: ["samples", i, "unit"],
        message:
          `unit/direction ${o.unit}/${o.direction} differ from metric "${o.metric}" (${metric.unit}/${metric.direction})`,
      });
    }
    if (o.kind === "summary" && o.value === null && !o.missingReason) {
      ctx.addIssue({
        code: "custom",
        path: ["samples", i, "missingReason"],
        message: "a missing value (null) needs a missingReason",
      });
    }
  });
  s.failures.forEach((f, i) => {
    if (!runtimes.has(f.runtime)) {
      ctx.addIssue({
        code: "custom",
        path: ["failures", i, "runtime"],
        message: `unknown runtime "${f.runtime}" (not in runtimes[])`,
      });
    }
  });
}
