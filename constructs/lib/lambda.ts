import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import type { FunctionAsset } from "../function-asset";
import { logStreamsArn } from "./arn";
import { assumeRolePolicy, type PolicyStatement, policyDocument } from "./iam";
import { FUNCTION_ROLE_SIDS } from "../../model/config";

/** The Lambda runtime and architecture every bundle targets (constructs/lib/bundle.ts: node22). */
export const FUNCTION_RUNTIME = "nodejs22.x";
export const FUNCTION_ARCHITECTURE = "arm64";

/** What {@link functionWithOwnRole} builds a function from. */
export interface FunctionSpec {
  /** Provider of the function's region. */
  readonly provider: AwsProvider;
  /** The function's name; its log group is `/aws/lambda/<functionName>`. */
  readonly functionName: string;
  /** The role's name (IAM is global: include the region). */
  readonly roleName: string;
  /** ARN of the permissions boundary the role carries (model/iam/github.ts). @default none */
  readonly permissionsBoundary?: string;
  readonly description: string;
  /** The deployment package. */
  readonly code: FunctionAsset;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Log group retention, days. */
  readonly logRetentionDays: number;
  /** Reserved concurrent executions. @default none */
  readonly reservedConcurrency?: number;
  /** Environment variables. @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * The role's statements, given the one that lets the function write its own log group's streams
   * (placed where the caller wants it). X-Ray's two Put actions are always appended.
   */
  readonly statements: (ownLogGroup: PolicyStatement) => PolicyStatement[];
}

/** The resources of one function. */
export interface FunctionParts {
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  readonly function: LambdaFunction;
}

/**
 * A Lambda function the way every function of this stack is built: its own log group (JSON logs,
 * retention), its own role with a least-privilege inline policy, active X-Ray tracing, the shared
 * runtime and architecture. Created in `scope` with the ids "logs", "role", "policy" and "function"
 * (stable: they name the real resources).
 */
export function functionWithOwnRole(scope: Construct, spec: FunctionSpec): FunctionParts {
  const { provider } = spec;
  const logGroup = new CloudwatchLogGroup(scope, "logs", {
    provider,
    name: `/aws/lambda/${spec.functionName}`,
    retentionInDays: spec.logRetentionDays,
  });
  const role = new IamRole(scope, "role", {
    provider,
    name: spec.roleName,
    assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com"),
    ...(spec.permissionsBoundary ? { permissionsBoundary: spec.permissionsBoundary } : {}),
  });
  const ownLogGroup: PolicyStatement = { sid: FUNCTION_ROLE_SIDS.logGroup, actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [logStreamsArn(logGroup.arn)] };
  const policy = new IamRolePolicy(scope, "policy", {
    provider,
    role: role.id,
    name: "least-privilege",
    policy: policyDocument([
      ...spec.statements(ownLogGroup),
      // X-Ray has no resource-level permissions for these two actions; "*" is the only valid resource.
      { sid: FUNCTION_ROLE_SIDS.xray, actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] },
    ]),
  });
  const fn = new LambdaFunction(scope, "function", {
    provider,
    functionName: spec.functionName,
    description: spec.description,
    role: role.arn,
    runtime: FUNCTION_RUNTIME,
    architectures: [FUNCTION_ARCHITECTURE],
    handler: spec.code.handler,
    filename: spec.code.path,
    sourceCodeHash: spec.code.sourceCodeHash,
    memorySize: spec.memoryMb,
    timeout: spec.timeoutSeconds,
    ...(spec.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: spec.reservedConcurrency } : {}),
    ...(spec.environment ? { environment: { variables: { ...spec.environment } } } : {}),
    tracingConfig: { mode: "Active" },
    loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
    // The role's policy first: active tracing and the first log lines need it from the start.
    dependsOn: [logGroup, policy],
  });
  return { logGroup, role, policy, function: fn };
}
