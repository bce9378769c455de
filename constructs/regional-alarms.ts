import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { AlarmTopic } from "./alarm-topic";
import { GlobalTable } from "./global-table";
import { RegionalBackend } from "./regional-backend";

/** Props of {@link RegionalAlarms}. */
export interface RegionalAlarmsProps {
  /** Provider aliased to the backend's region (alarms live beside their metrics). */
  readonly provider: AwsProvider;
  /** Physical-name prefix, `${appName}-${environment}`; alarms are `${namePrefix}-${region}-<what>`. */
  readonly namePrefix: string;
  /** The region's backend: its ALB, target group and function are watched. */
  readonly backend: RegionalBackend;
  /** The global table: replication from this region to every other one, and throttling here. */
  readonly table: GlobalTable;
  /** Topic notified on ALARM and OK (same region). @default none: alarms only change state */
  readonly topic?: AlarmTopic;
  /** Replication latency (ms, average over a minute) that alarms after 5 minutes. @default 10000 */
  readonly replicationLatencyMs?: number;
}

/** What a missing datapoint means for each alarm: no data from an error counter means no errors. */
type Missing = "breaching" | "notBreaching" | "ignore" | "missing";

/**
 * A region's CloudWatch alarms on what makes Global Accelerator fail over, and what follows it:
 * the target group's UnHealthyHostCount (≥ 1 is exactly GA's failover trigger), ALB- and
 * target-generated 5xx, Lambda Errors and Throttles, DynamoDB replication latency to every other
 * region (ReceivingRegion) and throttled reads and writes on this region's replica.
 */
export class RegionalAlarms extends Construct {
  /** Alarms keyed by short name (`unhealthy-hosts`, `replication-latency-eu-central-1`, …). */
  public readonly alarms: Readonly<Record<string, CloudwatchMetricAlarm>>;

  constructor(scope: Construct, id: string, props: RegionalAlarmsProps) {
    super(scope, id);
    const { provider, backend, table } = props;
    const region = backend.region;
    if (provider.region !== region) {
      throw new Error(`RegionalAlarms: provider region "${provider.region}" does not match the backend's region "${region}"`);
    }
    if (!table.regions.includes(region)) {
      throw new Error(`RegionalAlarms: the table has no replica in "${region}"; regions: ${table.regions.join(", ")}`);
    }
    const latency = props.replicationLatencyMs ?? 10_000;
    if (!(latency > 0)) throw new Error(`RegionalAlarms: replicationLatencyMs ${latency} must be positive`);

    const actions = props.topic ? [props.topic.topic.arn] : [];
    const alarms: Record<string, CloudwatchMetricAlarm> = {};
    const alarm = (
      key: string,
      description: string,
      metric: Pick<CloudwatchMetricAlarmConfig, "namespace" | "metricName" | "dimensions" | "statistic" | "threshold">,
      opts: { missing: Missing; periods?: number },
    ) => {
      alarms[key] = new CloudwatchMetricAlarm(this, key, {
        provider,
        alarmName: `${props.namePrefix}-${region}-${key}`,
        alarmDescription: `${description} (${region})`,
        ...metric,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        period: 60,
        evaluationPeriods: opts.periods ?? 1,
        treatMissingData: opts.missing,
        alarmActions: actions,
        okActions: actions,
      });
    };

    const lb = { LoadBalancer: backend.loadBalancer.arnSuffix };
    const tg = { ...lb, TargetGroup: backend.targetGroup.arnSuffix };
    // No health data at all means the ALB stopped checking: treat as unhealthy, like GA would.
    alarm("unhealthy-hosts", "The function target is unhealthy: Global Accelerator is failing this region over",
      { namespace: "AWS/ApplicationELB", metricName: "UnHealthyHostCount", dimensions: tg, statistic: "Maximum", threshold: 1 },
      { missing: "breaching" });
    alarm("alb-5xx", "The ALB itself answers 5xx (e.g. the function cannot be invoked)",
      { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_ELB_5XX_Count", dimensions: lb, statistic: "Sum", threshold: 5 },
      { missing: "notBreaching" });
    alarm("target-5xx", "The function answers 5xx",
      { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", dimensions: lb, statistic: "Sum", threshold: 5 },
      { missing: "notBreaching" });

    const fn = { FunctionName: backend.function.functionName };
    alarm("lambda-errors", "The function fails (unhandled errors or timeouts)",
      { namespace: "AWS/Lambda", metricName: "Errors", dimensions: fn, statistic: "Sum", threshold: 1 },
      { missing: "notBreaching" });
    alarm("lambda-throttles", "The function is throttled (concurrency exhausted)",
      { namespace: "AWS/Lambda", metricName: "Throttles", dimensions: fn, statistic: "Sum", threshold: 1 },
      { missing: "notBreaching" });

    const tableName = table.table.name;
    // ReplicationLatency is published in the sending region, one series per receiving region.
    for (const peer of table.regions.filter((r) => r !== region)) {
      alarm(`replication-latency-${peer}`, `Replication to ${peer} lags more than ${latency} ms for 5 minutes`,
        { namespace: "AWS/DynamoDB", metricName: "ReplicationLatency", dimensions: { TableName: tableName, ReceivingRegion: peer }, statistic: "Average", threshold: latency },
        // No writes, no datapoints: that is not lag.
        { missing: "notBreaching", periods: 5 });
    }
    for (const [key, metricName] of [["read-throttles", "ReadThrottleEvents"], ["write-throttles", "WriteThrottleEvents"]] as const) {
      alarm(`dynamodb-${key}`, `DynamoDB throttles ${key.split("-")[0]}s on the replica`,
        { namespace: "AWS/DynamoDB", metricName, dimensions: { TableName: tableName }, statistic: "Sum", threshold: 1 },
        { missing: "notBreaching" });
    }
    this.alarms = alarms;
  }
}
