/**
 * The subcommands that exist, in the order `--help` lists them.
 *
 * @module
 */
import type { Command } from "./command.ts";
import { validateCommand } from "./validate.ts";
import { doctorCommand } from "./doctor.ts";
import { reportCommand } from "./report.ts";
import { analyzeCommand } from "./analyze.ts";
import { compareCommand } from "./compare.ts";
import { warCommand } from "./war.ts";
import { collectCommand } from "./collect.ts";

/** Every subcommand of `main.ts`. */
export const COMMANDS: Command[] = [
  doctorCommand,
  collectCommand,
  analyzeCommand,
  reportCommand,
  compareCommand,
  warCommand,
  validateCommand,
];
