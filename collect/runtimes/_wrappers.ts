/**
 * Small wrapper scripts that engines call instead of a low-level runtime, when the runtime needs
 * flags or a workaround the engine cannot pass (each runtime's file writes its own). Their content
 * is fixed (no input goes into them); they live in {@link WRAPPER_DIR}, shared by the runs on a
 * host.
 *
 * @module
 */
import { DAEMON_STATE_DIR } from "./_daemon.ts";

/** Where wrapper scripts are written. */
export const WRAPPER_DIR = `${DAEMON_STATE_DIR}/bin`;

/**
 * Writes the shell script `name` into {@link WRAPPER_DIR} with `body` (fixed text, never input),
 * unless it holds that already; returns its path.
 */
export function writeWrapperScript(name: string, body: string): string {
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
