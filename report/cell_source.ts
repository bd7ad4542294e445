/**
 * Reading a cell's source without a parser: the names it declares at the top level and its
 * final expression. Top level means a statement starting in column 0, as written (and as
 * `deno fmt` keeps) in notebooks.
 *
 * @module
 */

/**
 * Names a cell declares at its top level (lines starting in column 0): `const`, `let`, `var`,
 * `function`, `class`, and simple destructuring.
 */
export function topLevelNames(code: string): string[] {
  const names = new Set<string>();
  const declaration =
    /^(?:export\s+)?(?:(?:const|let|var)\s+(?:([A-Za-z_$][\w$]*)|[{[]([^=]*)[}\]])|(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)|class\s+([A-Za-z_$][\w$]*))/gm;
  for (const m of code.matchAll(declaration)) {
    if (m[1]) names.add(m[1]);
    if (m[3]) names.add(m[3]);
    if (m[4]) names.add(m[4]);
    if (m[2]) {
      for (const part of m[2].split(",")) {
        const name = part.split(":").pop()!.replace(/^\s*\.\.\./, "").split("=")[0].trim();
        if (/^[A-Za-z_$][\w$]*$/.test(name)) names.add(name);
      }
    }
  }
  return [...names];
}

/**
 * Puts `return` before a cell's last top-level statement when it starts like an expression
 * (the last line in column 0 that is not a closing bracket, a comment or a keyword), so that a
 * cell ending in `table(…)` after some declarations shows the table. Undefined when there is no
 * such statement; the caller falls back to the cell as written if the result does not parse.
 */
export function withImplicitReturn(code: string): string | undefined {
  const lines = code.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (line.trim() === "" || /^\s/.test(line) || /^[}\])]/.test(line) || /^\/[/*]/.test(line)) {
      continue;
    }
    const keyword =
      /^(?:const|let|var|function|async\s+function|class|if|for|while|do|switch|try|return|throw|import|export|break|continue|\{)\b/;
    if (keyword.test(line) || line.startsWith("{")) return undefined;
    lines[i] = `return ${line}`;
    return lines.join("\n");
  }
  return undefined;
}
