/**
 * Memory, CPU and process-count limits for the adapters whose tools set none themselves (native,
 * bubblewrap, systemd-nspawn without a systemd manager): a cgroup of ours per step, named with
 * the run's prefix, that the command joins before it execs (`echo $$ > cgroup.procs`). cgroup v1
 * (`memory.limit_in_bytes`, `cpu.cfs_quota_us`, `pids.max`) or v2 (`memory.max`, `cpu.max`,
 * `pids.max`).
 *
 * @module
 */
import type { StepSpec } from "../types.ts";
import { CPU_PERIOD_US } from "../oci_config.ts";
import { CGROUP_ROOT, removeCgroupDir } from "../container_cgroups.ts";

export {
  CGROUP_ROOT,
  removeContainerCgroups,
  type RemoveContainerCgroupsOptions,
} from "../container_cgroups.ts";

/** A cgroup made for one step. */
export interface LimitCgroup {
  /** The argv that joins the cgroup(s), then execs `argv`. */
  wrap(argv: string[]): string[];
  /** Removes the cgroup directories (once their processes are gone); safe twice. */
  remove(): Promise<void>;
}

function isV2Only(root: string): boolean {
  try {
    Deno.statSync(`${root}/cgroup.controllers`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates the cgroup(s) `name` holding `step.limits`; undefined when the step has no limits.
 * Throws when the host offers no way to apply them.
 */
export function createLimitCgroup(
  name: string,
  step: StepSpec,
  root = CGROUP_ROOT,
): LimitCgroup | undefined {
  const memory = step.limits?.memoryBytes;
  const cpus = step.limits?.cpus;
  const pids = step.limits?.pids;
  if (memory === undefined && cpus === undefined && pids === undefined) return undefined;
  if (!/^ocibench-[\w.-]+$/.test(name)) throw new TypeError(`bad cgroup name "${name}"`);
  const dirs: string[] = [];
  const write = (path: string, value: string) => Deno.writeTextFileSync(path, value);
  try {
    if (isV2Only(root)) {
      const dir = `${root}/${name}`;
      Deno.mkdirSync(dir);
      dirs.push(dir);
      if (memory !== undefined) write(`${dir}/memory.max`, String(Math.round(memory)));
      if (cpus !== undefined) {
        write(`${dir}/cpu.max`, `${Math.round(cpus * CPU_PERIOD_US)} ${CPU_PERIOD_US}`);
      }
      if (pids !== undefined) write(`${dir}/pids.max`, String(Math.round(pids)));
    } else {
      if (memory !== undefined) {
        const dir = `${root}/memory/${name}`;
        Deno.mkdirSync(dir);
        dirs.push(dir);
        write(`${dir}/memory.limit_in_bytes`, String(Math.round(memory)));
      }
      if (cpus !== undefined) {
        const dir = `${root}/cpu/${name}`;
        Deno.mkdirSync(dir);
        dirs.push(dir);
        write(`${dir}/cpu.cfs_period_us`, String(CPU_PERIOD_US));
        write(`${dir}/cpu.cfs_quota_us`, String(Math.round(cpus * CPU_PERIOD_US)));
      }
      if (pids !== undefined) {
        const dir = `${root}/pids/${name}`;
        Deno.mkdirSync(dir);
        dirs.push(dir);
        write(`${dir}/pids.max`, String(Math.round(pids)));
      }
    }
  } catch (error) {
    for (const d of dirs.reverse()) {
      try {
        Deno.removeSync(d);
      } catch {
        // Best effort.
      }
    }
    throw new Error(`cannot set limits in cgroup ${name}: ${(error as Error).message}`);
  }
  let removed = false;
  return {
    wrap: (argv) => [
      "sh",
      "-c",
      // Paths come in as arguments up to "--", never inside the script text.
      'while [ "$1" != -- ]; do echo $$ > "$1/cgroup.procs" || exit 125; shift; done; shift; exec "$@"',
      "ocibench-cgroup",
      ...dirs,
      "--",
      ...argv,
    ],
    async remove() {
      if (removed) return;
      removed = true;
      for (const d of dirs) await removeCgroupDir(d);
    },
  };
}
