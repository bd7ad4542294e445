// A stand-in for the cell sandbox (report/cell_worker.ts) that answers the start correctly and
// then sends what the cell's code asks for: not JSON, a wrong shape, or an unknown request id.
// Used by tests/report_cells_test.ts to check that the builder validates every answer.
let token = "";
let buffered = "";
const send = async (line: string) => {
  await Deno.stdout.write(new TextEncoder().encode(`${token}${line}\n`));
};
for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
  buffered += chunk;
  let newline: number;
  while ((newline = buffered.indexOf("\n")) >= 0) {
    const request = JSON.parse(buffered.slice(0, newline));
    buffered = buffered.slice(newline + 1);
    if (request.type === "init") {
      token = request.token;
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
