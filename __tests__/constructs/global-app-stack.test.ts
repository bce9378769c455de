import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing } from "cdktf";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GlobalAppStack, STACK_NAME } from "../../constructs/global-app-stack";
import { bundleHandler, functionBundle } from "../../constructs/lib/bundle";
import { ConfigError } from "../../model/config";
import { readZip } from "../support/unzip";
import { configWith, fullSynthDir, itemFunctions, resourcesOf, synthGlobalApp } from "../support/synth";

const REGION_SETS: Array<[number, string[]]> = [
  [1, ["eu-west-1"]],
  [2, ["us-west-2", "eu-central-1"]],
  [3, ["us-west-2", "eu-central-1", "ap-northeast-1"]],
  [5, ["us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1", "sa-east-1"]],
];

/** Every regional resource type and how many each region gets. */
const PER_REGION: Record<string, number> = {
  aws_vpc: 1,
  aws_subnet: 2,
  aws_internet_gateway: 1,
  aws_route_table: 1,
  aws_route_table_association: 2,
  aws_default_security_group: 1,
  aws_security_group: 1,
  aws_lb: 1,
  aws_lb_target_group: 1,
  aws_lb_listener: 1,
  aws_lb_listener_rule: 1,
  aws_lb_target_group_attachment: 1,
  // the item API and the tear-down function (constructs/accelerator-vpc-cleanup.ts), each with its own
  // role, policy and log group, and the invocation that runs the tear-down
  aws_lambda_function: 2,
  aws_lambda_permission: 1,
  aws_iam_role: 2,
  aws_iam_role_policy: 2,
  aws_cloudwatch_log_group: 2,
  aws_lambda_invocation: 1,
};

/** The item API's role policies (not the tear-down function's). */
const itemApiPolicies = (tf: Parameters<typeof resourcesOf>[0]) => resourcesOf(tf, "aws_iam_role_policy").filter(([, p]) => String(p.role).includes("backend-"));

