import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { FunctionAsset } from "./function-asset";
import { securityGroupsArn } from "./lib/arn";
import { jsonDocument } from "./lib/json-document";
import { functionWithOwnRole } from "./lib/lambda";
import { RegionalNetwork } from "./regional-network";

/** EC2 actions the cleanup function calls (functions/accelerator-cleanup.ts), and no others. */
export const CLEANUP_DESCRIBE_ACTIONS = ["ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"] as const;

/** The cleanup may wait this long for GA to release its interfaces: Lambda's maximum timeout, seconds. */
export const CLEANUP_TIMEOUT_SECONDS = 900;

/** Props of {@link AcceleratorVpcCleanup}. */
export interface AcceleratorVpcCleanupProps {
  /** Provider aliased to the network's region. */
  readonly provider: AwsProvider;
  /** The region, e.g. "eu-central-1" (names the role, which IAM keeps global). */
  readonly region: string;
  /** Physical-name prefix, `${appName}-${environment}`: the function is `${namePrefix}-ga-cleanup`. */
  readonly namePrefix: string;
  /** The VPC (and its subnets) the accelerator's endpoint lives in. */
  readonly network: RegionalNetwork;
  /** The cleanup function's package (functions/accelerator-cleanup.ts), shared by all regions. */
  readonly code: FunctionAsset;
  /** Log retention of the function's log group, days. @default 365 */
  readonly logRetentionDays?: number;
  /** ARN of the permissions boundary the function's role carries (model/iam/github.ts). @default none */
  readonly permissionsBoundary?: string;
}

/**
 * Makes the region's VPC deletable after Global Accelerator used it. With client IP preservation,
 * GA puts network interfaces and a `GlobalAccelerator` security group into the VPC that Terraform does
 * not manage, so `aws_vpc` deletion fails with DependencyViolation (on `cdktf destroy`, on removing a
 * region, on a plain `terraform destroy` of the exported HCL).
 *
 * A small function, invoked by `aws_lambda_invocation` with `lifecycle_scope = "CRUD"`, removes the
 * group on delete once GA has released its interfaces. Ordering, all in the configuration:
 *   endpoint group ──depends_on──▶ invocation ──▶ VPC, subnets, function
 * Terraform destroys in reverse: the endpoint group first (GA starts releasing its interfaces), then
 * the invocation (waits for them, deletes the group), then the subnets and the VPC. It runs inside
 * AWS, so Terraform Cloud's remote runs need no local tools.
 */
export class AcceleratorVpcCleanup extends Construct {
  /** The cleanup function. */
  public readonly function: LambdaFunction;
  /** The invocation the endpoint group must depend on. */
  public readonly invocation: LambdaInvocation;

  constructor(scope: Construct, id: string, props: AcceleratorVpcCleanupProps) {
    super(scope, id);
    const { provider, region, namePrefix, network } = props;
    if (region !== provider.region) {
      throw new Error(`AcceleratorVpcCleanup: provider region "${provider.region}" does not match region "${region}"`);
    }
    this.function = functionWithOwnRole(this, {
      provider,
      functionName: `${namePrefix}-ga-cleanup`,
      roleName: `${namePrefix}-ga-cleanup-${region}`,
      permissionsBoundary: props.permissionsBoundary,
      description: `GlobalApp tear-down: removes Global Accelerator's security group from the VPC in ${region}`,
      code: props.code,
      memoryMb: 128,
      // GA can take minutes to release its interfaces: wait as long as Lambda allows.
      timeoutSeconds: CLEANUP_TIMEOUT_SECONDS,
      logRetentionDays: props.logRetentionDays ?? 365,
      statements: (ownLogGroup) => [
        // Describe* have no resource-level permissions in EC2: "*" is the only valid resource.
        { sid: "FindGroupAndInterfaces", actions: [...CLEANUP_DESCRIBE_ACTIONS], resources: ["*"] },
        // Only security groups of this one VPC.
        {
          sid: "DeleteGroupsInOwnVpc",
          actions: ["ec2:DeleteSecurityGroup"],
          resources: [securityGroupsArn(network.vpc.arn)],
          conditions: { ArnEquals: { "ec2:Vpc": network.vpc.arn } },
        },
        ownLogGroup,
      ],
    }).function;

    this.invocation = new LambdaInvocation(this, "invocation", {
      provider,
      functionName: this.function.functionName,
      input: jsonDocument({ vpcId: network.vpc.id }),
      lifecycleScope: "CRUD",
      // Destroyed before the subnets (GA's interfaces sit in them) and the VPC (a reference above).
      dependsOn: [...network.publicSubnets],
    });
  }
}
