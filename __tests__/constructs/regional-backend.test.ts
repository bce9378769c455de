import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { LbTargetGroupAttachment } from "@cdktf/provider-aws/lib/lb-target-group-attachment";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { FUNCTION_TABLE_ACTIONS } from "../../constructs/regional-backend";
import { decodeJsonencode } from "../../model/iam/hcl";
import { buildBackends } from "../support/regional";
import { configWith } from "../support/synth";

type Body = Record<string, unknown>;
const of = (tf: { resource: Record<string, Record<string, Body>> }, type: string, region = "us-west-2"): Body[] =>
  Object.values(tf.resource[type] ?? {}).filter((b) => b.provider === `aws.${region}`);

describe("RegionalBackend: load balancer", () => {
  const { json, tf } = buildBackends({}, ["us-west-2"]);

  it("is an internet-facing application load balancer that drops invalid header fields", () => {
    expect(json).toHaveResourceWithProperties(Lb, {
      name: "globalapp-dev",
      load_balancer_type: "application",
      internal: false,
      drop_invalid_header_fields: true,
      enable_deletion_protection: false,
    });
  });
  it("sits in two public subnets in two different availability zones", () => {
    const subnets = of(tf, "aws_subnet");
    expect(subnets.map((s) => s.availability_zone)).toEqual(["us-west-2a", "us-west-2b"]);
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
    expect((of(tf, "aws_lb")[0].subnets as string[]).length).toBe(2);
  });
  it("needs no NAT gateway (the function is outside the VPC)", () => {
    expect(json).not.toHaveResource(NatGateway);
    expect(json).toHaveResource(Subnet);
  });
  it("empties the VPC's default security group", () => {
    expect(json).toHaveResourceWithProperties(DefaultSecurityGroup, { ingress: [], egress: [] });
  });
  it("opens the security group only on the listener port, described", () => {
    const sg = of(tf, "aws_security_group")[0] as { ingress: Body[]; egress: Body[] };
    expect(sg.ingress).toHaveLength(1);
    expect(sg.ingress[0]).toEqual(expect.objectContaining({ from_port: 80, to_port: 80, protocol: "tcp", description: expect.stringMatching(/HTTP 80/) }));
    expect(sg.egress).toEqual([]);
    expect(json).toHaveResourceWithProperties(SecurityGroup, { description: expect.stringMatching(/listener ports only/) });
  });
  it("has a Lambda target group with the health check ON and the configured settings", () => {
    expect(json).toHaveResourceWithProperties(LbTargetGroup, {
      target_type: "lambda",
      lambda_multi_value_headers_enabled: false,
      health_check: { enabled: true, path: "/health", interval: 10, timeout: 5, healthy_threshold: 2, unhealthy_threshold: 2, matcher: "200" },
    });
  });
  it("lets only ELB, and only from its own target group, invoke the function", () => {
    const perm = of(tf, "aws_lambda_permission")[0];
    expect(perm).toEqual(expect.objectContaining({ action: "lambda:InvokeFunction", principal: "elasticloadbalancing.amazonaws.com" }));
    expect(perm.source_arn).toMatch(/^\$\{aws_lb_target_group\.[^.]+\.arn\}$/);
    expect(json).toHaveResource(LambdaPermission);
  });
  it("attaches the function to the target group after the permission exists", () => {
    const attach = of(tf, "aws_lb_target_group_attachment")[0];
    expect(attach.target_id).toMatch(/^\$\{aws_lambda_function\.[^.]+\.arn\}$/);
    expect(attach.depends_on).toEqual([expect.stringMatching(/^aws_lambda_permission\./)]);
    expect(json).toHaveResource(LbTargetGroupAttachment);
  });
  it("answers unknown paths with a fixed JSON 404 at the listener", () => {
    expect(json).toHaveResourceWithProperties(LbListener, {
      port: 80,
      protocol: "HTTP",
      default_action: [{ type: "fixed-response", fixed_response: expect.objectContaining({ content_type: "application/json", status_code: "404" }) }],
    });
    const listener = Object.values(JSON.parse(json).resource.aws_lb_listener as Record<string, { default_action: Array<{ fixed_response: { message_body: string } }> }>)[0];
    expect(decodeJsonencode(listener.default_action[0].fixed_response.message_body)).toEqual({ error: "not found" });
  });
  it("forwards /get/*, /items/* and the health path to the function", () => {
    expect(json).toHaveResourceWithProperties(LbListenerRule, {
      priority: 10,
      condition: [{ path_pattern: { values: ["/get/*", "/items/*", "/health"] } }],
    });
  });
  it("routes a custom health path too", () => {
    const hc = { ...configWith().healthCheck, path: "/healthz" };
    expect(buildBackends({ healthCheck: hc }, ["us-west-2"]).json).toHaveResourceWithProperties(LbListenerRule, {
      condition: [{ path_pattern: { values: ["/get/*", "/items/*", "/healthz"] } }],
    });
  });
  it("turns deletion protection on when asked", () => {
    expect(buildBackends({ deletionProtection: true }, ["us-west-2"]).json).toHaveResourceWithProperties(Lb, { enable_deletion_protection: true });
  });
  it("enables multi-value headers on the target group when configured", () => {
    const fn = { ...configWith().function, multiValueHeaders: true };
    expect(buildBackends({ function: fn }, ["us-west-2"]).json).toHaveResourceWithProperties(LbTargetGroup, {
      lambda_multi_value_headers_enabled: true,
    });
  });
});