describe.each(REGION_SETS)("GlobalAppStack with %i region(s)", (n, regions) => {
  const { tf, json } = synthGlobalApp({ regions, homeRegion: regions[0] });
  const providerAliases = tf.provider.aws.map((p) => p.alias);

  it("has one aliased provider per region, plus us-west-2 for Global Accelerator", () => {
    const expected = regions.includes("us-west-2") ? regions : [...regions, "us-west-2"];
    expect([...providerAliases].sort()).toEqual([...expected].sort());
    expect(tf.provider.aws.every((p) => p.alias === p.region)).toBe(true);
  });
  it("tags everything through the providers' default tags", () => {
    expect(json).toHaveProviderWithProperties(AwsProvider, {
      default_tags: [{ tags: { app: "globalapp", environment: "dev", "managed-by": "cdktf" } }],
    });
  });
  it.each(Object.entries(PER_REGION))("has %s × %i per region, one in each region", (type, count) => {
    const all = resourcesOf(tf, type);
    expect(all).toHaveLength(count * n);
    for (const r of regions) expect(all.filter(([, b]) => b.provider === `aws.${r}`)).toHaveLength(count);
  });
  it(`has one table with ${n - 1} replica(s)`, () => {
    const tables = resourcesOf(tf, "aws_dynamodb_table");
    expect(tables).toHaveLength(1);
    expect(tables[0][1].provider).toBe(`aws.${regions[0]}`);
    expect((tables[0][1].replica as unknown[]).length).toBe(n - 1);
  });
  it("has one accelerator and one listener, and one endpoint group per region, each pointing at its own region's ALB", () => {
    expect(resourcesOf(tf, "aws_globalaccelerator_accelerator")).toHaveLength(1);
    expect(resourcesOf(tf, "aws_globalaccelerator_listener")).toHaveLength(1);
    const groups = resourcesOf(tf, "aws_globalaccelerator_endpoint_group");
    expect(groups).toHaveLength(n);
    const albByRegion = Object.fromEntries(resourcesOf(tf, "aws_lb").map(([id, b]) => [String(b.provider).slice(4), id]));
    for (const [, g] of groups) {
      const region = g.endpoint_group_region as string;
      expect(g.provider).toBe("aws.us-west-2");
      expect((g.endpoint_configuration as Array<{ endpoint_id: string }>)[0].endpoint_id).toBe(`\${aws_lb.${albByRegion[region]}.arn}`);
    }
  });
  it("gives every function a policy on its own replica and no other", () => {
    expect(itemApiPolicies(tf)).toHaveLength(n);
    for (const [, p] of resourcesOf(tf, "aws_iam_role_policy")) {
      if (!String(p.role).includes("backend-")) {
        expect(p.policy as string).not.toMatch(/dynamodb/);
        continue;
      }
      const region = String(p.provider).slice(4);
      const policy = p.policy as string;
      if (region === regions[0]) {
        expect(policy).toMatch(/"Resource" = \[aws_dynamodb_table\.[^.]+\.arn\]/);
      } else {
        expect(policy).toContain(`":${regions[0]}:", ":${region}:")]`);
        expect(policy.match(/replace\(/g)).toHaveLength(1);
      }
    }
  });
  it("outputs the accelerator IPs and DNS name, per-region ALB and function names and endpoint group ARNs, the table name and ARN", () => {
    expect(Object.keys(tf.output).sort()).toEqual(["accelerator_dns_name", "accelerator_ips", "alb_dns_names", "endpoint_group_arns", "function_names", "table_arn", "table_name"]);
    expect(Object.keys(tf.output.alb_dns_names.value as object).sort()).toEqual([...regions].sort());
    expect(Object.keys(tf.output.function_names.value as object).sort()).toEqual([...regions].sort());
    // Each region's ARN is its own endpoint group's (the one with that endpoint_group_region).
    const groups = tf.resource.aws_globalaccelerator_endpoint_group as Record<string, { endpoint_group_region: string }>;
    for (const [region, arn] of Object.entries(tf.output.endpoint_group_arns.value as Record<string, string>)) {
      const [, id] = /^\$\{aws_globalaccelerator_endpoint_group\.([^.]+)\.arn\}$/.exec(arn) ?? [];
      expect(groups[id]?.endpoint_group_region).toBe(region);
    }
    expect(Object.keys(tf.output.endpoint_group_arns.value as object).sort()).toEqual([...regions].sort());
  });
});

describe("GlobalAppStack: state backend", () => {
  it("uses S3 with encryption and native lockfile locking by default", () => {
    expect(synthGlobalApp().tf.terraform.backend).toEqual({
      s3: { bucket: "globalapp-terraform-state", key: "globalapp/dev/terraform.tfstate", region: "us-west-2", encrypt: true, use_lockfile: true },
    });
  });
  it("keys S3 state by appName and environment unless state.key is set, so environments never share state", () => {
    const key = (override: object) => (synthGlobalApp(override).tf.terraform.backend as { s3: { key: string } }).s3.key;
    expect(key({ environment: "prod" })).toBe("globalapp/prod/terraform.tfstate");
    expect(key({ appName: "shop" })).toBe("shop/dev/terraform.tfstate");
    expect(key({ state: { key: "legacy/terraform.tfstate" } })).toBe("legacy/terraform.tfstate");
  });
  it("never configures a DynamoDB lock table", () => {
    expect(JSON.stringify(synthGlobalApp().tf.terraform)).not.toMatch(/dynamodb_table/);
  });
  it("uses a local backend when asked", () => {
    const { tf } = synthGlobalApp({ state: { backend: "local" } });
    expect(tf.terraform.backend).toEqual({ local: { path: "../../../terraform.globalapp-dev.tfstate" } });
    expect(synthGlobalApp({ state: { backend: "local" }, environment: "prod" }).tf.terraform.backend).toEqual({
      local: { path: "../../../terraform.globalapp-prod.tfstate" },
    });
    expect(tf.terraform.cloud).toBeUndefined();
  });
  it("takes a local state path", () => {
    expect(synthGlobalApp({ state: { backend: "local", path: "state/dev.tfstate" } }).tf.terraform.backend).toEqual({ local: { path: "state/dev.tfstate" } });
  });
  it("writes a Terraform Cloud block when asked", () => {
    const { tf } = synthGlobalApp({ state: { backend: "cloud", organization: "acme", workspace: "globalapp-prod" } });
    expect(tf.terraform.cloud).toEqual({ organization: "acme", workspaces: { name: "globalapp-prod" } });
    expect(tf.terraform.backend).toBeUndefined();
  });
  it("passes a Terraform Enterprise hostname through", () => {
    const { tf } = synthGlobalApp({ state: { backend: "cloud", organization: "acme", workspace: "w", hostname: "tfe.example.com" } });
    expect(tf.terraform.cloud).toEqual(expect.objectContaining({ hostname: "tfe.example.com" }));
  });
});

describe("GlobalAppStack: plans without lookups", () => {
  it("reads no data source in the default config (no AWS API lookup beyond the resources)", () => {
    expect((synthGlobalApp().tf as unknown as { data?: unknown }).data).toBeUndefined();
  });
  it("looks the account id up once, only when an option needs it (prod: key and log-delivery policies)", () => {
    const data = (synthGlobalApp({ environment: "prod" }).tf as unknown as { data: Record<string, object> }).data;
    // aws_elb_service_account (older regions' ALB log delivery) is answered by the provider from a built-in table.
    expect(Object.keys(data).sort()).toEqual(["aws_caller_identity", "aws_elb_service_account"]);
    expect(Object.keys(data.aws_caller_identity)).toHaveLength(1);
  });
});

describe("GlobalAppStack: customer-managed table keys", () => {
  it("lets each function use only its own region's key, only through DynamoDB in that region", () => {
    const { tf } = synthGlobalApp({ table: { customerManagedKey: true } });
    const keyByRegion = Object.fromEntries(resourcesOf(tf, "aws_kms_key").map(([id, k]) => [String(k.provider).slice(4), id]));
    expect(Object.keys(keyByRegion).sort()).toEqual(["eu-central-1", "us-west-2"]);
    for (const [, p] of itemApiPolicies(tf)) {
      const region = String(p.provider).slice(4);
      const policy = p.policy as string;
      expect(policy).toContain(
        `{"Sid" = "TableKeyViaDynamoDB", "Effect" = "Allow", "Action" = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"], "Resource" = [aws_kms_key.${keyByRegion[region]}.arn], "Condition" = {"StringEquals" = {"kms:ViaService" = "dynamodb.${region}.amazonaws.com"}}}`,
      );
      const other = Object.entries(keyByRegion).find(([r]) => r !== region)![1];
      expect(policy).not.toContain(other);
    }
  });
  it("grants no KMS action when the table uses the AWS-owned key (the default)", () => {
    for (const [, p] of resourcesOf(synthGlobalApp().tf, "aws_iam_role_policy")) expect(p.policy as string).not.toMatch(/kms:/);
  });
});

describe("GlobalAppStack: config flows through", () => {
  it("a DUAL_STACK accelerator gets dual-stack ALBs in every region (it accepts no IPv4-only ALB endpoint)", () => {
    const { tf } = synthGlobalApp({ accelerator: { ipAddressType: "DUAL_STACK" } });
    expect(resourcesOf(tf, "aws_globalaccelerator_accelerator")[0][1].ip_address_type).toBe("DUAL_STACK");
    expect(resourcesOf(tf, "aws_lb").map(([, b]) => b.ip_address_type)).toEqual(["dualstack", "dualstack"]);
  });
  it("an IPV4 accelerator never gets dual-stack ALBs", () => {
    expect(resourcesOf(synthGlobalApp().tf, "aws_lb").every(([, b]) => b.ip_address_type === "ipv4")).toBe(true);
  });
  it("names physical resources appName-environment", () => {
    const { tf } = synthGlobalApp({ appName: "shop", environment: "prod" });
    expect(resourcesOf(tf, "aws_lb").map(([, b]) => b.name)).toEqual(["shop-prod", "shop-prod"]);
    expect(resourcesOf(tf, "aws_globalaccelerator_accelerator")[0][1].name).toBe("shop-prod");
  });
  it("prod turns deletion protection on for the table and the ALBs", () => {
    const { tf } = synthGlobalApp({ environment: "prod" });
    expect(resourcesOf(tf, "aws_dynamodb_table")[0][1].deletion_protection_enabled).toBe(true);
    expect(resourcesOf(tf, "aws_lb").every(([, b]) => b.enable_deletion_protection === true)).toBe(true);
  });
  it("applies traffic dials, weights and affinity from config", () => {
    const { tf } = synthGlobalApp({ accelerator: { clientAffinity: "SOURCE_IP", trafficDials: { "eu-central-1": 0 }, endpointWeights: { "us-west-2": 7 } } });
    const groups = Object.fromEntries(resourcesOf(tf, "aws_globalaccelerator_endpoint_group").map(([, g]) => [g.endpoint_group_region, g]));
    expect(groups["eu-central-1"].traffic_dial_percentage).toBe(0);
    expect(groups["us-west-2"].traffic_dial_percentage).toBe(100);
    expect((groups["us-west-2"].endpoint_configuration as Array<{ weight: number }>)[0].weight).toBe(7);
    expect(resourcesOf(tf, "aws_globalaccelerator_listener")[0][1].client_affinity).toBe("SOURCE_IP");
  });
  it("places subnets by AZ ID by default (the same zones in every account), never by a guessed zone letter", () => {
    const { tf } = synthGlobalApp({ regions: ["us-west-2", "ap-northeast-1", "us-west-1"], homeRegion: "us-west-2" });
    const byRegion = (r: string) => resourcesOf(tf, "aws_subnet").filter(([, sn]) => sn.provider === `aws.${r}`).map(([, sn]) => sn);
    expect(byRegion("ap-northeast-1").map((sn) => sn.availability_zone_id)).toEqual(["apne1-az1", "apne1-az2"]);
    expect(byRegion("us-west-1").map((sn) => sn.availability_zone_id)).toEqual(["usw1-az1", "usw1-az3"]);
    expect(resourcesOf(tf, "aws_subnet").every(([, sn]) => !("availability_zone" in sn))).toBe(true);
  });
  it("uses configured availability zones", () => {
    const { tf } = synthGlobalApp({ regions: ["us-west-1"], homeRegion: "us-west-1", network: { availabilityZones: { "us-west-1": ["us-west-1a", "us-west-1c"] } } });
    expect(resourcesOf(tf, "aws_subnet").map(([, s]) => s.availability_zone)).toEqual(["us-west-1a", "us-west-1c"]);
  });
  it("passes health-check settings to every target group", () => {
    const { tf } = synthGlobalApp({ healthCheck: { intervalSeconds: 30, timeoutSeconds: 6, unhealthyThreshold: 3 } });
    for (const [, tg] of resourcesOf(tf, "aws_lb_target_group")) {
      expect(tg.health_check).toEqual(expect.objectContaining({ interval: 30, timeout: 6, unhealthy_threshold: 3, enabled: true }));
    }
  });
  it("shares one deployment package between regions", () => {
    const { tf } = synthGlobalApp();
    const files = itemFunctions(tf).map(([, f]) => f.filename);
    expect(files).toHaveLength(2);
    expect(new Set(files).size).toBe(1);
  });
});

describe("GlobalAppStack: stateful resources are guarded in prod", () => {
  /** The resources of the types that hold data or identity, with their prevent_destroy setting. */
  const guards = (override: object) => {
    const { tf } = synthGlobalApp(override);
    return ["aws_dynamodb_table", "aws_kms_key", "aws_globalaccelerator_accelerator"].flatMap((type) =>
      resourcesOf(tf, type)
        .filter(([id]) => type !== "aws_kms_key" || id.startsWith("table-keys"))
        .map(([id, body]) => [`${type}.${id}`, (body.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy]),
    );
  };
  it("prod: the table, every table key and the accelerator carry prevent_destroy", () => {
    const prod = guards({ environment: "prod" });
    // table + accelerator + one key per region
    expect(prod).toHaveLength(4);
    expect(prod.every(([, guarded]) => guarded === true)).toBe(true);
  });
  it("dev: nothing is guarded, so one destroy removes it all", () => {
    const dev = guards({ table: { customerManagedKey: true } });
    expect(dev).toHaveLength(4);
    expect(dev.every(([, guarded]) => guarded !== true)).toBe(true);
  });
  it("deletionProtection false lifts the guards in prod (the documented way to remove it deliberately)", () => {
    expect(guards({ environment: "prod", deletionProtection: false }).every(([, guarded]) => guarded !== true)).toBe(true);
  });
  it("deletionProtection true guards dev too", () => {
    expect(guards({ deletionProtection: true }).every(([, guarded]) => guarded === true)).toBe(true);
  });
});

describe("GlobalAppStack: your own function (function.entry)", () => {
  const config = configWith({ function: { entry: "examples/notes/handler.ts", environment: { NOTES_MAX_TEXT_BYTES: "2000" } } });
  const own = synthGlobalApp(config);
  const builtIn = synthGlobalApp();
  const zipOf = (r: typeof own) => {
    const dir = fullSynthDir(r.stack);
    return readZip(readFileSync(join(dir, String(itemFunctions(r.tf)[0][1].filename))));
  };

  it("ships your handler inside the wrapper, one package for every region", () => {
    const [entry] = zipOf(own);
    expect(entry.name).toBe("index.js");
    expect(entry.data.equals(functionBundle(config).code)).toBe(true);
    expect(entry.data.toString()).toContain("note/");
    expect(new Set(itemFunctions(own.tf).map(([, f]) => f.filename)).size).toBe(1);
  });
  it("ships the article's item API, unwrapped, by default", () => {
    expect(zipOf(builtIn)[0].data.equals(bundleHandler().code)).toBe(true);
  });
  it("forwards every path with your function; the item API keeps its path rule and fixed 404", () => {
    expect(resourcesOf(own.tf, "aws_lb_listener_rule")).toEqual([]);
    expect(resourcesOf(own.tf, "aws_lb_listener").map(([, l]) => (l.default_action as Array<{ type: string }>)[0].type)).toEqual(["forward", "forward"]);
    expect(resourcesOf(builtIn.tf, "aws_lb_listener_rule")).toHaveLength(2);
    expect(resourcesOf(builtIn.tf, "aws_lb_listener").map(([, l]) => (l.default_action as Array<{ type: string }>)[0].type)).toEqual(["fixed-response", "fixed-response"]);
  });
  it("differs from the default stack only in what your function changes", () => {
    const types = (r: typeof own) => Object.fromEntries(Object.entries(r.tf.resource).map(([t, rs]) => [t, Object.keys(rs).length]));
    expect(types(own)).toEqual({ ...types(builtIn), aws_lb_listener_rule: undefined });
  });
  it("refuses an entry that does not bundle before it builds anything, naming function.entry", () => {
    const stack = () => new GlobalAppStack(Testing.app(), STACK_NAME, { config: { function: { entry: "examples/notes/missing.ts" } } });
    expect(stack).toThrow(ConfigError);
    expect(stack).toThrow(/^function\.entry = "examples\/notes\/missing\.ts": no such file$/);
  });
});

describe("GlobalAppStack: config as props", () => {
  it("takes any part of a config, every other key at its built-in default", () => {
    const stack = new GlobalAppStack(Testing.app(), STACK_NAME, { config: { regions: ["eu-west-1"], homeRegion: "eu-west-1" } });
    expect(stack.config.regions).toEqual(["eu-west-1"]);
    expect(stack.config.healthCheck.intervalSeconds).toBe(10);
    expect(Object.keys(stack.backends)).toEqual(["eu-west-1"]);
  });
  it("validates it first, naming every bad key", () => {
    expect(() => new GlobalAppStack(Testing.app(), STACK_NAME, { config: { regions: ["mars-north-1"] } })).toThrow(/regions\[0\] = "mars-north-1": unknown AWS region/);
  });
});
