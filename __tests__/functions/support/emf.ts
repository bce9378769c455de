/**
 * Checks of the function's EMF lines against CloudWatch's embedded metric format specification
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)
 * and against what functions/lib/metrics.ts promises: one dimension set of bounded values, two metrics.
 * Plain checks returning a list of problems, cheap enough to run on 10,000 lines.
 */
import { ASSUMPTIONS } from "../../../model/cost";
import {
  LATENCY_METRIC,
  METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
  REQUESTS_METRIC,
  ROUTE_NAMES,
  STATUS_CLASSES,
} from "../../../functions/lib/metrics";

/** An EMF line as the function prints it. */
export interface EmfLine {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: ReadonlyArray<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }>;
  };
  readonly service: string;
  readonly region: string;
  readonly route: string;
  readonly status_class: string;
  readonly Requests: number;
  readonly Latency: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The lines of stdout that are EMF objects (a JSON object with `_aws`), parsed. */
export function emfLines(lines: readonly string[]): EmfLine[] {
  const out: EmfLine[] = [];
  for (const line of lines) {
    if (!line.includes('"_aws"')) continue;
    out.push(JSON.parse(line) as EmfLine);
  }
  return out;
}

/**
 * The most bytes one EMF line may take: what the cost model assumes per invocation (so the logs
 * line of `npm run cost` holds), far below CloudWatch's 256 KB log-event and 1 MB EMF limits.
 */
export const MAX_EMF_LINE_BYTES = ASSUMPTIONS.emfLineBytes;

/** What is wrong with one stdout line as the function's EMF line; empty when nothing is. */
export function emfProblems(line: string, expected: { service: string; region: string; statusCode?: number }): string[] {
  const out: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) out.push(what);
  };
  check(Buffer.byteLength(line) <= MAX_EMF_LINE_BYTES, `line is at most ${MAX_EMF_LINE_BYTES} bytes (${Buffer.byteLength(line)})`);
  check(!line.includes("\n"), "one line");
  let emf: unknown;
  try {
    emf = JSON.parse(line);
  } catch {
    return [...out, "line is JSON"];
  }
  if (!isObject(emf) || !isObject(emf._aws)) return [...out, "a JSON object with _aws"];
  const aws = emf._aws;
  check(Number.isInteger(aws.Timestamp) && Math.abs(Date.now() - (aws.Timestamp as number)) < 60_000, "_aws.Timestamp is now, in epoch ms");
  const directives = aws.CloudWatchMetrics;
  if (!Array.isArray(directives) || directives.length !== 1 || !isObject(directives[0])) return [...out, "exactly one CloudWatchMetrics directive"];
  const d = directives[0];
  check(d.Namespace === METRICS_NAMESPACE, `Namespace is ${METRICS_NAMESPACE}`);
  check(JSON.stringify(d.Dimensions) === JSON.stringify([[...METRIC_DIMENSIONS]]), `one dimension set: ${METRIC_DIMENSIONS.join(", ")}`);
  check(
    JSON.stringify(d.Metrics) === JSON.stringify([{ Name: REQUESTS_METRIC, Unit: "Count" }, { Name: LATENCY_METRIC, Unit: "Milliseconds" }]),
    "metrics Requests (Count) and Latency (Milliseconds)",
  );
  // Only the directive, the dimension values and the metric values: nothing else rides along.
  check(
    JSON.stringify(Object.keys(emf).sort()) === JSON.stringify(["_aws", ...METRIC_DIMENSIONS, REQUESTS_METRIC, LATENCY_METRIC].sort()),
    `no keys but _aws, the dimensions and the metrics (got ${Object.keys(emf).join(", ")})`,
  );
  check(emf.service === expected.service, `service is ${expected.service}`);
  check(emf.region === expected.region, `region is ${expected.region}`);
  check((ROUTE_NAMES as readonly unknown[]).includes(emf.route), `route ${String(emf.route)} is one of ${ROUTE_NAMES.join(", ")}`);
  check((STATUS_CLASSES as readonly unknown[]).includes(emf.status_class), `status_class ${String(emf.status_class)} is one of ${STATUS_CLASSES.join(", ")}`);
  if (expected.statusCode !== undefined) {
    check(emf.status_class === `${Math.floor(expected.statusCode / 100)}xx`, `status_class matches the response's ${expected.statusCode}`);
  }
  check(emf.Requests === 1, "Requests is 1");
  check(typeof emf.Latency === "number" && emf.Latency >= 0 && emf.Latency < 60_000, "Latency is a duration in ms");
  return out;
}
