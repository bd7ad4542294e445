import { assert, assertEquals } from "../tests/assert.ts";
import { decodeJsonAscii } from "./_ascii_json.ts";
import { parseJsonBytes, parseJsonText } from "./read_result_set.ts";
import { InvalidInputError } from "./read_text_file.ts";

const TEXT = JSON.stringify({
  unit: "µs",
  name: "create→exit latency",
  note: "× 100 %, 😀, ascii",
  list: ["a", "é", "𝄞"],
});

Deno.test("decodeJsonAscii() gives ASCII text that parses to the same value, at any alignment", () => {
  const encoded = new TextEncoder().encode(TEXT);
  for (let offset = 0; offset < 4; offset++) {
    const padded = new Uint8Array(encoded.length + offset);
    padded.set(encoded, offset);
    const text = decodeJsonAscii(padded.subarray(offset))!;
    assert(/^[\x00-\x7f]*$/.test(text), `offset ${offset}: not ASCII`);
    assertEquals(JSON.parse(text), JSON.parse(TEXT));
  }
  assertEquals(decodeJsonAscii(new TextEncoder().encode('{"a":1}')), '{"a":1}');
});

Deno.test("decodeJsonAscii() refuses bytes that are not well-formed UTF-8", () => {
  for (const bad of [[0x22, 0xff, 0x22], [0x22, 0xc3, 0x22], [0xc0, 0x80], [0xed, 0xa0, 0x80]]) {
    assertEquals(decodeJsonAscii(Uint8Array.from(bad)), null, bad.join(","));
  }
});

Deno.test("parseJsonBytes() fails with the message parseJsonText() gives for the text", () => {
  const message = (parse: () => unknown) => {
    try {
      parse();
    } catch (error) {
      assert(error instanceof InvalidInputError);
      return error.message;
    }
    throw new Error("parsed");
  };
  for (const text of ['{\n  "unit": "µs",\n  "x": nope\n}', "", "  \n", '{"a": "→"']) {
    const fromBytes = message(() =>
      parseJsonBytes(new TextEncoder().encode(text), "results", "r.json")
    );
    assertEquals(fromBytes, message(() => parseJsonText(text, "results", "r.json")));
  }
});