describe("RegionalBackend: dual stack", () => {
  it("is an IPv4 ALB in an IPv4-only network by default", () => {
    const { tf } = buildBackends({}, ["us-west-2"]);
    expect(of(tf, "aws_lb")[0].ip_address_type).toBe("ipv4");
    expect(of(tf, "aws_vpc")[0].assign_generated_ipv6_cidr_block).toBe(false);
    expect(of(tf, "aws_subnet").every((sn) => !("ipv6_cidr_block" in sn))).toBe(true);
  });
  it("with dualStack: a dual-stack ALB, IPv6 on the VPC and both subnets, an IPv6 default route and ::/0 ingress", () => {
    const { tf } = buildBackends({ dualStack: true }, ["us-west-2"]);
    expect(of(tf, "aws_lb")[0].ip_address_type).toBe("dualstack");
    expect(of(tf, "aws_vpc")[0].assign_generated_ipv6_cidr_block).toBe(true);
    expect(of(tf, "aws_subnet").map((sn) => sn.ipv6_cidr_block)).toEqual([
      expect.stringMatching(/^\$\{cidrsubnet\(aws_vpc\.[^.]+\.ipv6_cidr_block, 8, 0\)\}$/),
      expect.stringMatching(/^\$\{cidrsubnet\(aws_vpc\.[^.]+\.ipv6_cidr_block, 8, 1\)\}$/),
    ]);
    expect(of(tf, "aws_route_table")[0].route).toEqual(
      expect.arrayContaining([expect.objectContaining({ cidr_block: "0.0.0.0/0" }), expect.objectContaining({ ipv6_cidr_block: "::/0" })]),
    );
    const sg = of(tf, "aws_security_group")[0] as { ingress: Body[] };
    expect(sg.ingress.every((rule) => JSON.stringify(rule.ipv6_cidr_blocks) === '["::/0"]')).toBe(true);
  });
});

