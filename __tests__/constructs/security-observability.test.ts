import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { AlarmTopic } from "../../constructs/alarm-topic";
import { AlbAccessLogs } from "../../constructs/alb-access-logs";
import { DASHBOARD_ROWS, requestMetricsSearch } from "../../constructs/failover-dashboard";
import { LATENCY_METRIC, METRICS_NAMESPACE, REQUESTS_METRIC } from "../../functions/lib/metrics";
import { ELB_LOG_DELIVERY_PRINCIPAL } from "../../constructs/lib/log-delivery";
import { PrivateBucket } from "../../constructs/private-bucket";
import { TLS_POLICY } from "../../constructs/regional-backend";
import { TableKeys } from "../../constructs/table-keys";
import { decodeJsonencode } from "../../model/iam/hcl";
import { HARDENED_PROD } from "../policy/support";
import { resourcesOf, synthGlobalApp } from "../support/synth";

const bodies = (tf: Parameters<typeof resourcesOf>[0], type: string) => resourcesOf(tf, type).map(([, b]) => b);
const prod = synthGlobalApp(HARDENED_PROD);
const dev = synthGlobalApp();

function scratch(region = "us-west-2") {
  const stack = new TerraformStack(Testing.app(), "t");
  const provider = new AwsProvider(stack, region, { region, alias: region });
  return { stack, provider };
}
const synthOf = (stack: TerraformStack) => JSON.parse(Testing.synth(stack));

describe("HTTPS (https.certificateArns)", () => {
  it("adds an HTTPS listener per region with the TLS 1.3 policy and that region's certificate, carrying the routing", () => {
    const https = bodies(prod.tf, "aws_lb_listener").filter((l) => l.protocol === "HTTPS");
    expect(https).toHaveLength(2);
    for (const region of ["us-west-2", "eu-central-1"]) {
      const l = https.find((x) => x.provider === `aws.${region}`)!;
      expect(l).toMatchObject({ port: 443, ssl_policy: TLS_POLICY, certificate_arn: HARDENED_PROD.https.certificateArns[region as "us-west-2"] });
    }
    for (const [, rule] of resourcesOf(prod.tf, "aws_lb_listener_rule")) expect(rule.listener_arn).toMatch(/aws_lb_listener\.backend-.*_https_/);
  });
  it("turns port 80 into a 301 redirect to HTTPS", () => {
    const http = bodies(prod.tf, "aws_lb_listener").filter((l) => l.protocol === "HTTP");
    expect(http).toHaveLength(2);
    for (const l of http) expect(l.default_action).toEqual([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }]);
  });
  it("opens 443 as well as 80 in the ALB security group, each rule described, still no egress", () => {
    for (const sg of bodies(prod.tf, "aws_security_group")) {
      expect((sg.ingress as Array<{ from_port: number; description: string }>).map((r) => r.from_port)).toEqual([80, 443]);
      expect((sg.ingress as Array<{ description: string }>).every((r) => r.description.length > 0)).toBe(true);
      expect(sg.egress).toEqual([]);
    }
  });
  it("makes the accelerator listen on 80 and 443", () => {
    expect(bodies(prod.tf, "aws_globalaccelerator_listener")[0].port_range).toEqual([{ from_port: 80, to_port: 80 }, { from_port: 443, to_port: 443 }]);
  });
  it("without certificates: HTTP only, no redirect, accelerator on 80, and synth warns", () => {
    expect(bodies(dev.tf, "aws_lb_listener").map((l) => l.protocol)).toEqual(["HTTP", "HTTP"]);
    expect(bodies(dev.tf, "aws_globalaccelerator_listener")[0].port_range).toEqual([{ from_port: 80, to_port: 80 }]);
    const warnings = dev.stack.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/https.certificateArns is empty/)]);
    expect(prod.stack.node.metadata.filter((m) => m.type === "@cdktf/warn")).toEqual([]);
  });
  it("prod turns deletion protection on for the ALBs and the table", () => {
    for (const lb of bodies(prod.tf, "aws_lb")) expect(lb.enable_deletion_protection).toBe(true);
    expect(bodies(prod.tf, "aws_dynamodb_table")[0].deletion_protection_enabled).toBe(true);
  });
});

