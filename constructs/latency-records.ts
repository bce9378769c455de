import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Construct } from "constructs";
import type { Route53Settings } from "../model/config";
import { RegionalBackend } from "./regional-backend";

/** Props of {@link LatencyRecords}. */
export interface LatencyRecordsProps {
  /** Any provider of the stack: Route 53 is a global service. */
  readonly provider: AwsProvider;
  /** The public hosted zone that holds `name`. */
  readonly zoneId: string;
  /** The record name, e.g. "api.example.com" (routing route53) or "latency.api.example.com" (both). */
  readonly name: string;
  /** One record per region, to that region's ALB. */
  readonly backends: readonly RegionalBackend[];
  /** How Route 53 learns each region's health. @default alias evaluation, 30 s, threshold 3 */
  readonly health?: Route53Settings;
  /** The path the health checks request (the target group's health path). @default "/health" */
  readonly healthPath?: string;
  /** Check over HTTPS on 443 (the ALBs redirect 80 to HTTPS, and Route 53 counts a 3xx as healthy). @default false */
  readonly https?: boolean;
  /** Also AAAA records (dual-stack ALBs). @default false */
  readonly dualStack?: boolean;
}

/**
 * Route 53 latency-based routing, the article's alternative to Global Accelerator: one alias record
 * per region under the same name (`set_identifier` = region, `latency_routing_policy` = region) to
 * that region's ALB. Route 53 answers with the lowest-latency region among the healthy ones. Health:
 *
 * - `alias` (default): `evaluate_target_health` on the alias, i.e. the ALB's target health (its
 *   Lambda target group, the same health Global Accelerator follows);
 * - `route53`: an explicit Route 53 health check per region of the ALB's health path, every
 *   `requestIntervalSeconds`, unhealthy after `failureThreshold` failures, attached to the record.
 *
 * Clients and resolvers cache the answer for the alias's TTL (60 s for an ALB) or longer: that cache
 * is why the article moved to Global Accelerator. The failover model (model/failover.ts) adds it.
 */
export class LatencyRecords extends Construct {
  /** The records keyed by region (A; AAAA beside it when dual-stack). */
  public readonly records: Readonly<Record<string, readonly Route53Record[]>>;
  /** Route 53 health checks keyed by region (empty with alias evaluation). */
  public readonly healthChecks: Readonly<Record<string, Route53HealthCheck>>;

  constructor(scope: Construct, id: string, props: LatencyRecordsProps) {
    super(scope, id);
    const health = props.health ?? { healthChecks: "alias", requestIntervalSeconds: 30, failureThreshold: 3 };
    if (props.backends.length === 0) throw new Error("LatencyRecords: backends must name at least one region");
    const records: Record<string, Route53Record[]> = {};
    const checks: Record<string, Route53HealthCheck> = {};
    for (const backend of props.backends) {
      const region = backend.region;
      const check =
        health.healthChecks === "route53"
          ? new Route53HealthCheck(this, `health-${region}`, {
              provider: props.provider,
              type: props.https ? "HTTPS" : "HTTP",
              fqdn: backend.loadBalancer.dnsName,
              port: props.https ? 443 : 80,
              resourcePath: props.healthPath ?? "/health",
              requestInterval: health.requestIntervalSeconds,
              failureThreshold: health.failureThreshold,
              tags: { Name: `${props.name} ${region}` },
            })
          : undefined;
      if (check) checks[region] = check;
      const record = (type: "A" | "AAAA") =>
        new Route53Record(this, `${type.toLowerCase()}-${region}`, {
          provider: props.provider,
          zoneId: props.zoneId,
          name: props.name,
          type,
          setIdentifier: region,
          latencyRoutingPolicy: { region },
          // With an explicit check, that check alone decides; otherwise the ALB's target health does.
          alias: { name: backend.loadBalancer.dnsName, zoneId: backend.loadBalancer.zoneId, evaluateTargetHealth: check === undefined },
          ...(check ? { healthCheckId: check.id } : {}),
        });
      records[region] = props.dualStack ? [record("A"), record("AAAA")] : [record("A")];
    }
    this.records = records;
    this.healthChecks = checks;
  }
}
