/**
 * `doctor [--json] [--runtimes a,b] [--runs N]`: which runtimes and benchmark tools this host
 * has, why an unusable runtime is unusable and how to fix it.
 *
 * @module
 */
import { type Command, EXIT_OK, parseCommandArgs, positiveNumber, UsageError } from "./command.ts";
import { formatDoctorReport, runDoctor } from "../collect/doctor.ts";
import { RUNTIME_IDS } from "../collect/runtimes/mod.ts";

const HELP = `Usage: deno run -A main.ts doctor [options]

Detects every known runtime by preparing it and running "true" in the benchmark image, times a
few "true" runs of each usable one, and lists the benchmark tools with their versions. For an
unusable runtime it prints the reason and a fix. Needs root, like collect.

Options:
  --json            machine-readable report on stdout
  --runtimes a,b    check only these (known: ${RUNTIME_IDS.join(", ")})
  --runs N          timed "true" runs per usable runtime (default 3; 0 to skip)
  -h, --help        this help`;

/** The `doctor` subcommand. */
export const doctorCommand: Command = {
  name: "doctor",
  summary: "which runtimes and tools this host has, and how to fix the missing ones",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values } = parseCommandArgs("doctor", args, {
      json: { type: "boolean" },
      runtimes: { type: "string" },
      runs: { type: "string" },
    });
    if (values.help) {
      console.log(HELP);
      return EXIT_OK;
    }
    const ids = values.runtimes?.split(",").map((s) => s.trim()).filter((s) => s !== "");
    for (const id of ids ?? []) {
      if (!RUNTIME_IDS.includes(id)) {
        throw new UsageError(`doctor: unknown runtime "${id}"; known: ${RUNTIME_IDS.join(", ")}`);
      }
    }
    const runs = values.runs === "0" ? 0 : Math.round(positiveNumber("runs", values.runs, 3));
    const report = await runDoctor({
      runtimes: ids,
      runs,
      log: values.json ? undefined : (m) => console.error(`doctor: ${m}`),
    });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
    return EXIT_OK;
  },
};
