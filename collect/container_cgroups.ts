/**
 * Removing cgroups: ours once their step is done, and those a low-level runtime made for a
 * container and left behind when it was killed mid-create. Knows no runtime: where a runtime or
 * engine puts a container's cgroups comes in as paths (see `RuntimePlugin.containerCgroupPaths`).
 *
 * @module
 */

/** Root of the cgroup file systems. */
export const CGROUP_ROOT = "/sys/fs/cgroup";

/** Removes an (empty) cgroup directory, waiting out EBUSY while its last process exits. */
export async function removeCgroupDir(dir: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      Deno.removeSync(dir);
      return;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      if (i === 49) throw new Error(`cannot remove cgroup ${dir}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Options of {@link removeContainerCgroups}. */
export interface RemoveContainerCgroupsOptions {
  /** Default {@link CGROUP_ROOT}. */
  root?: string;
  /**
   * Where the container's cgroup is, relative to the root (v2) or to each hierarchy (v1);
   * default the id itself (what an OCI runtime makes for a bundle of ours).
   */
  paths?: string[];
}

/**
 * Removes the cgroups a low-level runtime made for container `id` (`<root>/<id>` in v2,
 * `<root>/<controller>/<id>` in v1, or `options.paths` there) when it was killed before it
 * could: their processes are killed first. Nothing happens for cgroups that are not there.
 */
export async function removeContainerCgroups(
  id: string,
  options: RemoveContainerCgroupsOptions = {},
): Promise<void> {
  if (!/^[\w.-]+$/.test(id)) throw new TypeError(`bad container id "${id}"`);
  const paths = options.paths ?? [id];
  for (const path of paths) {
    if (
      !path.includes(id) || path.split("/").some((p) => !/^[\w.-]+$/.test(p) || /^\.+$/.test(p))
    ) {
      throw new TypeError(`bad cgroup path "${path}" for container "${id}"`);
    }
  }
  const root = options.root ?? CGROUP_ROOT;
  const parents = [root];
  try {
    for (const e of Deno.readDirSync(root)) if (e.isDirectory) parents.push(`${root}/${e.name}`);
  } catch {
    return; // No cgroup file system.
  }
  for (const dir of parents.flatMap((p) => paths.map((path) => `${p}/${path}`))) {
    let procs: string;
    try {
      procs = Deno.readTextFileSync(`${dir}/cgroup.procs`);
    } catch {
      continue; // Not there.
    }
    for (const pid of procs.split("\n").filter((l) => l.trim() !== "")) {
      try {
        Deno.kill(Number(pid), "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    await removeCgroupDir(dir);
  }
}
