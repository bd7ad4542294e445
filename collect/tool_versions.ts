/**
 * The versions of the benchmark tools, as installed in the benchmark image: read from the
 * image's dpkg database, so a result set says which sysbench, pi, fio… produced its values.
 *
 * @module
 */
import type { BenchmarkInfo } from "../model/result_set.ts";
import type { ImagePaths } from "./types.ts";
import { benchmarkTools } from "./benchmarks/mod.ts";

/**
 * Installed packages and their versions from the text of a dpkg `status` file (stanzas separated
 * by blank lines; only those whose `Status` ends in `installed`).
 */
export function parseDpkgStatus(text: string): Map<string, string> {
  const versions = new Map<string, string>();
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string) => stanza.match(new RegExp(`^${name}: (.+)$`, "m"))?.[1].trim();
    const name = field("Package");
    const version = field("Version");
    const status = field("Status");
    if (name && version && status?.endsWith(" installed")) versions.set(name, version);
  }
  return versions;
}

/** Package versions installed in the image's root filesystem (empty when it cannot be read). */
export function imagePackageVersions(image: ImagePaths): Map<string, string> {
  try {
    return parseDpkgStatus(Deno.readTextFileSync(`${image.rootfs}/var/lib/dpkg/status`));
  } catch {
    return new Map();
  }
}

/**
 * `info` with `toolVersion` filled in when it is unset: the version of the Debian package the
 * registered benchmarks declare for the tool (`tools`), or `image <hash>`
 * for our own programs (tools named `ocibench …`).
 */
export function withToolVersion(
  info: BenchmarkInfo,
  packages: ReadonlyMap<string, string>,
  imageHash: string,
): BenchmarkInfo {
  if (info.toolVersion) return info;
  const declared = benchmarkTools().find((t) => t.binary === info.tool);
  const version = info.tool.startsWith("ocibench ")
    ? `image ${imageHash}`
    : declared && packages.get(declared.package);
  return version ? { ...info, toolVersion: version } : info;
}
