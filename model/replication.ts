/**
 * DynamoDB global tables' replication in multi-Region eventual consistency (MREC, the default and
 * the only mode the aws provider 5.100.0 can configure), as a pure model shared by the local system
 * (local/store/) and the drill: how long a write takes to appear in another region (the lag), and
 * which of two versions of an item every region ends up with (last writer wins).
 *
 * Sources:
 * - "Changes made to an item in one region are typically replicated to all other regions within a
 *   second": https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables.tutorial.html
 *   (MREC). {@link DEFAULT_REPLICATION_LAG} reads "typically within a second" as: half the writes
 *   within 0.5 s, 99 % within 1 s.
 * - ReplicationLatency, "the elapsed time between when an item is written to a replica table, and
 *   when that item appears in another replica", in milliseconds, per source and destination region:
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_monitoring.html
 * - Conflicts: concurrent updates to the same item in different regions are reconciled by "last
 *   writer wins", on a timestamp the service keeps per item, so every replica ends on the same
 *   version: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html
 * - Items replicate individually, each table partition in parallel: the order of writes is kept per
 *   item, not across items: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-global-table-design.html
 */

/**
 * The replication lag's distribution, model seconds: a log-normal through two quantiles. The median
 * and the 99th percentile are what a ReplicationLatency graph shows (p50, p99), so a measured table
 * can be restated here.
 */
export interface LagDistribution {
  /** Half the writes reach another region within this many seconds. */
  readonly median: number;
  /** 99 % of the writes reach another region within this many seconds; at least `median` (equal: a fixed lag). */
  readonly p99: number;
}

/** AWS's "typically within a second": median 0.5 s, 99 % within 1 s. */
export const DEFAULT_REPLICATION_LAG: LagDistribution = { median: 0.5, p99: 1 };

/** The standard normal's 99th percentile. */
const Z_99 = 2.3263478740408408;

/**
 * Draws stay between these quantiles: a log-normal has no upper bound, and a lag of 0 would make
 * the local system's replication look synchronous. With the default, 0.2 s to 1.3 s.
 */
export const LAG_QUANTILE_RANGE = { min: 0.001, max: 0.999 } as const;

/**
 * The standard normal's inverse CDF, Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation
 * (relative error below 1.2e-9), P. J. Acklam, "An algorithm for computing the inverse normal
 * cumulative distribution function" (2003).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** The lag at quantile `p` (0 < p < 1) of `lag`, model seconds. */
export function lagQuantile(lag: LagDistribution, p: number): number {
  if (lag.p99 === lag.median) return lag.median;
  const sigma = Math.log(lag.p99 / lag.median) / Z_99;
  return lag.median * Math.exp(sigma * normalQuantile(p));
}

/** One lag, model seconds, drawn with `random` (uniform in [0, 1)) between the quantiles of {@link LAG_QUANTILE_RANGE}. */
export function drawLag(lag: LagDistribution, random: () => number): number {
  const { min, max } = LAG_QUANTILE_RANGE;
  return lagQuantile(lag, min + random() * (max - min));
}

/** The shortest and longest lag {@link drawLag} can draw, model seconds. */
export function lagBounds(lag: LagDistribution): { readonly min: number; readonly max: number } {
  return { min: lagQuantile(lag, LAG_QUANTILE_RANGE.min), max: lagQuantile(lag, LAG_QUANTILE_RANGE.max) };
}

/** Which write an item's current state comes from: its timestamp and the region that took it. */
export interface ItemVersion {
  /** When the write was acknowledged, model seconds (the local system's one clock). */
  readonly stamp: number;
  /** The region whose replica took the write. */
  readonly region: string;
}

/**
 * Last writer wins: > 0 when `a` is the later write, < 0 when `b` is, 0 for the same write. Equal
 * timestamps (AWS does not say what it does then) go to the region whose name sorts last, so every
 * replica still decides alike.
 */
export function compareVersions(a: ItemVersion, b: ItemVersion): number {
  if (a.stamp !== b.stamp) return a.stamp - b.stamp;
  return a.region < b.region ? -1 : a.region > b.region ? 1 : 0;
}

/** True when a replicated write `incoming` replaces the replica's `current` version (none: it always does). */
export function replaces(incoming: ItemVersion, current: ItemVersion | undefined): boolean {
  return current === undefined || compareVersions(incoming, current) > 0;
}