describe("internal ALB (alb.internal)", () => {
  it("makes the ALBs internal and keeps the internet gateway Global Accelerator needs", () => {
    const r = synthGlobalApp({ alb: { internal: true } });
    for (const lb of bodies(r.tf, "aws_lb")) expect(lb.internal).toBe(true);
    expect(resourcesOf(r.tf, "aws_internet_gateway")).toHaveLength(2);
    expect(bodies(r.tf, "aws_security_group")[0].ingress).toEqual([expect.objectContaining({ description: expect.stringMatching(/Global Accelerator \(internal ALB\)/) })]);
  });
});

describe("ALB access logs", () => {
  it("prod writes each ALB's logs to a private bucket in its own region, created after the bucket policy", () => {
    for (const lb of bodies(prod.tf, "aws_lb")) {
      expect(lb.access_logs).toEqual({ bucket: expect.stringMatching(/aws_s3_bucket\.alb-logs-/), prefix: "alb", enabled: true });
      expect(lb.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\.alb-logs-/)]);
    }
    const logBuckets = resourcesOf(prod.tf, "aws_s3_bucket").filter(([n]) => n.startsWith("alb-logs-"));
    expect(logBuckets.map(([, b]) => b.provider).sort()).toEqual(["aws.eu-central-1", "aws.us-west-2"]);
  });
  it("dev has no access logs and no buckets", () => {
    for (const lb of bodies(dev.tf, "aws_lb")) expect(lb.access_logs).toBeUndefined();
    expect(resourcesOf(dev.tf, "aws_s3_bucket")).toEqual([]);
  });
  it("regions from before August 2022 grant the regional ELB account; newer ones the log-delivery service principal", () => {
    const { stack, provider } = scratch("us-west-2");
    new AlbAccessLogs(stack, "old", { region: "us-west-2", provider, namePrefix: "globalapp-prod", accountId: "123456789012" });
    const newer = new AwsProvider(stack, "ca-west-1", { region: "ca-west-1", alias: "ca-west-1" });
    new AlbAccessLogs(stack, "new", { region: "ca-west-1", provider: newer, namePrefix: "globalapp-prod", accountId: "123456789012" });
    const tf = synthOf(stack);
    const statement = (prefix: string) =>
      (decodeJsonencode(Object.entries<Record<string, unknown>>(tf.resource.aws_s3_bucket_policy).find(([n]) => n.startsWith(prefix))![1].policy) as {
        Statement: Array<{ Sid: string; Principal: unknown; Resource: string[] }>;
      }).Statement.find((s) => s.Sid === "ElbAccessLogDelivery")!;
    expect(statement("old").Principal).toEqual({ AWS: [expect.stringMatching(/data\.aws_elb_service_account\.old_/)] });
    expect(statement("new").Principal).toEqual({ Service: [ELB_LOG_DELIVERY_PRINCIPAL] });
    expect(statement("new").Resource).toEqual([expect.stringMatching(/\/alb\/AWSLogs\/123456789012\/\*$/)]);
    expect(Object.keys(tf.data.aws_elb_service_account)).toHaveLength(1);
  });
  it("refuses a provider from another region", () => {
    const { stack, provider } = scratch("us-west-2");
    expect(() => new AlbAccessLogs(stack, "x", { region: "eu-central-1", provider, namePrefix: "p", accountId: "1" })).toThrow(/provider region "us-west-2" does not match region "eu-central-1"/);
  });
});

