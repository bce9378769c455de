import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Annotations, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import {
  acceleratorFlowLogs,
  alarmsEnabled,
  albAccessLogs,
  acceleratorRecordName,
  AppConfig,
  availabilityZones,
  latencyRecordName,
  servedNames,
  usesAccelerator,
  configWarnings,
  deletionProtection,
  endpointWeight,
  globalAppConfig,
  type ConfigInput,
  healthCheckMode,
  httpsEnabled,
  ownFunctionEntry,
  tableCustomerManagedKey,
  trafficDial,
} from "../model/config";
import { AcceleratorRecord } from "./accelerator-record";
import { AcceleratorVpcCleanup } from "./accelerator-vpc-cleanup";
import { DomainCertificates } from "./domain-certificates";
import { LatencyRecords } from "./latency-records";
import { AlarmTopic } from "./alarm-topic";
import { AlbAccessLogs } from "./alb-access-logs";
import { FailoverDashboard } from "./failover-dashboard";
import { FunctionAsset } from "./function-asset";
import { GlobalAccelerator } from "./global-accelerator";
import { GlobalTable } from "./global-table";
import { GLOBAL_ACCELERATOR_REGION } from "../model/regions";
import { boundaryArn, permissionsBoundaryEnabled } from "../model/iam";
import { RegionalAlarms } from "./regional-alarms";
import { RegionalBackend } from "./regional-backend";
import { backendSettings, configureBackend } from "./lib/backend";
import { functionBundle } from "./lib/bundle";
import { vendedLogDelivery } from "./lib/log-delivery";
import { PrivateBucket } from "./private-bucket";
import { TableKeys } from "./table-keys";

/** The stack's name: `cdktf.out/stacks/globalapp/cdk.tf.json`. */
export const STACK_NAME = "globalapp";

/** Props of {@link GlobalAppStack}. */
export interface GlobalAppStackProps {
  /**
   * The configuration: a whole one (model/config.ts loadConfig) or any part of one, every key left out
   * at its built-in default (docs/configuration.md). Validated here.
   * @default every key at its built-in default: the article's system in us-west-2 and eu-central-1
   */
  readonly config?: ConfigInput;
  /** A prebuilt deployment package, to share one bundle between stacks in tests. @default built here from `config.function` */
  readonly code?: (scope: Construct) => FunctionAsset;
}

/**
 * The one stack, one state: providers (one aliased per region, plus us-west-2 for Global
 * Accelerator), the state backend, the global table, a regional backend per region, the
 * accelerator in front, and the outputs the drill and users need.
 */
export class GlobalAppStack extends TerraformStack {
  /** The validated configuration the stack is built from. */
  public readonly config: AppConfig;
  /** Providers keyed by region (alias = region name); includes us-west-2 for GA. */
  public readonly providers: Readonly<Record<string, AwsProvider>>;
  /** The DynamoDB global table. */
  public readonly table: GlobalTable;
  /** Regional backends keyed by region, in `config.regions` order. */
  public readonly backends: Readonly<Record<string, RegionalBackend>>;
  /** The accelerator; none with routing "route53". */
  public readonly accelerator?: GlobalAccelerator;
  /** Issued certificates (https.issueCertificates). */
  public readonly certificates?: DomainCertificates;
  /** The domain's alias to the accelerator (a domain with routing "accelerator" or "both"). */
  public readonly acceleratorRecord?: AcceleratorRecord;
  /** The latency-routed records (routing "route53" or "both"). */
  public readonly latencyRecords?: LatencyRecords;
  /** The function package. */
  public readonly code: FunctionAsset;
  /**
   * ARN of the permissions boundary every IAM role of the stack carries (`ci.permissionsBoundary`,
   * on with `ci.github.repository`); undefined when off.
   */
  public readonly permissionsBoundary?: string;

