/**
 * Network namespaces for container↔container traffic: two namespaces `<prefix>-a` and
 * `<prefix>-b` joined by a veth pair, with addresses from a link-local /30 that exists only
 * inside them. Adapters join one by name (`NetworkSpec { kind: "netns", name }`). Both veth ends
 * are created directly inside their namespaces (never in the host's), so deleting the namespaces
 * removes everything; {@link removeNetnsByPrefix} sweeps leftovers of an interrupted run.
 *
 * @module
 */
import { type ProcessEffects, REAL_PROCESS_EFFECTS, tailOf } from "./process.ts";

/** Where `ip netns` keeps named namespaces. */
export const NETNS_DIR = "/var/run/netns";
/** Address of end `a` (the server side), link-local, prefix length 30. */
export const NETNS_ADDRESS_A = "169.254.77.1";
/** Address of end `b` (the client side). */
export const NETNS_ADDRESS_B = "169.254.77.2";
/** Prefix length of the /30 between the two ends. */
export const NETNS_PREFIX_LENGTH = 30;
/** Name of the veth end inside each namespace (interface names hold at most 15 bytes). */
export const VETH_NAME = "ocibench-veth";
const IP_TIMEOUT_MS = 15_000;

/** One end of a {@link NetnsPair}. */
export interface NetnsEndpoint {
  /** The namespace name, `<prefix>-a` or `<prefix>-b`, joinable as `/var/run/netns/<name>`. */
  name: string;
  /** Its IPv4 address on the veth. */
  address: string;
}

/** Two network namespaces joined by a veth pair. */
export interface NetnsPair {
  a: NetnsEndpoint;
  b: NetnsEndpoint;
  /** Deletes both namespaces (and with them the veth pair); safe to call twice. */
  remove(): Promise<void>;
}

/** Options of {@link createNetnsPair}. */
export interface CreateNetnsPairOptions {
  /** Process effects (tests may swap them). */
  effects?: ProcessEffects;
  /** The `ip` binary. */
  ipBinary?: string;
}

/**
 * Creates namespaces `<prefix>-a` and `<prefix>-b`, a veth pair between them with
 * {@link NETNS_ADDRESS_A}/{@link NETNS_ADDRESS_B} (/30), loopback and veth up. On any error
 * removes what it created and raises an Error naming the failed `ip` command.
 * `prefix` must start with `ocibench-` so that cleanliness checks recognise it.
 *
 * @example
 * ```ts
 * const pair = await createNetnsPair("ocibench-ab12-net");
 * try {
 *   // start a server in pair.a.name, a client in pair.b.name connecting to pair.a.address
 * } finally {
 *   await pair.remove();
 * }
 * ```
 */
export async function createNetnsPair(
  prefix: string,
  options: CreateNetnsPairOptions = {},
): Promise<NetnsPair> {
  if (!/^ocibench-[A-Za-z0-9._-]+$/.test(prefix)) {
    throw new TypeError(
      `network namespace prefix must be "ocibench-" followed by letters, digits, ".", "_" or "-", got "${prefix}"`,
    );
  }
  const effects = options.effects ?? REAL_PROCESS_EFFECTS;
  const ip = options.ipBinary ?? "ip";
  const a = { name: `${prefix}-a`, address: NETNS_ADDRESS_A };
  const b = { name: `${prefix}-b`, address: NETNS_ADDRESS_B };
  let removed: Promise<void> | undefined;
  const pair: NetnsPair = {
    a,
    b,
    remove() {
      removed ??= deleteNamespaces([a.name, b.name], effects, ip);
      return removed;
    },
  };
  const run = async (argv: string[]) => {
    const r = await effects.run([ip, ...argv], { timeoutMs: IP_TIMEOUT_MS });
    if (r.exitCode !== 0) {
      const why = r.timedOut ? "timed out" : `exited with ${r.exitCode ?? r.signal}`;
      throw new Error(
        `cannot set up network namespaces ${a.name}/${b.name}: "${ip} ${argv.join(" ")}" ${why}: ${
          tailOf(r.stderr.trim() || r.stdout.trim(), 400)
        }`,
      );
    }
  };
  try {
    await run(["netns", "add", a.name]);
    await run(["netns", "add", b.name]);
    await run([
      "link",
      "add",
      "name",
      VETH_NAME,
      "netns",
      a.name,
      "type",
      "veth",
      "peer",
      "name",
      VETH_NAME,
      "netns",
      b.name,
    ]);
    for (const end of [a, b]) {
      await run(["-n", end.name, "link", "set", "lo", "up"]);
      await run([
        "-n",
        end.name,
        "addr",
        "add",
        `${end.address}/${NETNS_PREFIX_LENGTH}`,
        "dev",
        VETH_NAME,
      ]);
      await run(["-n", end.name, "link", "set", VETH_NAME, "up"]);
    }
  } catch (error) {
    await pair.remove().catch(() => {});
    throw error;
  }
  return pair;
}

async function deleteNamespaces(
  names: string[],
  effects: ProcessEffects,
  ip: string,
): Promise<void> {
  const problems: string[] = [];
  for (const name of names) {
    if (!namespaceExists(name)) continue;
    const r = await effects.run([ip, "netns", "delete", name], { timeoutMs: IP_TIMEOUT_MS });
    if (r.exitCode !== 0 && namespaceExists(name)) {
      problems.push(`"${ip} netns delete ${name}": ${tailOf(r.stderr.trim(), 300)}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`cannot remove network namespaces: ${problems.join("; ")}`);
  }
}

function namespaceExists(name: string): boolean {
  try {
    Deno.lstatSync(`${NETNS_DIR}/${name}`);
    return true;
  } catch {
    return false;
  }
}

/** Names of the named network namespaces whose name starts with `prefix`, sorted. */
export function listNetns(prefix: string): string[] {
  const names: string[] = [];
  try {
    for (const entry of Deno.readDirSync(NETNS_DIR)) {
      if (entry.name.startsWith(prefix)) names.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

/**
 * Deletes every named network namespace starting with `prefix` (leftovers of an interrupted
 * run) and returns their names. `prefix` must start with `ocibench-`.
 */
export async function removeNetnsByPrefix(
  prefix: string,
  options: CreateNetnsPairOptions = {},
): Promise<string[]> {
  if (!prefix.startsWith("ocibench-")) {
    throw new TypeError(`refusing to remove namespaces outside "ocibench-", got "${prefix}"`);
  }
  const names = listNetns(prefix);
  await deleteNamespaces(names, options.effects ?? REAL_PROCESS_EFFECTS, options.ipBinary ?? "ip");
  return names;
}
