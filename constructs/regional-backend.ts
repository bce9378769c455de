import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { LbTargetGroupAttachment } from "@cdktf/provider-aws/lib/lb-target-group-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { AlbAccessLogs } from "./alb-access-logs";
import { FUNCTION_ROLE_SIDS, functionStatementSid, type FunctionSettings, type HealthCheckSettings } from "../model/config";
import { functionEnvironment } from "../functions/lib/env";
import { METRICS_NAMESPACE, metricsEnvironment, type MetricsSettings } from "../functions/lib/metrics";
import { FunctionAsset } from "./function-asset";
import { GlobalTable } from "./global-table";
import { targetGroupHealthCheck } from "./lib/health-check";
import { jsonDocument } from "./lib/json-document";
import { functionWithOwnRole } from "./lib/lambda";
import { RegionalNetwork } from "./regional-network";

/** The DynamoDB item actions the function uses (functions/lib/store.ts), and no others. */
export const FUNCTION_TABLE_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"] as const;

/** KMS actions DynamoDB performs with the caller's permissions when the table uses a customer-managed key. */
export const FUNCTION_TABLE_KEY_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"] as const;

/** The Lambda runtime and architecture the bundle targets (constructs/lib/bundle.ts: node22). */
export { FUNCTION_ARCHITECTURE, FUNCTION_RUNTIME } from "./lib/lambda";

/** Path patterns the ALB forwards to the function; anything else gets a fixed 404 from the ALB itself. */
export const ROUTED_PATHS = ["/get/*", "/items/*"] as const;

/**
 * The HTTPS listener's TLS policy: TLS 1.3 and 1.2 only, forward-secret ciphers (passes checkov
 * CKV_AWS_103 and trivy AWS-0047; the `Ext1`/`Ext2` variants are rejected by trivy).
 */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** Props of {@link RegionalBackend}. */
export interface RegionalBackendProps {
  /** AWS region of every resource in this construct, e.g. "eu-central-1". */
  readonly region: string;
  /** Provider aliased to `region`; every resource here is created with it. */
  readonly provider: AwsProvider;
  /** Physical-name prefix, `${appName}-${environment}` (at most 21 characters: ALB names allow 32). */
  readonly namePrefix: string;
  /** The global table; the function gets least-privilege access to the replica in `region`. */
  readonly table: GlobalTable;
  /** The function's deployment package (shared by all regions). */
  readonly code: FunctionAsset;
  /** ALB target-group health check. GA follows this health for ALB endpoints. */
  readonly healthCheck: HealthCheckSettings;
  /**
   * Lambda settings (memory, timeout, log retention, multi-value headers, health mode), and what your
   * own function adds: its environment variables and its role's extra statements.
   */
  readonly function: FunctionSettings;
  /**
   * The ALB forwards every path to the function (your own function, which routes itself; the wrapper
   * answers the health path). @default false: only the item routes and the health path reach the
   * function, anything else gets the ALB's fixed JSON 404
   */
  readonly forwardAllPaths?: boolean;
  /** Two availability zones for the ALB's subnets. */
  readonly availabilityZones: readonly [string, string];
  /** VPC CIDR. @default "10.0.0.0/16" */
  readonly vpcCidr?: string;
  /** ALB deletion protection. @default false */
  readonly deletionProtection?: boolean;
  /**
   * ACM certificate (in `region`) for an HTTPS listener on 443 that carries the routing; port 80 then
   * only redirects to HTTPS. @default none: HTTP on port 80 only
   */
  readonly certificateArn?: string;
  /**
   * Internal ALB (no public addresses), reachable only through Global Accelerator and from the VPC.
   * GA supports internal ALB endpoints; the VPC keeps its internet gateway, which GA requires. @default false
   */
  readonly internal?: boolean;
  /**
   * Dual-stack ALB (IPv4 and IPv6) in an IPv6-enabled network: what a DUAL_STACK accelerator needs,
   * since it accepts only dual-stack ALB endpoints. @default false
   */
  readonly dualStack?: boolean;
  /** Access-log bucket for the ALB, in `region`. @default no access logs */
  readonly accessLogs?: AlbAccessLogs;
  /**
   * ARN of the permissions boundary the function's role carries (the CI deploy role may only create
   * roles with it: model/iam/github.ts). @default none
   */
  readonly permissionsBoundary?: string;
}

/**
 * One region's serving stack: network → security group → internet-facing ALB → Lambda target group
 * (health check ON) → the function, with its IAM role and log group.
 *
 * Routing (the article's content-based routing): `/get/*`, `/items/*` and the health-check path go
 * to the function; everything else is answered by the ALB with a fixed JSON 404. Your own function
 * (`forwardAllPaths`) gets every path: it routes itself, and its wrapper answers the health path.
 */