describe("RegionalBackend: function", () => {
  const { json, tf } = buildBackends();

  it("is nodejs22.x on arm64 with the bundle, its hash, and a timeout below the health-check timeout", () => {
    expect(json).toHaveResourceWithProperties(LambdaFunction, {
      function_name: "globalapp-dev-get",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      memory_size: 256,
      timeout: 3,
      source_code_hash: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
      filename: expect.stringMatching(/^assets\/.+\/function\.zip$/),
    });
  });
  it("gets TABLE_NAME, STATUS=200 and the health-check mode", () => {
    const fn = of(tf, "aws_lambda_function")[0] as { environment: { variables: Record<string, string> } };
    expect(fn.environment.variables.STATUS).toBe("200");
    expect(fn.environment.variables.HEALTH_CHECK_MODE).toBe("shallow");
    expect(fn.environment.variables.TABLE_NAME).toMatch(/^\$\{aws_dynamodb_table\.[^.]+\.name\}$/);
  });
  it("traces with X-Ray and logs JSON to its own log group", () => {
    expect(json).toHaveResourceWithProperties(LambdaFunction, {
      tracing_config: { mode: "Active" },
      logging_config: { log_format: "JSON", log_group: expect.stringMatching(/aws_cloudwatch_log_group/) },
    });
  });
  it("is created after its log group and its role's policy", () => {
    const fn = of(tf, "aws_lambda_function")[0] as { depends_on: string[] };
    expect(fn.depends_on).toEqual([expect.stringMatching(/^aws_cloudwatch_log_group\./), expect.stringMatching(/^aws_iam_role_policy\./)]);
  });
  it("has a log group with retention", () => {
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/lambda/globalapp-dev-get", retention_in_days: 365 });
  });
  it("has no reserved concurrency unless configured", () => {
    expect(of(tf, "aws_lambda_function")[0]).not.toHaveProperty("reserved_concurrent_executions");
    const fn = { ...configWith().function, reservedConcurrency: 50 };
    expect(buildBackends({ function: fn }, ["us-west-2"]).json).toHaveResourceWithProperties(LambdaFunction, { reserved_concurrent_executions: 50 });
  });
  it("has a role per region that only Lambda can assume", () => {
    const roles = [...of(tf, "aws_iam_role"), ...of(tf, "aws_iam_role", "eu-central-1")];
    expect(roles.map((r) => r.name)).toEqual(["globalapp-dev-get-us-west-2", "globalapp-dev-get-eu-central-1"]);
    expect(roles[0].assume_role_policy).toContain('"Service" = ["lambda.amazonaws.com"]');
    expect(roles[0].assume_role_policy).toContain('"sts:AssumeRole"');
  });
  it("grants exactly the item actions the function uses, on its own region's replica only", () => {
    const home = of(tf, "aws_iam_role_policy")[0].policy as string;
    const replica = of(tf, "aws_iam_role_policy", "eu-central-1")[0].policy as string;
    for (const action of FUNCTION_TABLE_ACTIONS) expect(home).toContain(`"${action}"`);
    expect(home).toMatch(/"Resource" = \[aws_dynamodb_table\.[^.]+\.arn\]/);
    expect(replica).toMatch(/"Resource" = \[replace\(aws_dynamodb_table\.[^.]+\.arn, ":us-west-2:", ":eu-central-1:"\)\]/);
  });
  it("grants no wildcard actions and no wildcard resources outside X-Ray", () => {
    const policy = of(tf, "aws_iam_role_policy")[0].policy as string;
    expect(policy).not.toMatch(/dynamodb:\*|"\*:\*"|logs:\*/);
    const statements = policy.split('{"Sid" = ').slice(1);
    const wildcard = statements.filter((s) => s.includes('"Resource" = ["*"]'));
    expect(wildcard).toHaveLength(1);
    expect(wildcard[0]).toMatch(/^"XRayTraces"/);
  });
  it("lets the function write only to its own log group's streams", () => {
    const policy = of(tf, "aws_iam_role_policy")[0].policy as string;
    expect(policy).toMatch(/"logs:CreateLogStream", "logs:PutLogEvents"\], "Resource" = \["\$\{aws_cloudwatch_log_group\.[^.]+\.arn\}:\*"\]/);
  });
});

