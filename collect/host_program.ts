/**
 * Small C programs of ours that run on the host, not in the image (`collect/host_c/*.c`, other
 * than the step timer, which has its own fallback): compiled with `gcc -O2` on first use into the
 * cache directory, keyed by the hash of their source, so a changed source is compiled again.
 *
 * @module
 */
import { cacheDir } from "./host_fs.ts";

const compiled = new Map<string, Promise<string>>();

async function sourceHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].slice(0, 8).map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

async function compile(name: string): Promise<string> {
  const source = new URL(`./host_c/${name}.c`, import.meta.url).pathname;
  const text = await Deno.readTextFile(source);
  const dir = `${cacheDir()}/bin`;
  const path = `${dir}/${name}-${await sourceHash(text)}`;
  try {
    await Deno.stat(path);
    return path;
  } catch {
    // Not compiled yet.
  }
  await Deno.mkdir(dir, { recursive: true });
  const temp = `${path}.${Deno.pid}.tmp`;
  const out = await new Deno.Command("gcc", {
    args: ["-O2", "-Wall", "-o", temp, source],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(
      `cannot compile ${source} with gcc (install gcc and libc6-dev): ${
        new TextDecoder().decode(out.stderr).trim()
      }`,
    );
  }
  await Deno.rename(temp, path);
  return path;
}

/**
 * The path of host program `name` (`collect/host_c/<name>.c`), compiled on first use. Raises an
 * Error naming gcc's message when it cannot be compiled.
 *
 * @example
 * ```ts
 * const probe = await hostProgram("app_probe");
 * ```
 */
export function hostProgram(name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new TypeError(`bad host program name "${name}"`);
  let path = compiled.get(name);
  if (!path) {
    path = compile(name);
    compiled.set(name, path);
    path.catch(() => compiled.delete(name));
  }
  return path;
}