export class RegionalBackend extends Construct {
  /** The region this backend serves. */
  public readonly region: string;
  /** The ALB; Global Accelerator's endpoint for this region. */
  public readonly loadBalancer: Lb;
  /** The Lambda target group whose health Global Accelerator follows. */
  public readonly targetGroup: LbTargetGroup;
  /** The function serving `/get/{id}`, `/items/{id}` and `/health` (or your own function's every path). */
  public readonly function: LambdaFunction;
  /** The function's log group. */
  public readonly logGroup: CloudwatchLogGroup;
  /** The listener carrying the routing rules: HTTPS with a certificate, else HTTP. */
  public readonly listener: LbListener;
  /** The port-80 listener: the routing listener without a certificate, a redirect to HTTPS with one. */
  public readonly httpListener: LbListener;
  /** Ports the ALB listens on (and its security group opens): [80] or [80, 443]. */
  public readonly listenerPorts: readonly number[];
  /** The network the ALB sits in. */
  public readonly network: RegionalNetwork;
  /**
   * The function's request metrics (EMF, functions/lib/metrics.ts): namespace {@link METRICS_NAMESPACE},
   * `service` = namePrefix, in this region. The dashboard charts them.
   */
  public readonly requestMetrics: MetricsSettings;

  constructor(scope: Construct, id: string, props: RegionalBackendProps) {
    super(scope, id);
    RegionalBackend.validate(props);
    const { provider, region, namePrefix } = props;
    this.region = region;

    this.network = new RegionalNetwork(this, "network", {
      provider,
      namePrefix,
      cidr: props.vpcCidr,
      availabilityZones: props.availabilityZones,
      ipv6: props.dualStack ?? false,
    });

    // --- function ----------------------------------------------------------------------------
    this.requestMetrics = { namespace: METRICS_NAMESPACE, service: namePrefix };
    const fn = functionWithOwnRole(this, {
      provider,
      functionName: `${namePrefix}-get`,
      roleName: `${namePrefix}-get-${region}`,
      permissionsBoundary: props.permissionsBoundary,
      description: `GlobalApp item and health API in ${region}`,
      code: props.code,
      memoryMb: props.function.memoryMb,
      timeoutSeconds: props.function.timeoutSeconds,
      logRetentionDays: props.function.logRetentionDays,
      reservedConcurrency: props.function.reservedConcurrency,
      // STATUS=200; the article's failover switch is setting it to 400. The function answers the
      // health check on the target group's own path.
      environment: {
        ...functionEnvironment({
          tableName: props.table.table.name,
          healthCheckMode: props.function.healthCheckMode ?? "shallow",
          healthPath: props.healthCheck.path,
        }),
        // Request metrics as EMF log lines: no API call, no permission beyond the log group's.
        ...metricsEnvironment(this.requestMetrics),
        // Your own function's variables; the config's rules keep them off the names above.
        ...props.function.environment,
      },
      statements: (ownLogGroup) => [
        // Only this region's copy of the table: each region reads and writes its own replica.
        { sid: FUNCTION_ROLE_SIDS.replica, actions: [...FUNCTION_TABLE_ACTIONS], resources: [props.table.arnIn(region)] },
        ownLogGroup,
        // A customer-managed table key is used with the caller's permissions: only this region's key,
        // only through DynamoDB in this region.
        ...(props.table.kmsKeyArns[region]
          ? [
              {
                sid: FUNCTION_ROLE_SIDS.tableKey,
                actions: [...FUNCTION_TABLE_KEY_ACTIONS],
                resources: [props.table.kmsKeyArns[region]],
                conditions: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
              },
            ]
          : []),
        // Your own function's statements (function.policyStatements), checked by the config's rules.
        ...props.function.policyStatements.map((statement, i) => ({
          sid: functionStatementSid(statement, i),
          effect: statement.effect,
          actions: statement.actions,
          resources: statement.resources,
          conditions: statement.conditions,
        })),
      ],
    });
    this.logGroup = fn.logGroup;
    this.function = fn.function;

    // --- load balancer -----------------------------------------------------------------------
    const listenerPorts = props.certificateArn ? [80, 443] : [80];
    this.listenerPorts = listenerPorts;
    // With client IP preservation the ALB sees the clients' own addresses, so the rule stays 0.0.0.0/0
    // even for an internal ALB: without public addresses only Global Accelerator can reach it anyway.
    const clients = props.internal ? "Global Accelerator (internal ALB)" : "clients and Global Accelerator";
    const securityGroup = new SecurityGroup(this, "alb-sg", {
      provider,
      name: `${namePrefix}-alb`,
      description: `GlobalApp ALB in ${region}: listener ports only`,
      vpcId: this.network.vpc.id,
      ingress: listenerPorts.map((port) => ({
        description: `${port === 443 ? "HTTPS" : "HTTP"} ${port} from ${clients}`,
        protocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrBlocks: ["0.0.0.0/0"],
        ipv6CidrBlocks: props.dualStack ? ["::/0"] : [],
        prefixListIds: [],
        securityGroups: [],
        selfAttribute: false,
      })),
      // Lambda targets are invoked through the Lambda API, not over the VPC: the ALB needs no egress.
      egress: [],
    });

    this.loadBalancer = new Lb(this, "alb", {
      provider,
      name: namePrefix,
      loadBalancerType: "application",
      internal: props.internal ?? false,
      ipAddressType: props.dualStack ? "dualstack" : "ipv4",
      subnets: this.network.publicSubnets.map((s) => s.id),
      securityGroups: [securityGroup.id],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection ?? false,
      ...(props.accessLogs
        ? {
            accessLogs: { bucket: props.accessLogs.bucket.bucket.bucket, prefix: props.accessLogs.prefix, enabled: true },
            // ELB writes a test object when logging is switched on: the bucket policy must exist first.
            dependsOn: [props.accessLogs.bucket.policy],
          }
        : {}),
    });

    this.targetGroup = new LbTargetGroup(this, "target-group", {
      provider,
      name: `${namePrefix}-fn`,
      targetType: "lambda",
      lambdaMultiValueHeadersEnabled: props.function.multiValueHeaders,
      // Lambda target groups have health checks OFF by default; GA needs them to fail over.
      healthCheck: targetGroupHealthCheck(props.healthCheck),
    });

    const permission = new LambdaPermission(this, "alb-invoke", {
      provider,
      statementId: "AllowInvokeFromRegionalAlbTargetGroup",
      action: "lambda:InvokeFunction",
      functionName: this.function.functionName,
      principal: "elasticloadbalancing.amazonaws.com",
      sourceArn: this.targetGroup.arn,
    });
    new LbTargetGroupAttachment(this, "attachment", {
      provider,
      targetGroupArn: this.targetGroup.arn,
      targetId: this.function.arn,
      // Registering a Lambda target fails until the ALB may invoke it.
      dependsOn: [permission],
    });

    const forward = { type: "forward", targetGroupArn: this.targetGroup.arn };
    // The item API's listener answers what it does not route with a fixed 404; your own function gets every path.
    const fallback = props.forwardAllPaths
      ? forward
      : {
          type: "fixed-response",
          fixedResponse: { contentType: "application/json", statusCode: "404", messageBody: jsonDocument({ error: "not found" }) },
        };
    this.httpListener = new LbListener(this, "http", {
      provider,
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [
        props.certificateArn
          ? { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }
          : fallback,
      ],
    });
    this.listener = props.certificateArn
      ? new LbListener(this, "https", {
          provider,
          loadBalancerArn: this.loadBalancer.arn,
          port: 443,
          protocol: "HTTPS",
          sslPolicy: TLS_POLICY,
          certificateArn: props.certificateArn,
          defaultAction: [fallback],
        })
      : this.httpListener;
    if (!props.forwardAllPaths) {
      new LbListenerRule(this, "route-to-function", {
        provider,
        listenerArn: this.listener.arn,
        priority: 10,
        action: [forward],
        condition: [{ pathPattern: { values: RegionalBackend.routedPaths(props.healthCheck) } }],
      });
    }
  }

