/**
 * Small wrapper scripts that engines call instead of a low-level runtime, when the runtime needs
 * flags or a workaround the engine cannot pass: runsc with `--platform=ptrace --network=host`,
 * crun in a mount namespace without the cgroup2 `unified` mount (hybrid hosts). Their content is
 * fixed (no input goes into them); they live in {@link WRAPPER_DIR}, shared by the runs on a host.
 *
 * @module
 */
import { DAEMON_STATE_DIR } from "./_daemon.ts";

/** Where wrapper scripts are written. */
export const WRAPPER_DIR = `${DAEMON_STATE_DIR}/bin`;

function writeScript(name: string, body: string): string {
  const path = `${WRAPPER_DIR}/${name}`;
  const text = `#!/bin/sh\n# Written by ocibench.\n${body}\n`;
  let current: string | undefined;
  try {
    current = Deno.readTextFileSync(path);
  } catch {
    // Not written yet.
  }
  if (current !== text) {
    Deno.mkdirSync(WRAPPER_DIR, { recursive: true });
    const tmp = `${path}.${Deno.pid}.tmp`;
    Deno.writeTextFileSync(tmp, text, { mode: 0o755 });
    Deno.chmodSync(tmp, 0o755);
    Deno.renameSync(tmp, path);
  }
  return path;
}

/** A runsc wrapper for engines: `runsc --platform=<platform> --network=host "$@"`. */
export function runscWrapper(runsc: string, platform: string): string {
  if (!/^[a-z]+$/.test(platform)) throw new TypeError(`bad runsc platform "${platform}"`);
  if (!/^[\w./-]+$/.test(runsc)) throw new TypeError(`bad runsc path "${runsc}"`);
  return writeScript(
    `runsc-${platform}`,
    `exec ${runsc} --platform=${platform} --network=host "$@"`,
  );
}

/** A crun wrapper that hides the cgroup2 `unified` mount from crun (hybrid-cgroup hosts). */
export function crunHybridWrapper(crun: string): string {
  if (!/^[\w./-]+$/.test(crun)) throw new TypeError(`bad crun path "${crun}"`);
  return writeScript(
    "crun-hybrid",
    `exec unshare -m -- sh -c 'umount /sys/fs/cgroup/unified && exec "$@"' crun ${crun} "$@"`,
  );
}
