/** Small, pure helpers the benchmarks and the drill (--runs, --compare) share: medians, percentiles, ratios and a plain-text table. */

/** The median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The `p`th percentile (0-100) of a list sorted ascending: the value below which p % of them lie. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error("percentile of an empty list");
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** `value / base`; throws on a zero or negative base, where a ratio means nothing. */
export function ratio(value: number, base: number): number {
  if (!(base > 0)) throw new Error(`ratio against a non-positive base (${base})`);
  return value / base;
}

/** "0.42×"-style ratio with two decimals (three significant digits below 0.1). */
export function formatRatio(r: number): string {
  return `${r < 0.1 ? r.toPrecision(2) : r.toFixed(2)}×`;
}

/** Milliseconds as seconds with two decimals, e.g. 812 → "0.81 s". */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Kibibytes as mebibytes, e.g. 163204 → "159 MiB"; undefined → "n/a". */
export function formatMemory(kib: number | undefined): string {
  return kib === undefined ? "n/a" : `${Math.round(kib / 1024)} MiB`;
}

/** Column alignment: "l" pads on the right, "r" on the left. */
export type Align = "l" | "r";

/**
 * A plain-text table, columns separated by two spaces, a dashed rule under the header.
 * @param align per column; @default first column left, the rest right (numbers)
 */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align?: readonly Align[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const side = (i: number): Align => align?.[i] ?? (i === 0 ? "l" : "r");
  const line = (cells: readonly string[]) =>
    widths.map((w, i) => (side(i) === "l" ? (cells[i] ?? "").padEnd(w) : (cells[i] ?? "").padStart(w))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** A Markdown table (as docs/benchmarks.md shows it): first column left-aligned, the others right-aligned. */
export function renderMarkdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => `| ${widths.map((w, i) => (i === 0 ? (cells[i] ?? "").padEnd(w) : (cells[i] ?? "").padStart(w))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** What each benchmark hands to `npm run bench`: a titled table and the notes that explain it. */
export interface BenchReport {
  readonly title: string;
  readonly table: string;
  readonly notes: readonly string[];
}

/** A report as printed: title, underline, table, then one "- " line per note. */
export function formatReport(report: BenchReport): string {
  return [report.title, "=".repeat(report.title.length), report.table, "", ...report.notes.map((n) => `- ${n}`)].join("\n");
}
