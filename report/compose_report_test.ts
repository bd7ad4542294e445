import { assert, assertEquals } from "../tests/assert.ts";
import { boundedAlt, MAX_ALT_CHARS } from "./compose_report.ts";

Deno.test("boundedAlt() keeps a short text alternative whole and cuts a long one at a list boundary, saying where the rest is", () => {
  assertEquals(
    boundedAlt("Bars of total time, Podman shortest."),
    "Bars of total time, Podman shortest.",
  );
  const values = Array.from({ length: 400 }, (_, i) => `runtime ${i} metric ${i} ${i * 1.5}×`);
  const alt = `A grid of cost ratios: ${values.join("; ")}.`;
  const cut = boundedAlt(alt);
  assert(cut.length < MAX_ALT_CHARS + 200, String(cut.length));
  assert(cut.startsWith("A grid of cost ratios: runtime 0 metric 0 0×; runtime 1"));
  // Whole entries only, then how much was left out and where it is.
  const kept = cut.slice(0, cut.indexOf("; …")).split("; ");
  assertEquals(kept.at(-1), values[kept.length - 1]);
  assert(
    /; … \(\d+ more characters of values: the report's tables and CSV files give them all\)$/.test(
      cut,
    ),
    cut.slice(-120),
  );
});
