// Imported first by the cell sandbox (`cell_worker.ts`), before any cell can run:
// - jsdom's logging dependency lists the environment when it loads, which a process without
//   permissions may not do; an empty environment stands in for it;
// - code generation from strings (`eval`, `Function`, and the constructors of async and
//   generator functions) is refused, so that no cell can build an `import()` the builder's check
//   of its source did not see. jsdom's selector engine (nwsapi) compiles selectors with
//   `Function`; calls whose direct caller is that file are let through;
// - the sandbox refuses to start unless every permission reads "denied" (so that nothing can
//   prompt, even on a terminal) and code generation is refused.
// deno-lint-ignore no-process-global
Object.defineProperty(globalThis.process, "env", { value: {}, configurable: true });

const PERMISSIONS = ["read", "write", "net", "env", "run", "ffi", "sys", "import"] as const;
const SELECTOR_ENGINE = /^(?:file:\/\/)?\/.*\/nwsapi\/[^/]+\/src\/nwsapi\.js$/;

// Intrinsics taken before any cell runs: a cell may replace the globals and prototype methods,
// not these bindings.
const RealFunction = Function;
const captureStackTrace = Error.captureStackTrace;
const apply = Reflect.apply;
const isArray = Array.isArray;
const regexpTest = RegExp.prototype.test;
const getFileName = callSitePrototype().getFileName as (this: unknown) => string | null;

function callSitePrototype(): { getFileName: unknown } {
  const holder: { stack?: unknown } = {};
  const prepare = Error.prepareStackTrace;
  Error.prepareStackTrace = (_, sites) => sites;
  captureStackTrace(holder);
  // The stack is formatted when first read, with the prepareStackTrace of that moment.
  const sites = holder.stack as unknown[];
  Error.prepareStackTrace = prepare;
  return Object.getPrototypeOf(sites[0]);
}

/** The file of the function that called the one calling this (or undefined). */
function callerFile(): string | undefined {
  const holder: { stack?: unknown } = {};
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 3;
    Error.prepareStackTrace = (_, sites) => sites;
    captureStackTrace(holder, callerFile);
    const sites = holder.stack;
    if (!isArray(sites) || sites.length < 2) return undefined;
    return apply(getFileName, sites[1], []) ?? undefined;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

function refuse(): never {
  throw new EvalError(
    "code generation from strings is not allowed in a cell (no eval, Function or import())",
  );
}

const GuardedFunction = function (...args: string[]) {
  if (!apply(regexpTest, SELECTOR_ENGINE, [callerFile() ?? ""])) refuse();
  return apply(RealFunction, undefined, args);
} as unknown as FunctionConstructor;
Object.defineProperty(GuardedFunction, "prototype", { value: RealFunction.prototype });

const prototypes = [
  RealFunction.prototype,
  Object.getPrototypeOf(async function () {}),
  Object.getPrototypeOf(function* () {}),
  Object.getPrototypeOf(async function* () {}),
];
for (const prototype of prototypes) {
  Object.defineProperty(prototype, "constructor", {
    value: prototype === RealFunction.prototype ? GuardedFunction : refuse,
    writable: false,
    configurable: false,
  });
}
for (const name of ["Function", "eval"]) {
  Object.defineProperty(globalThis, name, {
    value: name === "Function" ? GuardedFunction : refuse,
    writable: false,
    configurable: false,
  });
}

const granted = PERMISSIONS.filter((name) =>
  Deno.permissions.querySync({ name } as Deno.PermissionDescriptor).state !== "denied"
);
const evaluates =
  [() => (0, eval)("0"), () => Function("return 0")(), () => (async () => {}).constructor("")]
    .filter((f) => {
      try {
        f();
        return true;
      } catch {
        return false;
      }
    }).length > 0;
if (granted.length > 0 || evaluates) {
  // Not an exception: the builder reads this line from standard error and reports it.
  const reasons = [
    ...(granted.length ? [`permissions not denied: ${granted.join(", ")}`] : []),
    ...(evaluates ? ["code generation from strings is allowed"] : []),
  ];
  console.error(`ocibench cell sandbox: refusing to run cells: ${reasons.join("; ")}`);
  Deno.exit(3);
}
