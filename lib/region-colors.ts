/**
 * The colour of each region in the pages (the dashboard and the drill report), by its position in
 * the region list, so one region keeps one colour in a page. Red is kept for errors.
 */

/** Region colours, in order; they repeat past eight regions. */
export const REGION_COLORS = ["#1f6feb", "#e8912d", "#2da44e", "#8250df", "#8c564b", "#d63384", "#1b9aaa", "#9a6700"] as const;

/** Requests without an answer, and answers that are not 2xx. */
export const ERROR_COLOR = "#cf222e";

/** The colour of the region at `index` of the list. */
export function regionColor(index: number): string {
  return REGION_COLORS[((index % REGION_COLORS.length) + REGION_COLORS.length) % REGION_COLORS.length];
}