  /** The path patterns forwarded to the function: the item routes plus the health-check path. */
  public static routedPaths(healthCheck: HealthCheckSettings): string[] {
    return [...ROUTED_PATHS, healthCheck.path];
  }

  private static validate(props: RegionalBackendProps): void {
    // An issued certificate is a reference (known at apply); a configured one is checked for its region.
    if (props.certificateArn !== undefined && !Token.isUnresolved(props.certificateArn) && !props.certificateArn.includes(`:acm:${props.region}:`)) {
      throw new Error(`RegionalBackend: certificateArn "${props.certificateArn}" must be an ACM certificate in ${props.region}`);
    }
    if (props.region !== props.provider.region) {
      throw new Error(`RegionalBackend: provider region "${props.provider.region}" does not match region "${props.region}"`);
    }
    if (!/^[a-z][a-z0-9-]{0,20}$/.test(props.namePrefix) || props.namePrefix.endsWith("-")) {
      throw new Error(
        `RegionalBackend: namePrefix "${props.namePrefix}" must be at most 21 lower-case letters, digits or hyphens (ALB names allow 32)`,
      );
    }
    if (props.function.timeoutSeconds >= props.healthCheck.timeoutSeconds) {
      throw new Error(
        `RegionalBackend: function timeout ${props.function.timeoutSeconds} s must be below the health-check timeout ${props.healthCheck.timeoutSeconds} s`,
      );
    }
    if (props.healthCheck.timeoutSeconds >= props.healthCheck.intervalSeconds) {
      throw new Error(
        `RegionalBackend: health-check timeout ${props.healthCheck.timeoutSeconds} s must be below its interval ${props.healthCheck.intervalSeconds} s`,
      );
    }
  }
}
