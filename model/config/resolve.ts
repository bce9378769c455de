/**
 * Settings derived from the validated config: environment-dependent defaults (prod vs dev) and
 * per-region lookups, decided in one place for the stack, the local system and the drill.
 */
import { defaultAzIds } from "../regions";
import type { AppConfig } from "./schema";

/** Traffic dial for a region (percent), 100 unless configured. */
export function trafficDial(config: AppConfig, region: string): number {
  return config.accelerator.trafficDials[region] ?? 100;
}

/** Endpoint weight for a region's ALB (0-255), 128 unless configured (GA's default). */
export function endpointWeight(config: AppConfig, region: string): number {
  return config.accelerator.endpointWeights[region] ?? 128;
}

/** The two availability zones of a region's public subnets: configured, or the region's default AZ IDs. */
export function availabilityZones(config: AppConfig, region: string): [string, string] {
  const azs = config.network.availabilityZones[region];
  return azs ? [azs[0], azs[1]] : defaultAzIds(region);
}

/**
 * The function's health-check mode: configured, else `deep` in prod (a region whose function cannot
 * use its replica — outage, throttling, a revoked key or permission — fails its health check and is
 * drained) and `shallow` in dev (answer `STATUS` only, the article's behaviour).
 */
export function healthCheckMode(config: AppConfig): "shallow" | "deep" {
  return config.function.healthCheckMode ?? (config.environment === "prod" ? "deep" : "shallow");
}

/** Deletion protection for the table and ALBs: configured, else on in prod only. */
export function deletionProtection(config: AppConfig): boolean {
  return config.deletionProtection ?? config.environment === "prod";
}

/** HTTPS is on when certificates are configured (validation makes it every region or none) or issued. */
export function httpsEnabled(config: AppConfig): boolean {
  return Object.keys(config.https.certificateArns).length > 0 || config.https.issueCertificates === true;
}

/** Whether the stack has a Global Accelerator in front (routing "accelerator" or "both"). */
export function usesAccelerator(config: AppConfig): boolean {
  return config.routing !== "route53";
}

/** The label of the latency records under the domain with routing "both". */
export const LATENCY_LABEL = "latency";

/** The name that points at the accelerator: `domain.name` with routing "accelerator" or "both". */
export function acceleratorRecordName(config: AppConfig): string | undefined {
  return config.domain && usesAccelerator(config) ? config.domain.name : undefined;
}

/**
 * The name of the latency-routed records: `domain.name` with routing "route53", the sub-name
 * `latency.<domain.name>` with "both" (the accelerator keeps `domain.name`), none otherwise.
 */
export function latencyRecordName(config: AppConfig): string | undefined {
  if (!config.domain || config.routing === "accelerator") return undefined;
  return config.routing === "both" ? `${LATENCY_LABEL}.${config.domain.name}` : config.domain.name;
}

/** Every name the stack serves under the domain (what issued certificates cover), in order. */
export function servedNames(config: AppConfig): string[] {
  return [...new Set([acceleratorRecordName(config), latencyRecordName(config)].filter((n): n is string => n !== undefined))];
}

/** ALB access logs to a per-region S3 bucket: configured, else on in prod only. */
export function albAccessLogs(config: AppConfig): boolean {
  return config.alb.accessLogs ?? config.environment === "prod";
}

/** Global Accelerator flow logs to an S3 bucket in us-west-2: configured, else on in prod only. */
export function acceleratorFlowLogs(config: AppConfig): boolean {
  return config.accelerator.flowLogs ?? config.environment === "prod";
}

/** A customer-managed KMS key per region for the table: configured, else on in prod only. */
export function tableCustomerManagedKey(config: AppConfig): boolean {
  return config.table.customerManagedKey ?? config.environment === "prod";
}

/**
 * CloudWatch alarms and the failover dashboard: on in every environment unless `alarms.enabled` is
 * false. A stack whose purpose is failing over must say so when a region goes unhealthy, in dev too;
 * they cost cents a month (model/cost.ts). The SNS topic exists only when `alarms.email` is set.
 */
export function alarmsEnabled(config: AppConfig): boolean {
  return config.alarms.enabled ?? true;
}

/**
 * The S3 state key: configured, else `${appName}/${environment}/terraform.tfstate`. Every app and
 * environment gets its own state by default: a shared key would make deploying prod after dev plan to
 * replace dev's resources with prod's.
 */
export function stateKey(config: AppConfig): string {
  const state = config.state;
  return (state.backend === "s3" ? state.key : undefined) ?? `${config.appName}/${config.environment}/terraform.tfstate`;
}

/**
 * The local backend's state file for the `globalapp` stack, relative to its synthesized directory
 * (`cdktf.out/stacks/globalapp`): configured, else `terraform.${appName}-${environment}.tfstate` in the
 * project root, outside cdktf.out (one file per app and environment, like the S3 key).
 */
export function localStatePath(config: AppConfig): string {
  const state = config.state;
  return (state.backend === "local" ? state.path : undefined) ?? `../../../terraform.${config.appName}-${config.environment}.tfstate`;
}

/** Where the `globalapp` stack's state lives, in words: for the synth summary. */
export function backendDescription(config: AppConfig): string {
  const state = config.state;
  switch (state.backend) {
    case "s3":
      return `s3://${state.bucket}/${stateKey(config)} (${state.region}, lockfile locking)`;
    case "cloud":
      return `Terraform Cloud ${state.hostname ? `${state.hostname} ` : ""}organization ${state.organization}, workspace ${state.workspace}`;
    case "local":
      return `local file ${localStatePath(config)} (relative to cdktf.out/stacks/globalapp)`;
  }
}