  /** @throws ConfigError naming every bad key of `props.config`, or `function.entry` when it does not bundle */
  constructor(scope: Construct, id: string, props: GlobalAppStackProps = {}) {
    super(scope, id);
    const config = globalAppConfig(props.config);
    this.config = config;
    const namePrefix = `${config.appName}-${config.environment}`;
    // The function's code first: an entry that does not bundle is a config error, before any resource.
    const bundle = props.code ? undefined : functionBundle(config);

    configureBackend(this, backendSettings(config));

    // Serving regions, us-west-2 for Global Accelerator, and retired regions: their provider stays so
    // terraform can still destroy what is deployed there ("Provider configuration not present" otherwise).
    const providerRegions = [...new Set([...config.regions, GLOBAL_ACCELERATOR_REGION, ...config.retiredRegions])];
    const providers: Record<string, AwsProvider> = {};
    for (const region of providerRegions) {
      providers[region] = new AwsProvider(this, `aws-${region}`, {
        region,
        alias: region,
        // Tags on every resource through the provider, never per resource.
        defaultTags: [{ tags: { app: config.appName, environment: config.environment, "managed-by": "cdktf" } }],
      });
    }
    this.providers = providers;

    // The account id scopes log-delivery and key policies. Looked up (aws_caller_identity) only when
    // one of those options is on, so the default stack plans without any data-source lookup.
    let account: string | undefined;
    const accountId = () =>
      (account ??= new DataAwsCallerIdentity(this, "account", { provider: providers[GLOBAL_ACCELERATOR_REGION] }).accountId);
    // The CI deploy role may only create roles that carry this boundary (created by globalapp-state).
    this.permissionsBoundary = permissionsBoundaryEnabled(config) ? boundaryArn(config, accountId()) : undefined;
    // dev stays easy to destroy: log buckets go with their logs. prod keeps them.
    const forceDestroy = config.environment !== "prod";
    // What a mistaken change must not delete (the data, its keys, the accelerator's static IPs) carries
    // prevent_destroy whenever deletion protection is on (prod's default): the plan fails instead.
    const guarded = deletionProtection(config);

    const tableKeys = tableCustomerManagedKey(config)
      ? new TableKeys(this, "table-keys", { regions: config.regions, providers, namePrefix, accountId: accountId(), preventDestroy: guarded })
      : undefined;
    this.table = new GlobalTable(this, "global-table", {
      tableName: config.tableName,
      homeRegion: config.homeRegion,
      provider: providers[config.homeRegion],
      regions: config.regions,
      deletionProtection: deletionProtection(config),
      preventDestroy: guarded,
      ...(tableKeys ? { kmsKeyArns: tableKeys.arns } : {}),
    });

    this.code = props.code ? props.code(this) : new FunctionAsset(this, "function-code", { bundle });

    // Route 53 is global: its records and checks use the GA region's provider like other global things.
    const dnsProvider = providers[GLOBAL_ACCELERATOR_REGION];
    this.certificates =
      config.https.issueCertificates && config.domain
        ? new DomainCertificates(this, "certificates", {
            providers,
            regions: config.regions,
            names: servedNames(config),
            zoneId: config.domain.hostedZoneId,
            dnsProvider,
          })
        : undefined;

    const backends: Record<string, RegionalBackend> = {};
    for (const region of config.regions) {
      backends[region] = new RegionalBackend(this, `backend-${region}`, {
        region,
        provider: providers[region],
        namePrefix,
        table: this.table,
        code: this.code,
        healthCheck: config.healthCheck,
        function: { ...config.function, healthCheckMode: healthCheckMode(config) },
        forwardAllPaths: ownFunctionEntry(config) !== undefined,
        availabilityZones: availabilityZones(config, region),
        vpcCidr: config.network.vpcCidr,
        deletionProtection: deletionProtection(config),
        certificateArn: config.https.certificateArns[region] ?? this.certificates?.arns[region],
        internal: config.alb.internal,
        dualStack: config.accelerator.ipAddressType === "DUAL_STACK",
        permissionsBoundary: this.permissionsBoundary,
        accessLogs: albAccessLogs(config)
          ? new AlbAccessLogs(this, `alb-logs-${region}`, {
              region,
              provider: providers[region],
              namePrefix,
              accountId: accountId(),
              retentionDays: config.alb.accessLogRetentionDays,
              forceDestroy,
            })
          : undefined,
      });
    }
    this.backends = backends;
    // Allowed but worth knowing (HTTP only, opt-in regions): cdktf synth|diff|deploy print these.
    for (const w of configWarnings(config)) Annotations.of(this).addWarning(`${w.key} ${w.message}`);

    this.accelerator = usesAccelerator(config) ? this.buildAccelerator(config, { namePrefix, forceDestroy, guarded, accountId }) : undefined;
    const acceleratorName = acceleratorRecordName(config);
    if (config.domain && acceleratorName && this.accelerator) {
      this.acceleratorRecord = new AcceleratorRecord(this, "accelerator-record", {
        provider: dnsProvider,
        zoneId: config.domain.hostedZoneId,
        name: acceleratorName,
        accelerator: this.accelerator,
        dualStack: config.accelerator.ipAddressType === "DUAL_STACK",
      });
    }
    const latencyName = latencyRecordName(config);
    if (config.domain && latencyName) {
      this.latencyRecords = new LatencyRecords(this, "latency-records", {
        provider: dnsProvider,
        zoneId: config.domain.hostedZoneId,
        name: latencyName,
        backends: config.regions.map((r) => backends[r]),
        health: config.route53,
        healthPath: config.healthCheck.path,
        https: httpsEnabled(config),
        dualStack: config.accelerator.ipAddressType === "DUAL_STACK",
      });
    }

    if (alarmsEnabled(config)) {
      for (const region of config.regions) {
        const topic = config.alarms.email
          ? new AlarmTopic(this, `alarm-topic-${region}`, {
              provider: providers[region],
              name: `${namePrefix}-alarms`,
              accountId: accountId(),
              email: config.alarms.email,
            })
          : undefined;
        new RegionalAlarms(this, `alarms-${region}`, {
          provider: providers[region],
          namePrefix,
          backend: backends[region],
          table: this.table,
          topic,
        });
      }
      new FailoverDashboard(this, "dashboard", {
        provider: providers[GLOBAL_ACCELERATOR_REGION],
        name: `${namePrefix}-failover`,
        backends: config.regions.map((r) => backends[r]),
        table: this.table,
      });
    }

    this.outputs(config);
  }

