/**
 * Progress of a collection on stderr. On a terminal: one live line (step k/N, runtime,
 * benchmark, elapsed, ETA) redrawn in place. In a pipe or under CI (`CI=true`): one plain line per
 * step. Either way a final summary of what ran, failed and was skipped.
 *
 * @module
 */
import type { PlanStep } from "./plan.ts";

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /** Planned steps (an upper bound in adaptive mode; it can be lowered with `setTotal`). */
  total: number;
  /** Redraw one live line instead of printing a line per step; default {@link isLiveTerminal}. */
  live?: boolean;
  /** Where text goes; default stderr. */
  write?: (text: string) => void;
  /** Monotonic clock in milliseconds; default `performance.now`. */
  now?: () => number;
}

/** What happened to one step. */
export type StepOutcome = "ok" | "failed" | "skipped";

/** Whether stderr is a terminal and not under CI, i.e. whether a live line makes sense. */
export function isLiveTerminal(): boolean {
  const ci = Deno.env.get("CI");
  return Deno.stderr.isTerminal() && !(ci && ci !== "false" && ci !== "0");
}

/** `73` → `1m13s`; under a minute `12.3s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "?";
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)}s`;
  // Whole seconds (or minutes) first, so that 59.6 s of a minute never shows as "60s".
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s - m * 60).padStart(2, "0")}s`;
  const minutes = Math.round(ms / 60_000);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

function writeStderr(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text));
}

/** Counts of one runtime's steps. */
interface RuntimeCounts {
  ok: number;
  failed: number;
  skipped: number;
}

/** Reports the progress of a collection and summarises it at the end. */
export class Progress {
  #total: number;
  #done = 0;
  #live: boolean;
  #write: (text: string) => void;
  #now: () => number;
  #started: number;
  #stepMs: number[] = [];
  #current?: { step: PlanStep; at: number };
  #timer?: ReturnType<typeof setInterval>;
  #lineShown = false;
  #counts = new Map<string, RuntimeCounts>();
  #skippedRuntimes: { runtime: string; reason: string }[] = [];
  #notes: string[] = [];
  #status?: string;

  constructor(options: ProgressOptions) {
    this.#total = options.total;
    this.#live = options.live ?? isLiveTerminal();
    this.#write = options.write ?? writeStderr;
    this.#now = options.now ?? (() => performance.now());
    this.#started = this.#now();
  }

  /** Changes the planned number of steps (adaptive mode learns it as it goes). */
  setTotal(total: number): void {
    this.#total = Math.max(total, this.#done);
  }

  /**
   * A state line of the scheduler (e.g. "12/30 cells decided, 4m10s left"): shown at the end of
   * the live line, or printed on its own line when it changes.
   */
  setStatus(status: string | undefined): void {
    if (status === this.#status) return;
    this.#status = status;
    if (status === undefined) return;
    if (this.#live) this.#draw();
    else this.#print(status);
  }

  /** Counts steps already finished in an earlier session of a resumed run. */
  addDone(count: number): void {
    this.#done += count;
  }

  /** A step starts. */
  stepStarted(step: PlanStep): void {
    this.#current = { step, at: this.#now() };
    if (this.#live) {
      this.#draw();
      this.#timer ??= setInterval(() => this.#draw(), 1000);
    } else {
      this.#print(`${this.#position(1)} ${this.#describe(step)} …`);
    }
  }

  /** A step ended; `detail` says why it failed or was skipped. */
  stepFinished(step: PlanStep, outcome: StepOutcome, detail?: string): void {
    const at = this.#current?.step === step ? this.#current.at : this.#now();
    const ms = this.#now() - at;
    if (outcome !== "skipped") this.#stepMs.push(ms);
    this.#current = undefined;
    this.#done++;
    const counts = this.#counts.get(step.runtime) ?? { ok: 0, failed: 0, skipped: 0 };
    counts[outcome]++;
    this.#counts.set(step.runtime, counts);
    if (outcome !== "ok" || !this.#live) {
      const tail = outcome === "ok" ? `ok ${formatDuration(ms)}` : `${outcome}: ${detail ?? ""}`;
      this.#print(`${this.#position(0)} ${this.#describe(step)} ${tail}`);
    } else {
      this.#draw();
    }
  }

  /** A runtime that will not be measured, with the reason. */
  runtimeSkipped(runtime: string, reason: string): void {
    this.#skippedRuntimes.push({ runtime, reason });
    this.#print(`skipped runtime ${runtime}: ${reason}`);
  }

  /** A line for the log, and for the summary when `keep`. */
  log(message: string, keep = false): void {
    if (keep) this.#notes.push(message);
    this.#print(message);
  }

  /** The summary: per runtime the steps that ran, failed and were skipped; skipped runtimes. */
  summary(): string {
    const lines = [
      `Summary: ${this.#done} steps in ${formatDuration(this.#now() - this.#started)}`,
    ];
    for (const [runtime, c] of this.#counts) {
      lines.push(
        `  ${runtime}: ${c.ok} ok, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ""}`,
      );
    }
    for (const s of this.#skippedRuntimes) lines.push(`  ${s.runtime}: skipped (${s.reason})`);
    for (const note of this.#notes) lines.push(`  ${note}`);
    return lines.join("\n");
  }

  /** Stops the live line and prints the summary. */
  finish(): void {
    this.#stopTimer();
    this.#print(this.summary());
  }

  /** Stops redrawing without printing anything (e.g. on an error). */
  close(): void {
    this.#stopTimer();
    if (this.#lineShown) this.#write("\n");
    this.#lineShown = false;
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #position(offset: number): string {
    return `[${this.#done + offset}/${this.#total}]`;
  }

  #describe(step: PlanStep): string {
    return `${step.runtime} ${step.benchmark} #${step.iteration}${step.warmup ? " (warm-up)" : ""}`;
  }

  /** Estimated time left: mean step time × steps left, in ms. */
  etaMs(): number {
    if (this.#stepMs.length === 0) return Infinity;
    const mean = this.#stepMs.reduce((a, b) => a + b, 0) / this.#stepMs.length;
    return mean * Math.max(0, this.#total - this.#done);
  }

  #draw(): void {
    const elapsed = formatDuration(this.#now() - this.#started);
    const what = this.#current ? ` ${this.#describe(this.#current.step)}` : "";
    const line = `${this.#position(this.#current ? 1 : 0)}${what} elapsed ${elapsed} ${
      this.#status ?? `ETA ${formatDuration(this.etaMs())}`
    }`;
    this.#write(`\r\x1b[2K${line}`);
    this.#lineShown = true;
  }

  #print(line: string): void {
    if (this.#live && this.#lineShown) {
      this.#write(`\r\x1b[2K${line}\n`);
      this.#lineShown = false;
      if (this.#current) this.#draw();
    } else {
      this.#write(line + "\n");
    }
  }
}
