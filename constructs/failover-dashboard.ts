import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { LATENCY_METRIC, METRIC_DIMENSIONS, REQUESTS_METRIC } from "../functions/lib/metrics";
import { GlobalTable } from "./global-table";
import { jsonDocument } from "./lib/json-document";
import { RegionalBackend } from "./regional-backend";

/** Props of {@link FailoverDashboard}. */
export interface FailoverDashboardProps {
  /** Provider for the region the dashboard is created in (dashboards are global; widgets name their region). */
  readonly provider: AwsProvider;
  /** Dashboard name, e.g. "globalapp-prod-failover". */
  readonly name: string;
  /** The regional backends, in the order their columns appear. */
  readonly backends: readonly RegionalBackend[];
  /** The global table (replication latency per sending → receiving region). */
  readonly table: GlobalTable;
}

/**
 * One CloudWatch metric line: [namespace, metric, dimension, value, …, options], or a one-element line
 * holding a SEARCH expression (the function's request metrics, whose route × status combinations
 * appear as they occur).
 */
type MetricLine = Array<string | { stat?: string; label?: string }> | [{ expression: string; id: string; label?: string }];

/** A metric widget, typed; the dashboard body is the JSON of these, with ARN suffixes as Terraform references. */
export interface MetricWidget {
  readonly type: "metric";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: {
    readonly title: string;
    readonly region: string;
    readonly view: "timeSeries";
    readonly stacked: false;
    readonly period: number;
    readonly stat: string;
    readonly metrics: MetricLine[];
  };
}

/** The dashboard's rows, top to bottom: what a failover looks like, in the order it happens. */
export const DASHBOARD_ROWS = [
  "Target health",
  "Requests by route and status",
  "Target response time",
  "Function latency by route (p99)",
  "5xx",
  "Lambda errors and duration",
  "Replication latency",
] as const;

const HEIGHT = 6;

/**
 * A SEARCH expression over one region's request metrics (functions/lib/metrics.ts): every route ×
 * status-class series of `metric` that the region's function published, at `stat` per minute.
 */
export function requestMetricsSearch(
  metric: string,
  stat: string,
  m: { readonly namespace: string; readonly service: string },
  region: string,
): string {
  const schema = [m.namespace, ...[...METRIC_DIMENSIONS].sort()].join(",");
  return `SEARCH('{${schema}} MetricName="${metric}" service="${m.service}" region="${region}"', '${stat}', 60)`;
}

/**
 * One CloudWatch dashboard with the failover-relevant metrics of every region side by side: a row per
 * metric, a column per region — healthy/unhealthy host count, the function's requests by route and
 * status class, target response time, the function's p99 latency by route, ALB and target 5xx, Lambda
 * errors and duration, and DynamoDB replication latency to each other region.
 */
export class FailoverDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: CloudwatchDashboard;
  /** The widgets, as rendered into the body. */
  public readonly widgets: readonly MetricWidget[];

  constructor(scope: Construct, id: string, props: FailoverDashboardProps) {
    super(scope, id);
    if (props.backends.length === 0) throw new Error("FailoverDashboard: backends must name at least one region");
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(props.name)) {
      throw new Error(`FailoverDashboard: name "${props.name}" must be 1-255 letters, digits, - or _`);
    }
    const width = Math.max(6, Math.floor(24 / props.backends.length));
    const perRow = Math.floor(24 / width);
    const rowHeight = HEIGHT * Math.ceil(props.backends.length / perRow);
    const tableName = props.table.table.name;

    const widgets: MetricWidget[] = [];
    DASHBOARD_ROWS.forEach((row, r) => {
      props.backends.forEach((b, i) => {
        const lb = b.loadBalancer.arnSuffix;
        const tg = b.targetGroup.arnSuffix;
        const fn = b.function.functionName;
        const metrics: Record<(typeof DASHBOARD_ROWS)[number], { stat: string; lines: MetricLine[] }> = {
          "Target health": {
            stat: "Minimum",
            lines: [
              ["AWS/ApplicationELB", "HealthyHostCount", "TargetGroup", tg, "LoadBalancer", lb, { stat: "Minimum" }],
              ["AWS/ApplicationELB", "UnHealthyHostCount", "TargetGroup", tg, "LoadBalancer", lb, { stat: "Maximum" }],
            ],
          },
          "Requests by route and status": {
            stat: "Sum",
            lines: [[{ expression: requestMetricsSearch(REQUESTS_METRIC, "Sum", b.requestMetrics, b.region), id: "requests" }]],
          },
          "Function latency by route (p99)": {
            stat: "p99",
            lines: [[{ expression: requestMetricsSearch(LATENCY_METRIC, "p99", b.requestMetrics, b.region), id: "latency" }]],
          },
          "Target response time": {
            stat: "p99",
            lines: [
              ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", lb, { stat: "p50", label: "p50" }],
              ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", lb, { stat: "p99", label: "p99" }],
            ],
          },
          "5xx": {
            stat: "Sum",
            lines: [
              ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", lb],
              ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", lb],
            ],
          },
          "Lambda errors and duration": {
            stat: "Sum",
            lines: [
              ["AWS/Lambda", "Errors", "FunctionName", fn, { stat: "Sum" }],
              ["AWS/Lambda", "Duration", "FunctionName", fn, { stat: "p99", label: "Duration p99 (ms)" }],
            ],
          },
          "Replication latency": {
            stat: "Average",
            lines: props.table.regions
              .filter((peer) => peer !== b.region)
              .map((peer): MetricLine => ["AWS/DynamoDB", "ReplicationLatency", "TableName", tableName, "ReceivingRegion", peer, { label: `→ ${peer}` }]),
          },
        };
        // A single region replicates nowhere: CloudWatch rejects a widget without metrics.
        if (metrics[row].lines.length === 0) return;
        widgets.push({
          type: "metric",
          x: (i % perRow) * width,
          y: r * rowHeight + Math.floor(i / perRow) * HEIGHT,
          width,
          height: HEIGHT,
          properties: {
            title: `${row} — ${b.region}`,
            region: b.region,
            view: "timeSeries",
            stacked: false,
            period: 60,
            stat: metrics[row].stat,
            metrics: metrics[row].lines,
          },
        });
      });
    });
    this.widgets = widgets;
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      provider: props.provider,
      dashboardName: props.name,
      // A jsonencode expression, never a JSON string: the body holds references (ARN suffixes, names),
      // and cdktf's HCL output breaks on a string holding both references and double quotes.
      dashboardBody: jsonDocument({ widgets }),
    });
  }
}
