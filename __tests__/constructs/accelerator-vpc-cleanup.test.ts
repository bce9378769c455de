import { CLEANUP_TIMEOUT_SECONDS } from "../../constructs/accelerator-vpc-cleanup";
import { ResourceGraph } from "../support/graph";
import { resourcesOf, synthGlobalApp, type SynthResult } from "../support/synth";

/** The one resource of `type` in `region` whose body matches. */
function find(r: SynthResult, type: string, region: string, match: (body: Record<string, unknown>) => boolean = () => true): [string, Record<string, unknown>] {
  // Endpoint groups all use the us-west-2 provider (GA's API); they name their region themselves.
  const inRegion = (b: Record<string, unknown>) => (type === "aws_globalaccelerator_endpoint_group" ? b.endpoint_group_region === region : b.provider === `aws.${region}`);
  const found = resourcesOf(r.tf, type).filter(([, b]) => inRegion(b) && match(b));
  if (found.length !== 1) throw new Error(`expected one ${type} in ${region}, found ${found.length}`);
  return [`${type}.${found[0][0]}`, found[0][1]];
}

describe.each([
  ["default", {}],
  ["3 regions, prod, dual-stack, internal ALBs", {
    environment: "prod",
    regions: ["us-west-2", "eu-central-1", "ap-northeast-1"],
    accelerator: { ipAddressType: "DUAL_STACK" },
    alb: { internal: true },
  }],
])("AcceleratorVpcCleanup in the %s stack: tear-down ordering", (_name, override) => {
  const r = synthGlobalApp(override);
  const graph = new ResourceGraph(r.tf);

  it.each(r.config.regions)("%s: endpoint group → cleanup invocation → subnets and VPC, so destroy runs them in that order", (region) => {
    const [group] = find(r, "aws_globalaccelerator_endpoint_group", region);
    const [invocation] = find(r, "aws_lambda_invocation", region);
    const [vpc] = find(r, "aws_vpc", region);
    const subnets = resourcesOf(r.tf, "aws_subnet").filter(([, b]) => b.provider === `aws.${region}`).map(([id]) => `aws_subnet.${id}`);
    expect(subnets).toHaveLength(2);
    // destroyed first: the endpoint group (GA starts releasing its interfaces) …
    expect(graph.dependsOn(group, invocation)).toBe(true);
    // … then the invocation (waits for them, deletes the group) before the subnets and the VPC
    expect(graph.dependsOn(invocation, vpc)).toBe(true);
    for (const subnet of subnets) expect(graph.dependsOn(invocation, subnet)).toBe(true);
    // and nothing makes the VPC wait on the endpoint group or the invocation (no cycle, no reversal)
    expect(graph.dependsOn(vpc, invocation)).toBe(false);
    expect(graph.dependsOn(invocation, group)).toBe(false);
  });

  it.each(r.config.regions)("%s: the invocation calls its own region's cleanup function with that region's VPC, on create, update and delete", (region) => {
    const [, invocation] = find(r, "aws_lambda_invocation", region);
    const [fnAddress, fn] = find(r, "aws_lambda_function", region, (b) => String(b.function_name).endsWith("-ga-cleanup"));
    const [vpc] = find(r, "aws_vpc", region);
    expect(invocation.lifecycle_scope).toBe("CRUD");
    expect(invocation.function_name).toBe(`\${${fnAddress}.function_name}`);
    expect(invocation.input).toBe(`\${jsonencode({"vpcId" = ${vpc}.id})}`);
    // GA can take minutes to release its interfaces: the function may wait as long as Lambda allows
    expect(fn.timeout).toBe(CLEANUP_TIMEOUT_SECONDS);
    expect(fn.filename).toMatch(/assets\/cleanup-code/);
  });

  it.each(r.config.regions)("%s: the cleanup role may describe, and delete only security groups in its own VPC", (region) => {
    const [, policy] = find(r, "aws_iam_role_policy", region, (b) => String(b.role).includes("ga-cleanup-"));
    const [vpc] = find(r, "aws_vpc", region);
    const text = String(policy.policy);
    expect(text).toContain(`"Action" = ["ec2:DeleteSecurityGroup"]`);
    expect(text).toContain(`"Condition" = {"ArnEquals" = {"ec2:Vpc" = ${vpc}.arn}}`);
    expect(text).toContain(`replace(${vpc}.arn, "/:vpc/.*$/", ":security-group/*")`);
    expect(text).not.toMatch(/ec2:\*|"\*" = /);
    expect(text).not.toMatch(/ec2:(Create|Authorize|Revoke|Modify|Delete(?!SecurityGroup))/);
  });
});

describe("AcceleratorVpcCleanup: the function package", () => {
  it("is the cleanup handler, not the item API, and one package serves every region", () => {
    const r = synthGlobalApp({ regions: ["us-west-2", "eu-central-1", "ap-northeast-1"] });
    const cleanup = resourcesOf(r.tf, "aws_lambda_function").filter(([, b]) => String(b.function_name).endsWith("-ga-cleanup"));
    const get = resourcesOf(r.tf, "aws_lambda_function").filter(([, b]) => String(b.function_name).endsWith("-get"));
    expect(cleanup).toHaveLength(3);
    expect(new Set(cleanup.map(([, b]) => b.source_code_hash)).size).toBe(1);
    expect(cleanup[0][1].source_code_hash).not.toBe(get[0][1].source_code_hash);
  });
});
