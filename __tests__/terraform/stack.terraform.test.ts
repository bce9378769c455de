import { join } from "node:path";
import { acceleratorRecordName, latencyRecordName, loadConfigFromProject, ownFunctionEntry, usesAccelerator } from "../../model/config";
import { PROJECT_ROOT } from "../../lib/project";
import { GLOBAL_ACCELERATOR_REGION } from "../../model/regions";
import { fullSynthDir, resourcesOf, synthGlobalApp, SynthResult } from "../support/synth";
import { checkStacks, describeWithTerraform, type StackCase, type StackCheck } from "../support/terraform";

/**
 * Real Terraform on the synthesized JSON: `terraform validate`, and `terraform test`, which applies
 * the whole stack against mock providers (one per alias) and asserts on the cross-region wiring.
 * All six stacks go through one validate and one test command (support/terraform.ts checkStacks).
 */
const ACCOUNT = "123456789012";

/** ARN-shaped mock values for every resource whose ARN the provider validates or the asserts read. */
function mockProvider(region: string): string {
  const mocks: Record<string, Record<string, unknown>> = {
    aws_lb: { arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:loadbalancer/app/globalapp-dev/${region}` },
    aws_lb_target_group: { arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:targetgroup/globalapp-dev-fn/${region}` },
    aws_lb_listener: { arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:listener/app/globalapp-dev/${region}/80` },
    aws_lambda_function: { arn: `arn:aws:lambda:${region}:${ACCOUNT}:function:globalapp-dev-get` },
    aws_iam_role: { arn: `arn:aws:iam::${ACCOUNT}:role/globalapp-dev-get-${region}` },
    aws_cloudwatch_log_group: { arn: `arn:aws:logs:${region}:${ACCOUNT}:log-group:/aws/lambda/globalapp-dev-get` },
    aws_dynamodb_table: { arn: `arn:aws:dynamodb:${region}:${ACCOUNT}:table/GlobalApp` },
    aws_globalaccelerator_accelerator: {
      id: `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/ga-${region}`,
      // An IPV4 accelerator's one IP set with its two static anycast addresses (documentation range).
      ip_sets: [{ ip_family: "IPv4", ip_addresses: ["192.0.2.10", "192.0.2.20"] }],
    },
    // An Amazon-provided /56, so cidrsubnet() can carve the dual-stack subnets' /64s.
    aws_vpc: { ipv6_cidr_block: "2600:1f14:abc:de00::/56", arn: `arn:aws:ec2:${region}:${ACCOUNT}:vpc/vpc-0a1b2c3d4e5f60718`, id: "vpc-0a1b2c3d4e5f60718" },
    aws_globalaccelerator_listener: { id: `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/ga-${region}/listener/l1` },
    aws_s3_bucket: { arn: `arn:aws:s3:::globalapp-logs-${region}`, bucket: `globalapp-logs-${region}`, id: `globalapp-logs-${region}` },
    aws_kms_key: { arn: `arn:aws:kms:${region}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555` },
    aws_sns_topic: { arn: `arn:aws:sns:${region}:${ACCOUNT}:globalapp-alarms` },
  };
  // Known at plan (override_during, Terraform ≥ 1.11): the real provider fills a certificate's
  // validation options' domain names at plan time, and for_each over them needs that.
  const duringPlan = new Set(["aws_acm_certificate"]);
  // With values fixed at plan, every computed attribute needs one, or plan and apply disagree.
  mocks.aws_acm_certificate = {
    arn: `arn:aws:acm:${region}:${ACCOUNT}:certificate/0a1b2c3d-1111-2222-3333-444455556666`,
    id: `arn:aws:acm:${region}:${ACCOUNT}:certificate/0a1b2c3d-1111-2222-3333-444455556666`,
    type: "AMAZON_ISSUED",
    status: "ISSUED",
    key_algorithm: "RSA_2048",
    renewal_eligibility: "ELIGIBLE",
    not_before: "2026-12-01T00:00:00Z",
    not_after: "2027-12-31T23:59:59Z",
    domain_validation_options: ["api.example.com", "latency.api.example.com"].map((name) => ({
      domain_name: name,
      resource_record_name: `_0123456789abcdef.${name}.`,
      resource_record_type: "CNAME",
      resource_record_value: `_fedcba9876543210.acm-validations.aws.`,
    })),
  };
  const blocks = Object.entries(mocks).map(
    ([type, values]) =>
      `  mock_resource "${type}" {\n${duringPlan.has(type) ? "    override_during = plan\n" : ""}    defaults = {\n${Object.entries(values)
        .map(([k, v]) => `      ${k} = ${JSON.stringify(v)}`)
        .join("\n")}\n    }\n  }`,
  );
  // The deploying account, for key policies and the permissions boundary's ARN.
  blocks.push(`  mock_data "aws_caller_identity" {\n    defaults = {\n      account_id = "${ACCOUNT}"\n    }\n  }`);
  return `mock_provider "aws" {\n  alias = "${region}"\n${blocks.join("\n")}\n}\n`;
}

/** The issue's hardened prod config: certificates in both regions (+ an alarm email for the topics), delivered by GitHub Actions. */
const PROD_HTTPS = {
  environment: "prod",
  ci: { github: { repository: "acme/globalapp" } },
  https: {
    certificateArns: {
      "us-west-2": `arn:aws:acm:us-west-2:${ACCOUNT}:certificate/0a1b2c3d-1111-2222-3333-444455556666`,
      "eu-central-1": `arn:aws:acm:eu-central-1:${ACCOUNT}:certificate/0a1b2c3d-7777-8888-9999-000011112222`,
    },
  },
  alarms: { email: "oncall@example.com" },
};

/** A custom domain in a (mock) public hosted zone. */
const DOMAIN = { name: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };

function only(r: SynthResult, type: string, match: (body: Record<string, unknown>) => boolean): string {
  const found = resourcesOf(r.tf, type).filter(([, body]) => match(body));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return `${type}.${found[0][0]}`;
}

/** A .tftest.hcl that applies the stack with mocks and checks each region's wiring. */
function testFile(r: SynthResult): string {
  const { config } = r;
  const providerRegions = [...new Set([...config.regions, GLOBAL_ACCELERATOR_REGION])];
  const asserts: string[] = [];
  const assert = (condition: string, message: string) =>
    asserts.push(`  assert {\n    condition     = ${condition}\n    error_message = ${JSON.stringify(message)}\n  }`);

  const table = only(r, "aws_dynamodb_table", () => true);
  assert(`${table}.name == "${config.tableName}"`, "table name");
  assert(`length(${table}.replica) == ${config.regions.length - 1}`, "one replica per non-home region");
  assert(`${table}.stream_view_type == "NEW_AND_OLD_IMAGES"`, "global tables need NEW_AND_OLD_IMAGES streams");
  const accelerated = usesAccelerator(config);
  if (accelerated) assert(`output.accelerator_ips == ["192.0.2.10", "192.0.2.20"]`, "accelerator_ips output: the two static addresses, flattened");
  const acceleratorName = acceleratorRecordName(config);
  if (acceleratorName) {
    const accelerator = only(r, "aws_globalaccelerator_accelerator", () => true);
    const record = only(r, "aws_route53_record", (b) => b.name === acceleratorName && b.set_identifier === undefined);
    assert(
      `${record}.alias[0].name == ${accelerator}.dns_name && ${record}.alias[0].zone_id == ${accelerator}.hosted_zone_id && ${record}.zone_id == "${DOMAIN.hostedZoneId}"`,
      `${acceleratorName} is an alias to the accelerator in the domain's zone`,
    );
    assert(`output.accelerator_record_name == "${acceleratorName}"`, "accelerator_record_name output");
  }
  const latencyName = latencyRecordName(config);
  if (latencyName) assert(`output.latency_record_name == "${latencyName}"`, "latency_record_name output");
  assert(`output.table_arn == ${table}.arn`, "table_arn output");
  const dashboard = only(r, "aws_cloudwatch_dashboard", () => true);
  assert(`length(jsondecode(${dashboard}.dashboard_body).widgets) > 0`, "the failover dashboard renders its widgets");

  for (const region of config.regions) {
    const provider = `aws.${region}`;
    const lb = only(r, "aws_lb", (b) => b.provider === provider);
    const tg = only(r, "aws_lb_target_group", (b) => b.provider === provider);
    const prefix = `${config.appName}-${config.environment}`;
    const fn = only(r, "aws_lambda_function", (b) => b.provider === provider && b.function_name === `${prefix}-get`);
    const policy = only(r, "aws_iam_role_policy", (b) => b.provider === provider && String(b.role).includes("backend-"));
    const vpc = only(r, "aws_vpc", (b) => b.provider === provider);
    const perm = only(r, "aws_lambda_permission", (b) => b.provider === provider);
    const attach = only(r, "aws_lb_target_group_attachment", (b) => b.provider === provider);
    const replicaArn = `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${config.tableName}`;
    if (config.accelerator.ipAddressType === "DUAL_STACK") {
      const subnets = resourcesOf(r.tf, "aws_subnet")
        .filter(([, b]) => b.provider === provider)
        .map(([id]) => `aws_subnet.${id}`);
      assert(`${lb}.ip_address_type == "dualstack"`, `${region}: a DUAL_STACK accelerator needs a dual-stack ALB`);
      assert(
        `sort([${subnets.map((sn) => `${sn}.ipv6_cidr_block`).join(", ")}]) == tolist(["2600:1f14:abc:de00::/64", "2600:1f14:abc:de01::/64"])`,
        `${region}: each subnet gets its own /64 of the VPC's /56`,
      );
    }
    assert(
      `contains(flatten([for s in jsondecode(${policy}.policy).Statement : s.Resource if s.Sid == "ItemsInRegionalReplica"]), "${replicaArn}")`,
      `${region}: the function's policy names its own replica ${replicaArn}`,
    );
    assert(
      `length(flatten([for s in jsondecode(${policy}.policy).Statement : s.Resource if s.Sid == "ItemsInRegionalReplica"])) == 1`,
      `${region}: the policy names no other table`,
    );
    if (accelerated) {
      const cleanupFn = only(r, "aws_lambda_function", (b) => b.provider === provider && b.function_name === `${prefix}-ga-cleanup`);
      const cleanupPolicy = only(r, "aws_iam_role_policy", (b) => b.provider === provider && String(b.role).includes("ga-cleanup-"));
      const invocation = only(r, "aws_lambda_invocation", (b) => b.provider === provider);
      const group = only(r, "aws_globalaccelerator_endpoint_group", (b) => b.endpoint_group_region === region);
      assert(`${group}.endpoint_group_region == "${region}"`, `${region}: endpoint group region`);
      assert(
        `one(${group}.endpoint_configuration).endpoint_id == ${lb}.arn && strcontains(${lb}.arn, ":${region}:")`,
        `${region}: endpoint group points at its own region's ALB`,
      );
      assert(`one(${group}.endpoint_configuration).client_ip_preservation_enabled`, `${region}: client IP preservation`);
      assert(`output.endpoint_group_arns["${region}"] == ${group}.arn`, `${region}: endpoint_group_arns output`);
      assert(
        `${invocation}.function_name == ${cleanupFn}.function_name && jsondecode(${invocation}.input).vpcId == ${vpc}.id && ${invocation}.lifecycle_scope == "CRUD"`,
        `${region}: the tear-down invocation runs its own region's cleanup function on its own VPC, on delete too`,
      );
      assert(
        `one([for s in jsondecode(${cleanupPolicy}.policy).Statement : s if s.Sid == "DeleteGroupsInOwnVpc"]).Condition.ArnEquals["ec2:Vpc"] == ${vpc}.arn`,
        `${region}: the cleanup may delete security groups of its own VPC only`,
      );
      assert(
        `one([for s in jsondecode(${cleanupPolicy}.policy).Statement : s if s.Sid == "DeleteGroupsInOwnVpc"]).Resource == ["arn:aws:ec2:${region}:${ACCOUNT}:security-group/*"]`,
        `${region}: security-group ARN pattern derived from the VPC's ARN`,
      );
    }
    if (latencyName) {
      const record = only(r, "aws_route53_record", (b) => b.set_identifier === region && b.type === "A");
      assert(
        `${record}.name == "${latencyName}" && ${record}.latency_routing_policy[0].region == "${region}" && ${record}.alias[0].name == ${lb}.dns_name && ${record}.alias[0].zone_id == ${lb}.zone_id`,
        `${region}: a latency record for its own region points at its own ALB`,
      );
      if (config.route53.healthChecks === "route53") {
        const check = only(r, "aws_route53_health_check", (b) => String(b.fqdn).includes(lb.split(".")[1]));
        assert(
          `${record}.health_check_id == ${check}.id && ${check}.fqdn == ${lb}.dns_name && ${check}.resource_path == "${config.healthCheck.path}" && ${check}.request_interval == ${config.route53.requestIntervalSeconds}`,
          `${region}: its record follows a Route 53 health check of its own ALB's health path`,
        );
      } else {
        assert(`${record}.alias[0].evaluate_target_health`, `${region}: the record evaluates the ALB's target health`);
      }
    }
    assert(`${perm}.source_arn == ${tg}.arn && ${perm}.principal == "elasticloadbalancing.amazonaws.com"`, `${region}: invoke permission scoped to its target group`);
    assert(`${attach}.target_id == ${fn}.arn && ${attach}.target_group_arn == ${tg}.arn`, `${region}: attachment wires function to target group`);
    assert(`${tg}.health_check[0].enabled && ${tg}.health_check[0].path == "${config.healthCheck.path}"`, `${region}: health check on`);
    assert(`${fn}.environment[0].variables["TABLE_NAME"] == "${config.tableName}"`, `${region}: TABLE_NAME`);
    if (ownFunctionEntry(config)) {
      // Your own function gets every path; the ALB itself answers none.
      const listeners = resourcesOf(r.tf, "aws_lb_listener").filter(([, b]) => b.provider === provider).map(([id]) => `aws_lb_listener.${id}`);
      assert(
        `alltrue([for l in [${listeners.join(", ")}] : l.default_action[0].type == "forward" && l.default_action[0].target_group_arn == ${tg}.arn])`,
        `${region}: every listener forwards every path to the function's target group`,
      );
      for (const [name, value] of Object.entries(config.function.environment)) {
        assert(`${fn}.environment[0].variables["${name}"] == "${value}"`, `${region}: your variable ${name}`);
      }
    }
    if (config.ci.github) {
      // Both roles of the region (the item API's and the tear-down helper's) carry the CI boundary.
      const roles = resourcesOf(r.tf, "aws_iam_role").filter(([, b]) => b.provider === provider).map(([id]) => `aws_iam_role.${id}`);
      const boundary = `arn:aws:iam::${ACCOUNT}:policy/${config.appName}-ci/${config.appName}-${config.environment}-function-boundary`;
      assert(`length([${roles.join(", ")}]) == 2 && alltrue([for role in [${roles.join(", ")}] : role.permissions_boundary == "${boundary}"])`, `${region}: every role carries the CI permissions boundary`);
    }
    assert(`output.function_names["${region}"] == ${fn}.function_name`, `${region}: function_names output`);
    assert(`output.alb_dns_names["${region}"] == ${lb}.dns_name`, `${region}: alb_dns_names output`);
    // Alarms are on in every case here (the default since issue 15): each watches its own region's pieces.
    const alarm = (metric: string) => only(r, "aws_cloudwatch_metric_alarm", (b) => b.provider === provider && b.metric_name === metric);
    const unhealthy = alarm("UnHealthyHostCount");
    assert(
      `${unhealthy}.dimensions["TargetGroup"] == ${tg}.arn_suffix && ${unhealthy}.dimensions["LoadBalancer"] == ${lb}.arn_suffix`,
      `${region}: the UnHealthyHostCount alarm watches its own target group`,
    );
    assert(`${alarm("Errors")}.dimensions["FunctionName"] == ${fn}.function_name`, `${region}: the Errors alarm watches its own function`);
    if (config.alarms.email) {
      const topic = only(r, "aws_sns_topic", (b) => b.provider === provider);
      assert(`${unhealthy}.alarm_actions == toset([${topic}.arn])`, `${region}: alarms notify the region's own topic`);
    }
    if (config.https.issueCertificates) {
      const https = only(r, "aws_lb_listener", (b) => b.provider === provider && b.port === 443);
      const validation = only(r, "aws_acm_certificate_validation", (b) => b.provider === provider);
      const certificate = only(r, "aws_acm_certificate", (b) => b.provider === provider);
      assert(
        `${https}.certificate_arn == ${validation}.certificate_arn && ${validation}.certificate_arn == ${certificate}.arn`,
        `${region}: the HTTPS listener uses its own region's issued certificate, once validated`,
      );
      assert(`${certificate}.domain_name == "${config.domain?.name}" && ${certificate}.validation_method == "DNS"`, `${region}: DNS-validated certificate for the domain`);
    }
    const cert = config.https.certificateArns[region];
    if (cert) {
      const https = only(r, "aws_lb_listener", (b) => b.provider === provider && b.port === 443);
      const http = only(r, "aws_lb_listener", (b) => b.provider === provider && b.port === 80);
      assert(`${https}.certificate_arn == "${cert}" && ${https}.load_balancer_arn == ${lb}.arn`, `${region}: HTTPS listener with its own certificate`);
      assert(`${http}.default_action[0].redirect[0].protocol == "HTTPS"`, `${region}: HTTP redirects to HTTPS`);
    }
  }
  return `${providerRegions.map(mockProvider).join("\n")}\nrun "apply_with_mocks" {\n  command = apply\n\n${asserts.join("\n\n")}\n}\n`;
}

