import { DEFAULT_REPLICATION_LAG } from "../replication";
import { BENCH_FUNCTION_P99_MILLISECONDS } from "../capacity";
import type { AppConfig } from "./schema";

/**
 * Built-in defaults: every key, so that a context or file only needs what differs.
 * cdktf.json's `context.globalapp` restates the article's choices on top of these.
 */
export const BUILTIN_DEFAULTS: AppConfig = {
  appName: "globalapp",
  environment: "dev",
  regions: ["us-west-2", "eu-central-1"],
  retiredRegions: [],
  homeRegion: "us-west-2",
  tableName: "GlobalApp",
  healthCheck: {
    path: "/health",
    intervalSeconds: 10,
    timeoutSeconds: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    matcher: "200",
  },
  function: {
    entry: "functions/get.ts",
    environment: {},
    policyStatements: [],
    memoryMb: 256,
    timeoutSeconds: 3,
    logRetentionDays: 365,
    multiValueHeaders: false,
  },
  capacity: { functionMilliseconds: BENCH_FUNCTION_P99_MILLISECONDS },
  network: { vpcCidr: "10.0.0.0/16", availabilityZones: {} },
  accelerator: {
    clientAffinity: "NONE",
    ipAddressType: "IPV4",
    trafficDials: {},
    endpointWeights: {},
  },
  https: { certificateArns: {} },
  routing: "accelerator",
  route53: { healthChecks: "alias", requestIntervalSeconds: 30, failureThreshold: 3 },
  alb: { accessLogRetentionDays: 90, internal: false },
  table: {},
  alarms: {},
  state: {
    backend: "s3",
    bucket: "globalapp-terraform-state",
    region: "us-west-2",
  },
  ci: {},
  local: {
    port: 8080,
    adminPort: 8081,
    dnsPort: 8053,
    propagationSeconds: 10,
    replication: { lagSeconds: { ...DEFAULT_REPLICATION_LAG } },
  },
};
