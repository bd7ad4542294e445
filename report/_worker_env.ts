// Imported first by the cell worker: jsdom's logging dependency lists the environment when it
// loads, which a worker without permissions may not do; an empty environment stands in for it.
// deno-lint-ignore no-process-global
Object.defineProperty(globalThis.process, "env", { value: {}, configurable: true });
