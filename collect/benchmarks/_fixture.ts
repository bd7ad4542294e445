/**
 * Reading the real tool outputs kept under `fixtures/tool_outputs/` from the tests of this folder.
 *
 * @module
 */

/** The text of `fixtures/tool_outputs/<tool>/<name>`. */
export function readToolOutput(tool: string, name: string): string {
  return Deno.readTextFileSync(
    new URL(`../../fixtures/tool_outputs/${tool}/${name}`, import.meta.url),
  );
}