describe("PrivateBucket", () => {
  const build = (props: Partial<ConstructorParameters<typeof PrivateBucket>[2]> = {}) => {
    const { stack, provider } = scratch();
    new PrivateBucket(stack, "b", { provider, bucketPrefix: "globalapp-dev-x-", expirationDays: 30, ...props });
    return synthOf(stack);
  };
  it("is SSE-S3 encrypted, fully public-access blocked, owner-enforced, versioned, expiring and TLS-only", () => {
    const tf = build();
    const one = (t: string) => Object.values<Record<string, unknown>>(tf.resource[t])[0];
    expect(one("aws_s3_bucket")).toMatchObject({ bucket_prefix: "globalapp-dev-x-", force_destroy: false });
    expect(one("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
    expect(one("aws_s3_bucket_public_access_block")).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(one("aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(one("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    expect((one("aws_s3_bucket_lifecycle_configuration").rule as Array<Record<string, unknown>>)[0]).toMatchObject({ status: "Enabled", expiration: [{ days: 30 }] });
    const policy = decodeJsonencode(one("aws_s3_bucket_policy").policy) as { Statement: Array<{ Sid: string; Effect: string }> };
    expect(policy.Statement.map((s) => `${s.Effect}:${s.Sid}`)).toEqual(["Deny:DenyInsecureTransport", "Deny:DenyOutdatedTls"]);
  });
  it("puts the writers' statements first", () => {
    const tf = build({ writers: (arn) => [{ sid: "Writer", actions: ["s3:PutObject"], resources: [`${arn}/x/*`], principals: { Service: ["logs.example"] } }] });
    const policy = decodeJsonencode(Object.values<Record<string, unknown>>(tf.resource.aws_s3_bucket_policy)[0].policy) as { Statement: Array<{ Sid: string }> };
    expect(policy.Statement[0].Sid).toBe("Writer");
  });
  it.each([
    [{ bucketPrefix: "Upper" }, /bucketPrefix "Upper" must be 1-37/],
    [{ bucketPrefix: "x".repeat(38) }, /must be 1-37/],
    [{ expirationDays: 0 }, /expirationDays 0 must be a whole number of days >= 1/],
  ])("validates %j", (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});

describe("accelerator flow logs", () => {
  it("prod sends flow logs to a private bucket in us-west-2 written by vended log delivery", () => {
    const ga = bodies(prod.tf, "aws_globalaccelerator_accelerator")[0];
    expect(ga.attributes).toEqual({ flow_logs_enabled: true, flow_logs_s3_bucket: expect.stringMatching(/aws_s3_bucket\.accelerator-flow-logs_/), flow_logs_s3_prefix: "flow-logs" });
    const [, bucket] = resourcesOf(prod.tf, "aws_s3_bucket").find(([n]) => n.startsWith("accelerator-flow-logs"))!;
    expect(bucket.provider).toBe("aws.us-west-2");
    const [, policy] = resourcesOf(prod.tf, "aws_s3_bucket_policy").find(([n]) => n.startsWith("accelerator-flow-logs"))!;
    expect(JSON.stringify(decodeJsonencode(policy.policy))).toContain("delivery.logs.amazonaws.com");
  });
  it("dev has none", () => {
    expect(bodies(dev.tf, "aws_globalaccelerator_accelerator")[0].attributes).toBeUndefined();
  });
});

describe("table encryption (TableKeys)", () => {
  it("prod creates a rotating key per region and passes each to its copy of the table", () => {
    const keys = resourcesOf(prod.tf, "aws_kms_key").filter(([n]) => n.startsWith("table-keys"));
    expect(keys.map(([, k]) => [k.provider, k.enable_key_rotation]).sort()).toEqual([["aws.eu-central-1", true], ["aws.us-west-2", true]]);
    const table = bodies(prod.tf, "aws_dynamodb_table")[0];
    expect(table.server_side_encryption).toEqual({ enabled: true, kms_key_arn: expect.stringMatching(/aws_kms_key\.table-keys_key-us-west-2_.*\.arn/) });
    expect(table.replica).toEqual([expect.objectContaining({ region_name: "eu-central-1", kms_key_arn: expect.stringMatching(/table-keys_key-eu-central-1_/) })]);
  });
  it("dev keeps the AWS-owned key", () => {
    expect(bodies(dev.tf, "aws_dynamodb_table")[0].server_side_encryption).toEqual({ enabled: false });
    expect(resourcesOf(dev.tf, "aws_kms_key")).toEqual([]);
  });
  it("validates its inputs", () => {
    const { stack, provider } = scratch();
    expect(() => new TableKeys(stack, "k", { regions: ["us-west-2"], providers: { "us-west-2": provider }, namePrefix: "p", accountId: "1", deletionWindowDays: 3 })).toThrow(/deletionWindowDays 3/);
    expect(() => new TableKeys(stack, "k2", { regions: ["eu-west-1"], providers: { "us-west-2": provider }, namePrefix: "p", accountId: "1" })).toThrow(/no provider for region "eu-west-1"/);
  });
});

describe("alarms (RegionalAlarms, AlarmTopic)", () => {
  const alarms = bodies(prod.tf, "aws_cloudwatch_metric_alarm");
  it("watches, in every region, what drives failover and what follows it", () => {
    for (const region of ["us-west-2", "eu-central-1"]) {
      const peer = region === "us-west-2" ? "eu-central-1" : "us-west-2";
      const mine = alarms.filter((a) => a.provider === `aws.${region}`);
      expect(mine.map((a) => a.metric_name).sort()).toEqual(
        ["Errors", "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "ReadThrottleEvents", "ReplicationLatency", "Throttles", "UnHealthyHostCount", "WriteThrottleEvents"].sort(),
      );
      expect(mine.find((a) => a.metric_name === "ReplicationLatency")!.dimensions).toEqual({ TableName: expect.any(String), ReceivingRegion: peer });
      expect(mine.find((a) => a.metric_name === "UnHealthyHostCount")).toMatchObject({ threshold: 1, comparison_operator: "GreaterThanOrEqualToThreshold", treat_missing_data: "breaching" });
      expect(mine.find((a) => a.metric_name === "Errors")).toMatchObject({ treat_missing_data: "notBreaching" });
      for (const a of mine) expect(a.alarm_actions).toEqual([expect.stringMatching(new RegExp(`aws_sns_topic\\.alarm-topic-${region}_`))]);
    }
  });
  it("notifies an encrypted topic per region with an email subscription; the key lets CloudWatch publish", () => {
    const topics = bodies(prod.tf, "aws_sns_topic");
    expect(topics).toHaveLength(2);
    for (const t of topics) expect(t.kms_master_key_id).toMatch(/aws_kms_key\.alarm-topic-/);
    expect(bodies(prod.tf, "aws_sns_topic_subscription").map((s) => [s.protocol, s.endpoint])).toEqual([["email", "oncall@example.com"], ["email", "oncall@example.com"]]);
    const [, key] = resourcesOf(prod.tf, "aws_kms_key").find(([n]) => n.startsWith("alarm-topic-us-west-2"))!;
    expect(JSON.stringify(decodeJsonencode(key.policy))).toContain("cloudwatch.amazonaws.com");
  });
  it("are on by default in dev too: every region's alarms and the dashboard, with no topic and no actions without an email", () => {
    const devAlarms = bodies(dev.tf, "aws_cloudwatch_metric_alarm");
    for (const region of ["us-west-2", "eu-central-1"]) {
      expect(devAlarms.filter((a) => a.provider === `aws.${region}`).map((a) => a.metric_name).sort()).toEqual(
        ["Errors", "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "ReadThrottleEvents", "ReplicationLatency", "Throttles", "UnHealthyHostCount", "WriteThrottleEvents"].sort(),
      );
    }
    for (const a of devAlarms) expect([a.alarm_actions, a.ok_actions]).toEqual([[], []]);
    expect(resourcesOf(dev.tf, "aws_cloudwatch_dashboard")).toHaveLength(1);
    expect(resourcesOf(dev.tf, "aws_sns_topic")).toEqual([]);
    expect(resourcesOf(dev.tf, "aws_sns_topic_subscription")).toEqual([]);
    // No topic, no topic key: the default stack still needs no account-id lookup.
    expect(dev.tf.data?.aws_caller_identity).toBeUndefined();
  });
  it("prod without an email has alarms but no topics", () => {
    const p = synthGlobalApp({ environment: "prod" });
    expect(resourcesOf(p.tf, "aws_cloudwatch_metric_alarm").length).toBeGreaterThan(0);
    expect(resourcesOf(p.tf, "aws_sns_topic")).toEqual([]);
  });
  it("alarms.enabled false turns alarms, dashboard and topics off, in dev and prod", () => {
    for (const environment of ["dev", "prod"]) {
      const off = synthGlobalApp({ environment, alarms: { enabled: false } });
      for (const type of ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_dashboard", "aws_sns_topic", "aws_sns_topic_subscription"]) {
        expect(resourcesOf(off.tf, type)).toEqual([]);
      }
    }
  });
  it("a single region has no replication alarm", () => {
    const r = synthGlobalApp({ regions: ["eu-west-1"], homeRegion: "eu-west-1", alarms: { enabled: true } });
    expect(bodies(r.tf, "aws_cloudwatch_metric_alarm").filter((a) => a.metric_name === "ReplicationLatency")).toEqual([]);
  });
  it("AlarmTopic validates its name and email", () => {
    const { stack, provider } = scratch();
    expect(() => new AlarmTopic(stack, "t", { provider, name: "a b", accountId: "1" })).toThrow(/name "a b"/);
    expect(() => new AlarmTopic(stack, "t2", { provider, name: "ok", accountId: "1", email: "nope" })).toThrow(/email "nope"/);
  });
});

describe("failover dashboard", () => {
  it("puts every failover metric side by side for all regions, one row per metric", () => {
    const dash = bodies(prod.tf, "aws_cloudwatch_dashboard");
    expect(dash).toHaveLength(1);
    const { widgets } = decodeJsonencode(dash[0].dashboard_body) as { widgets: Array<{ y: number; x: number; properties: { title: string; region: string; metrics: unknown[][] } }> };
    expect(widgets).toHaveLength(DASHBOARD_ROWS.length * 2);
    DASHBOARD_ROWS.forEach((row, i) => {
      const inRow = widgets.filter((w) => w.properties.title.startsWith(`${row} — `));
      expect(inRow.map((w) => w.properties.region)).toEqual(["us-west-2", "eu-central-1"]);
      expect(new Set(inRow.map((w) => w.y)).size).toBe(1);
      expect(inRow[0].y).toBe(i * 6);
    });
    const names = widgets.flatMap((w) => w.properties.metrics.map((m) => m[1]));
    for (const m of ["HealthyHostCount", "UnHealthyHostCount", "TargetResponseTime", "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "Errors", "Duration", "ReplicationLatency"]) {
      expect(names).toContain(m);
    }
  });
  it("charts the function's request metrics per region, right below target health, from the region's own series", () => {
    const { widgets } = decodeJsonencode(bodies(dev.tf, "aws_cloudwatch_dashboard")[0].dashboard_body) as {
      widgets: Array<{ properties: { title: string; region: string; metrics: Array<Array<{ expression?: string }>> } }>;
    };
    expect(DASHBOARD_ROWS.indexOf("Requests by route and status")).toBe(DASHBOARD_ROWS.indexOf("Target health") + 1);
    for (const [row, metric, stat] of [["Requests by route and status", REQUESTS_METRIC, "Sum"], ["Function latency by route (p99)", LATENCY_METRIC, "p99"]]) {
      const inRow = widgets.filter((w) => w.properties.title.startsWith(`${row} — `));
      expect(inRow.map((w) => w.properties.region)).toEqual(["us-west-2", "eu-central-1"]);
      for (const w of inRow) {
        expect(w.properties.metrics).toEqual([
          [expect.objectContaining({ expression: requestMetricsSearch(metric, stat, { namespace: METRICS_NAMESPACE, service: "globalapp-dev" }, w.properties.region) })],
        ]);
      }
    }
    // The SEARCH names exactly the dimensions the function publishes, so it matches its series.
    expect(requestMetricsSearch("Requests", "Sum", { namespace: "GlobalApp", service: "globalapp-dev" }, "us-west-2")).toBe(
      `SEARCH('{GlobalApp,region,route,service,status_class} MetricName="Requests" service="globalapp-dev" region="us-west-2"', 'Sum', 60)`,
    );
  });
});