describeWithTerraform("terraform validate + terraform test on the synthesized stack", (tf) => {
  const cases = {
    "default (2 regions)": {},
    "3 regions, table in eu-central-1": { regions: ["us-west-2", "eu-central-1", "ap-northeast-1"], homeRegion: "eu-central-1" },
    "1 region outside us-west-2, dual-stack": {
      regions: ["eu-west-1"],
      homeRegion: "eu-west-1",
      accelerator: { ipAddressType: "DUAL_STACK" },
    },
    "prod with HTTPS certificates, alarm email and GitHub delivery": PROD_HTTPS,
    "routing both, issued certificates, Route 53 health checks": {
      routing: "both",
      domain: DOMAIN,
      https: { issueCertificates: true },
      route53: { healthChecks: "route53", requestIntervalSeconds: 10, failureThreshold: 2 },
    },
    "routing route53, 3 regions, alias health": {
      routing: "route53",
      domain: DOMAIN,
      regions: ["us-west-2", "eu-central-1", "ap-northeast-1"],
    },
    // The example loaded from its own config file, as GLOBALAPP_CONFIG=examples/notes/globalapp.json does.
    "your own function: examples/notes": loadConfigFromProject(PROJECT_ROOT, { GLOBALAPP_CONFIG: join(PROJECT_ROOT, "examples", "notes", "globalapp.json") }),
  };
  const guardedOf: Record<string, string[]> = {};
  let checks: Map<string, StackCheck>;
  let summary = "";

  beforeAll(async () => {
    const stacks: StackCase[] = Object.entries(cases).map(([name, override]) => {
      const synth = synthGlobalApp(override);
      // Resources with prevent_destroy: terraform test's own tear-down must refuse to destroy them.
      guardedOf[name] = Object.entries(synth.tf.resource).flatMap(([type, rs]) =>
        Object.entries(rs)
          .filter(([, b]) => (b.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy === true)
          .map(([id]) => `${type}.${id}`),
      );
      return { name, dir: fullSynthDir(synth.stack), testFile: testFile(synth) };
    });
    ({ checks, testSummary: summary } = await checkStacks(tf, stacks));
  }, 600_000);

  for (const name of Object.keys(cases)) {
    it(`${name}: terraform validate accepts it`, () => {
      const { validate } = checks.get(name)!;
      expect(validate.filter((d) => d.severity === "error").map((d) => `${d.summary}: ${d.detail ?? ""}`)).toEqual([]);
    });
    it(`${name}: terraform test applies it with mock providers and the wiring asserts pass`, () => {
      const check = checks.get(name)!;
      expect({ runs: check.runs, summary }).toEqual({ runs: { apply_with_mocks: "pass" }, summary });
      if (guardedOf[name].length === 0) expect({ status: check.testStatus, output: check.testOutput }).toEqual({ status: "pass", output: "" });
    });
    it(`${name}: terraform refuses to destroy what prevent_destroy guards (the table, its keys and the accelerator in prod), nothing else`, () => {
      const { testOutput } = checks.get(name)!;
      const guarded = guardedOf[name];
      const output = testOutput.replace(/\s+/g, " ");
      const refused = [...output.matchAll(/Resource (\S+) has lifecycle\.prevent_destroy set/g)].map((m) => m[1]);
      for (const address of refused) expect(guarded).toContain(address);
      // The keys sit below the table in the destroy order, so terraform stops before it reaches them;
      // the table and the accelerator are where a destroy plan first runs into the guard.
      const firstInLine = guarded.filter((a) => !a.startsWith("aws_kms_key."));
      expect(refused.sort()).toEqual(firstInLine.sort());
      if (name.startsWith("prod")) {
        expect(guarded.map((a) => a.split(".")[0]).sort()).toEqual(
          ["aws_dynamodb_table", "aws_globalaccelerator_accelerator", "aws_kms_key", "aws_kms_key"].sort(),
        );
      }
    });
  }
});
