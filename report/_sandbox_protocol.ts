// The messages between the builder (`run_cells.ts`) and the cell sandbox (`cell_worker.ts`), one
// JSON object per line; the first (init) is followed by `bytes` raw bytes: the sets' sample
// columns (`_packed_sets.ts`). The builder validates every answer against these schemas before use: the
// sandbox runs code from the notebook, so what it sends is untrusted.
import { z } from "zod";
import type { Analysis } from "../model/analysis.ts";
import type { PackedResultSet } from "./_packed_sets.ts";
import { CELL_TONES, type CellErrorOutput, type CellOutput } from "./cell_output.ts";

/** What the builder asks the sandbox. */
export type WorkerRequestBody =
  | {
    type: "init";
    sets: PackedResultSet[];
    references: PackedResultSet[];
    /** Length of the block of bytes that follows this line (the sets' columns). */
    bytes: number;
    /** The analysis of `sets`, made once by the builder; null when no cell names `analysis`. */
    analysis: Analysis | null;
    /** The analysis of a previous run of the same host (`report --previous`), or null. */
    previousAnalysis: Analysis | null;
    meta: Record<string, unknown>;
    labels: string[];
    /** Marks the sandbox's answers on its standard output; cells do not see it. */
    token: string;
  }
  | { type: "cell"; code: string }
  | { type: "inline"; code: string };

/** A request with the id its answer will carry. */
export type WorkerRequest = WorkerRequestBody & { id: number };

/** The sandbox's answer to a request with the same id. */
export type WorkerResponse =
  | { id: number; ok: true; outputs: CellOutput[] }
  | { id: number; ok: false; error: CellErrorOutput };

// Generous bounds: one output may be a large figure, but not the builder's whole memory.
const MAX_TEXT = 64 * 1024 * 1024;
const text = z.string().max(MAX_TEXT);

const TableCellSchema = z.object({
  text,
  raw: z.union([z.string().max(MAX_TEXT), z.number(), z.boolean(), z.null()]),
  strong: z.boolean().optional(),
  muted: z.boolean().optional(),
  tone: z.enum(CELL_TONES).optional(),
}).strict();

/** One output of a cell, as the builder accepts it. */
export const CellOutputSchema: z.ZodType<CellOutput> = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("figure"),
    svg: text,
    caption: text.optional(),
    alt: text.optional(),
    description: text,
    id: text.optional(),
  }).strict(),
  z.object({
    kind: z.literal("table"),
    caption: text.optional(),
    id: text.optional(),
    columns: z.array(
      z.object({ key: text, label: text, align: z.enum(["left", "right"]) }).strict(),
    ),
    rows: z.array(z.array(TableCellSchema)),
    note: text.optional(),
  }).strict(),
  z.object({ kind: z.literal("html"), html: text }).strict(),
  z.object({ kind: z.literal("markdown"), markdown: text }).strict(),
  z.object({ kind: z.literal("text"), text }).strict(),
  z.object({ kind: z.literal("json"), text }).strict(),
]);

/** An answer of the sandbox, as the builder accepts it. */
export const WorkerResponseSchema: z.ZodType<WorkerResponse> = z.discriminatedUnion("ok", [
  z.object({
    id: z.number().int().nonnegative(),
    ok: z.literal(true),
    outputs: z.array(CellOutputSchema),
  }).strict(),
  z.object({
    id: z.number().int().nonnegative(),
    ok: z.literal(false),
    error: z.object({
      name: z.string().max(1000),
      message: text,
      line: z.number().int().optional(),
      column: z.number().int().optional(),
    }).strict(),
  }).strict(),
]);
