/**
 * `--runs N`: the drill repeated N times, and the spread of what it measured against what the
 * health-check config predicts. One drill measures one point of the predicted range (where in the
 * check cycle the STATUS change happened to fall); N drills on fresh local systems, each with its own
 * random health-check phase, sample the range. Predictions come from model/failover.ts, as for one
 * drill; each run's result is the single drill's, unchanged.
 */
import { median } from "../lib/stats";
import type { SecondsRange } from "../model/failover";
import { type DrillResult, inPredictedRange } from "./drill";

/** Min / median / max of one measurement over the runs, against its predicted range. */
export interface Spread {
  /** Runs that produced the measurement (a failover that never happened has none). */
  readonly samples: number;
  readonly min: number | null;
  readonly median: number | null;
  readonly max: number | null;
  readonly predicted: SecondsRange;
  /** Slack added to both ends of `predicted` (one poll period plus scheduling). */
  readonly toleranceSeconds: number;
  /** Every run produced the measurement and min and max lie in the predicted range (± tolerance). */
  readonly inRange: boolean;
}

/** The distribution object of a multi-run drill (`--json` prints it as `distribution`). */
export interface DrillDistribution {
  readonly runs: number;
  readonly failover: Spread;
  readonly recovery: Spread;
  /** Requests without a 2xx answer, over all runs. */
  readonly errors: number;
  readonly requests: number;
}

/** What `--runs N` prints with `--json`: the first run's fields as a single drill has them, every run, and the spread. */
export type MultiDrillResult = DrillResult & {
  /** Seed of the first run; run i (from 0) used seed + i. Absent when the target has none (AWS, a running system). */
  readonly seed?: number;
  readonly runs: readonly DrillResult[];
  readonly distribution: DrillDistribution;
  /** Every run OK and both spreads in range. */
  readonly ok: boolean;
};

const round = (n: number) => Math.round(n * 100) / 100;

/** The spread of `values` (null: not measured in that run) against `predicted`. */
export function spreadOf(values: readonly (number | null)[], predicted: SecondsRange, toleranceSeconds: number): Spread {
  const measured = values.filter((v): v is number => v !== null);
  const min = measured.length ? Math.min(...measured) : null;
  const max = measured.length ? Math.max(...measured) : null;
  return {
    samples: measured.length,
    min,
    median: measured.length ? round(median(measured)) : null,
    max,
    predicted,
    toleranceSeconds,
    inRange: measured.length === values.length && inPredictedRange(min, predicted, toleranceSeconds) && inPredictedRange(max, predicted, toleranceSeconds),
  };
}

/** The distribution over the runs' results (at least one). */
export function distributionOf(results: readonly DrillResult[]): DrillDistribution {
  if (results.length === 0) throw new Error("a distribution needs at least one run");
  const first = results[0];
  // The widest slack of any run: runs share settings, so these are all equal in practice.
  const tolerance = Math.max(...results.map((r) => r.toleranceSeconds));
  return {
    runs: results.length,
    failover: spreadOf(results.map((r) => r.failoverSeconds), first.predictedFailoverRange, tolerance),
    recovery: spreadOf(results.map((r) => r.recoverySeconds), first.predictedRecoveryRange, tolerance),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    requests: results.reduce((sum, r) => sum + r.requests, 0),
  };
}

/** The multi-run result: the first run's fields, every run, the distribution, and the overall verdict. */
export function combineRuns(results: readonly DrillResult[], seed?: number): MultiDrillResult {
  const distribution = distributionOf(results);
  const ok = results.every((r) => r.ok) && distribution.failover.inRange && distribution.recovery.inRange;
  return { ...results[0], ...(seed !== undefined ? { seed } : {}), ok, runs: results, distribution };
}

/** The seed of run `index` (from 0): the first run's seed plus the index, wrapping at 2^32. */
export function runSeed(seed: number, index: number): number {
  return (seed + index) >>> 0;
}

/**
 * The seed of the drill's own draws (the waits before the changes) for a run: unrelated to the
 * system's phases, and another one for the route53 drill (`--compare` drills both on one system).
 */
export function drillSeed(seed: number, routing: "accelerator" | "route53" = "accelerator"): number {
  return (seed ^ (routing === "route53" ? 0x7f4a7c15 : 0x9e3779b9)) >>> 0;
}

/** The seed of a run's `--load` schedule: unrelated to the system's phases and to the drill's waits. */
export function loadSeed(seed: number): number {
  return (seed ^ 0x85ebca6b) >>> 0;
}