describe("RegionalBackend: your own function", () => {
  const own = {
    ...configWith().function,
    entry: "examples/notes/handler.ts",
    environment: { NOTES_MAX_TEXT_BYTES: "2000" },
    policyStatements: [
      { actions: ["ssm:GetParameter"], resources: ["arn:aws:ssm:*:*:parameter/notes/*"] },
      { sid: "Alerts", effect: "Allow" as const, actions: ["sns:Publish"], resources: ["arn:aws:sns:*:123456789012:notes"], conditions: { Bool: { "aws:SecureTransport": "true" } } },
    ],
  };
  const { json, tf } = buildBackends({ function: own, forwardAllPaths: true }, ["us-west-2"]);

  it("forwards every path to the function at the listener: no path rule, no fixed 404", () => {
    expect(json).not.toHaveResource(LbListenerRule);
    const listener = of(tf, "aws_lb_listener")[0];
    expect(listener.default_action).toEqual([{ type: "forward", target_group_arn: expect.stringMatching(/^\$\{aws_lb_target_group\.[^.]+\.arn\}$/) }]);
    expect(JSON.stringify(tf)).not.toContain("fixed-response");
  });
  it("with HTTPS: 443 forwards every path, 80 still only redirects", () => {
    const https = buildBackends({ function: own, forwardAllPaths: true, certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666" }, ["us-west-2"]).tf;
    const [http, tls] = of(https, "aws_lb_listener");
    expect(http.default_action).toEqual([expect.objectContaining({ type: "redirect" })]);
    expect(tls.default_action).toEqual([expect.objectContaining({ type: "forward" })]);
    expect(https.resource.aws_lb_listener_rule).toBeUndefined();
  });
  it("keeps the health check on its path: the wrapper answers it", () => {
    expect(json).toHaveResourceWithProperties(LbTargetGroup, { health_check: expect.objectContaining({ enabled: true, path: "/health" }) });
  });
  it("gets your variables beside GlobalApp's own", () => {
    const variables = (of(tf, "aws_lambda_function")[0].environment as { variables: Record<string, string> }).variables;
    expect(variables).toEqual(expect.objectContaining({ NOTES_MAX_TEXT_BYTES: "2000", STATUS: "200", HEALTH_CHECK_PATH: "/health", TABLE_NAME: expect.any(String) }));
  });
  it("adds your statements to the role after GlobalApp's, each with its Sid, keeping the replica's least privilege", () => {
    const policy = of(tf, "aws_iam_role_policy")[0].policy as string;
    const sids = [...policy.matchAll(/"Sid" = "([A-Za-z0-9]+)"/g)].map((m) => m[1]);
    expect(sids).toEqual(["ItemsInRegionalReplica", "OwnLogGroupOnly", "FunctionStatement1", "Alerts", "XRayTraces"]);
    expect(policy).toContain('"Action" = ["ssm:GetParameter"], "Resource" = ["arn:aws:ssm:*:*:parameter/notes/*"]');
    expect(policy).toContain('"Condition" = {"Bool" = {"aws:SecureTransport" = "true"}}');
    for (const action of FUNCTION_TABLE_ACTIONS) expect(policy).toContain(`"${action}"`);
  });
});

describe("RegionalBackend: validation", () => {
  const hc = configWith().healthCheck;
  const fn = configWith().function;
  it("rejects a provider from another region", () => {
    expect(() => buildBackends({ region: "eu-west-1" }, ["us-west-2"])).toThrow(/provider region "us-west-2" does not match region "eu-west-1"/);
  });
  it("rejects a name prefix too long for ALB names", () => {
    expect(() => buildBackends({ namePrefix: "a-name-prefix-that-is-far-too-long" }, ["us-west-2"])).toThrow(/namePrefix "a-name-prefix-that-is-far-too-long"/);
  });
  it("rejects a function timeout that is not below the health-check timeout", () => {
    expect(() => buildBackends({ function: { ...fn, timeoutSeconds: 5 } }, ["us-west-2"])).toThrow(/function timeout 5 s must be below the health-check timeout 5 s/);
  });
  it("rejects a health-check timeout that is not below the interval", () => {
    expect(() => buildBackends({ healthCheck: { ...hc, timeoutSeconds: 10, intervalSeconds: 10 } }, ["us-west-2"])).toThrow(/timeout 10 s must be below its interval 10 s/);
  });
  it("rejects two equal availability zones", () => {
    expect(() => buildBackends({ availabilityZones: ["us-west-2a", "us-west-2a"] }, ["us-west-2"])).toThrow(/availabilityZones must differ/);
  });
  it("rejects a VPC CIDR that is not a 10.N.0.0/16", () => {
    expect(() => buildBackends({ vpcCidr: "10.0.0.0/8" }, ["us-west-2"])).toThrow(/cidr "10.0.0.0\/8" must be a \/16/);
  });
});