  /**
   * Global Accelerator in front of the regional ALBs (routing "accelerator" or "both"): flow logs when
   * configured, one endpoint group per region, and each region's tear-down helper.
   */
  private buildAccelerator(
    config: AppConfig,
    ctx: { namePrefix: string; forceDestroy: boolean; guarded: boolean; accountId: () => string },
  ): GlobalAccelerator {
    const { namePrefix, forceDestroy, guarded, accountId } = ctx;
    const flowLogsPrefix = "flow-logs";
    const flowLogsBucket = acceleratorFlowLogs(config)
      ? new PrivateBucket(this, "accelerator-flow-logs", {
          provider: this.providers[GLOBAL_ACCELERATOR_REGION],
          bucketPrefix: `${namePrefix}-ga-flow-`,
          expirationDays: config.alb.accessLogRetentionDays,
          forceDestroy,
          writers: (arn) => vendedLogDelivery(arn, { accountId: accountId(), prefix: flowLogsPrefix }),
        })
      : undefined;

    // Client IP preservation leaves GA's interfaces and security group in every VPC; this removes them
    // on destroy, between the endpoint group and the VPC (constructs/accelerator-vpc-cleanup.ts).
    const cleanupCode = new FunctionAsset(this, "cleanup-code", { entry: "functions/accelerator-cleanup.ts" });
    return new GlobalAccelerator(this, "global-accelerator", {
      provider: this.providers[GLOBAL_ACCELERATOR_REGION],
      name: config.accelerator.name ?? namePrefix,
      clientAffinity: config.accelerator.clientAffinity,
      ipAddressType: config.accelerator.ipAddressType,
      ports: httpsEnabled(config) ? [80, 443] : [80],
      flowLogsBucket,
      flowLogsPrefix,
      preventDestroy: guarded,
      endpoints: config.regions.map((region) => ({
        backend: this.backends[region],
        trafficDial: trafficDial(config, region),
        weight: endpointWeight(config, region),
        cleanup: new AcceleratorVpcCleanup(this, `ga-cleanup-${region}`, {
          provider: this.providers[region],
          region,
          namePrefix,
          network: this.backends[region].network,
          code: cleanupCode,
          logRetentionDays: config.function.logRetentionDays,
          permissionsBoundary: this.permissionsBoundary,
        }),
      })),
    });
  }

  private outputs(config: AppConfig): void {
    const perRegion = (pick: (b: RegionalBackend) => string) =>
      Object.fromEntries(config.regions.map((r) => [r, pick(this.backends[r])]));
    if (this.accelerator) {
      new TerraformOutput(this, "accelerator_ips", {
        value: this.accelerator.staticIps,
        description: "The accelerator's two static anycast IP addresses",
      });
      new TerraformOutput(this, "accelerator_dns_name", {
        value: this.accelerator.accelerator.dnsName,
        description: "The accelerator's DNS name",
      });
      const groups = this.accelerator.endpointGroups;
      new TerraformOutput(this, "endpoint_group_arns", {
        value: Object.fromEntries(config.regions.map((r) => [r, groups[r].arn])),
        description: "Each region's Global Accelerator endpoint group ARN (region → ARN): what `npm run shift` dials",
      });
    }
    const acceleratorName = acceleratorRecordName(config);
    if (acceleratorName) {
      new TerraformOutput(this, "accelerator_record_name", { value: acceleratorName, description: "The domain name that points at the accelerator" });
    }
    const latencyName = latencyRecordName(config);
    if (latencyName) {
      new TerraformOutput(this, "latency_record_name", { value: latencyName, description: "The latency-routed name (Route 53, one record per region)" });
    }
    new TerraformOutput(this, "alb_dns_names", {
      value: perRegion((b) => b.loadBalancer.dnsName),
      description: "Each region's ALB DNS name (region → name)",
    });
    new TerraformOutput(this, "function_names", {
      value: perRegion((b) => b.function.functionName),
      description: "Each region's Lambda function name (region → name)",
    });
    new TerraformOutput(this, "table_name", { value: this.table.table.name, description: "The global table's name" });
    new TerraformOutput(this, "table_arn", { value: this.table.table.arn, description: "The global table's ARN (home region)" });
  }
}
