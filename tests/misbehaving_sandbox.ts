// A stand-in for the cell sandbox (report/cell_worker.ts) that answers the start correctly and
// then sends what the cell's code asks for: not JSON, a wrong shape, or an unknown request id.
// Used by tests/report_cells_test.ts to check that the builder validates every answer.
let token = "";
let buffered = new Uint8Array(0);
/** Bytes still to drop: the block of columns that follows the init line. */
let skip = 0;
const send = async (line: string) => {
  await Deno.stdout.write(new TextEncoder().encode(`${token}${line}\n`));
};
for await (const chunk of Deno.stdin.readable) {
  const joined = new Uint8Array(buffered.length + chunk.length);
  joined.set(buffered);
  joined.set(chunk, buffered.length);
  buffered = joined;
  for (;;) {
    const dropped = Math.min(skip, buffered.length);
    buffered = buffered.slice(dropped);
    skip -= dropped;
    const newline = buffered.indexOf(0x0a);
    if (skip > 0 || newline < 0) break;
    const request = JSON.parse(new TextDecoder().decode(buffered.subarray(0, newline)));
    buffered = buffered.slice(newline + 1);
    if (request.type === "init") {
      token = request.token;
      skip = request.bytes;
      await send(JSON.stringify({ id: request.id, ok: true, outputs: [] }));
    } else if (request.code === "not-json") {
      await send("{ not json");
    } else if (request.code === "wrong-shape") {
      await send(
        JSON.stringify({ id: request.id, ok: true, outputs: [{ kind: "figure", svg: 42 }] }),
      );
    } else if (request.code === "unknown-id") {
      await send(JSON.stringify({ id: 99, ok: true, outputs: [] }));
    } else if (request.code === "forged") {
      // Without the token: taken as printed text, not as an answer; the real answer follows.
      await Deno.stdout.write(new TextEncoder().encode(
        JSON.stringify({ id: request.id, ok: true, outputs: [{ kind: "text", text: "forged" }] }) +
          "\n",
      ));
      await send(
        JSON.stringify({ id: request.id, ok: true, outputs: [{ kind: "text", text: "real" }] }),
      );
    }
  }
}
