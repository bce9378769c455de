import { AppConfig } from "../../model/config";
import { exceptionFor, SECURITY_EXCEPTIONS } from "../../constructs/security-exceptions";
import { synthGlobalApp } from "../support/synth";
import { RULES, Tf } from "./rules";
import { add, addRolePolicy, all, first, HARDENED_PROD, sgRule } from "./support";

/**
 * One describe per scanner rule, named by its id: the rule passes on the default stack and on a
 * hardened prod stack unless an exception in constructs/security-exceptions.ts covers that config
 * (then the rule must really fail there: a stale exception is an error), and it fails on a
 * deliberately broken copy of the hardened stack.
 */
const STACKS: Record<string, { tf: Tf; config: AppConfig }> = {};
for (const [name, override] of Object.entries({ default: {}, "hardened prod": HARDENED_PROD })) {
  const r = synthGlobalApp(override);
  STACKS[name] = { tf: r.tf as unknown as Tf, config: r.config };
}
const hardened = () => structuredClone(STACKS["hardened prod"].tf);

const plainHttp = (tf: Tf) => {
  first(tf, "aws_lb_listener", (l) => l.port === 80).default_action = [{ type: "fixed-response", fixed_response: { content_type: "text/plain", status_code: "404" } }];
};
const openSg = (direction: "ingress" | "egress", rule: Record<string, unknown>) => (tf: Tf) => {
  const sg = first(tf, "aws_security_group");
  sg[direction] = [...((sg[direction] as unknown[]) ?? []), rule];
};
const pab = (field: string) => (tf: Tf) => {
  first(tf, "aws_s3_bucket_public_access_block")[field] = false;
};

/** How to break the hardened stack for each rule: the mutation a careless edit would make. */
const BREAK: Record<string, (tf: Tf) => void> = {
  CKV_AWS_131: (tf) => void (first(tf, "aws_lb").drop_invalid_header_fields = false),
  "AWS-0052": (tf) => void (first(tf, "aws_lb").drop_invalid_header_fields = false),
  CKV_AWS_91: (tf) => void delete first(tf, "aws_lb").access_logs,
  CKV_AWS_150: (tf) => void (first(tf, "aws_lb").enable_deletion_protection = false),
  "AWS-0053": (tf) => void (first(tf, "aws_lb").internal = false),
  CKV_AWS_2: plainHttp,
  CKV_AWS_103: (tf) => void (first(tf, "aws_lb_listener", (l) => l.protocol === "HTTPS").ssl_policy = "ELBSecurityPolicy-2016-08"),
  CKV2_AWS_20: plainHttp,
  "AWS-0054": plainHttp,
  "AWS-0047": (tf) => void (first(tf, "aws_lb_listener", (l) => l.protocol === "HTTPS").ssl_policy = "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06"),
  CKV_AWS_260: openSg("ingress", sgRule(80, 80, "tcp")),
  CKV_AWS_277: openSg("ingress", sgRule(0, 0, "-1")),
  CKV_AWS_382: openSg("egress", sgRule(0, 0, "-1")),
  "AWS-0104": openSg("egress", sgRule(443, 443, "tcp")),
  CKV_AWS_50: (tf) => void delete first(tf, "aws_lambda_function").tracing_config,
  CKV_AWS_115: (tf) => void delete first(tf, "aws_lambda_function").reserved_concurrent_executions,
  CKV_AWS_116: (tf) => void delete first(tf, "aws_lambda_function").dead_letter_config,
  CKV_AWS_117: (tf) => void delete first(tf, "aws_lambda_function").vpc_config,
  CKV_AWS_272: (tf) => void delete first(tf, "aws_lambda_function").code_signing_config_arn,
  CKV_AWS_173: (tf) => void delete first(tf, "aws_lambda_function").kms_key_arn,
  CKV_AWS_363: (tf) => void (first(tf, "aws_lambda_function").runtime = "nodejs16.x"),
  CKV_AWS_364: (tf) => void delete first(tf, "aws_lambda_permission").source_arn,
  CKV_AWS_28: (tf) => void (first(tf, "aws_dynamodb_table").point_in_time_recovery = { enabled: false }),
  CKV_AWS_119: (tf) => void (first(tf, "aws_dynamodb_table").server_side_encryption = { enabled: false }),
  CKV_AWS_75: (tf) => void (first(tf, "aws_globalaccelerator_accelerator").attributes = { flow_logs_enabled: false }),
  CKV_AWS_18: (tf) => void delete tf.resource!.aws_s3_bucket_logging,
  CKV_AWS_19: (tf) => void delete tf.resource!.aws_s3_bucket_server_side_encryption_configuration,
  CKV_AWS_145: (tf) => void delete tf.resource!.aws_s3_bucket_server_side_encryption_configuration,
  CKV_AWS_21: (tf) => void (first(tf, "aws_s3_bucket_versioning").versioning_configuration = { status: "Suspended" }),
  CKV2_AWS_6: (tf) => void delete tf.resource!.aws_s3_bucket_public_access_block,
  CKV_AWS_53: pab("block_public_acls"),
  CKV_AWS_54: pab("block_public_policy"),
  CKV_AWS_55: pab("ignore_public_acls"),
  CKV_AWS_56: pab("restrict_public_buckets"),
  CKV_AWS_355: (tf) => addRolePolicy(tf, { Action: ["s3:GetObject"], Resource: "*" }),
  CKV_AWS_356: (tf) => {
    tf.data = { aws_iam_policy_document: { broken: { statement: [{ effect: "Allow", actions: ["dynamodb:GetItem"], resources: ["*"] }] } } };
  },
  CKV_AWS_63: (tf) => addRolePolicy(tf, { Action: "*", Resource: "arn:aws:s3:::one-bucket" }),
  CKV_AWS_62: (tf) => addRolePolicy(tf, { Action: "*", Resource: "*" }),
  "AWS-0057": (tf) => addRolePolicy(tf, { Action: ["dynamodb:*"], Resource: ["arn:aws:dynamodb:us-west-2:123456789012:table/GlobalApp"] }),
  CKV_AWS_66: (tf) => void delete first(tf, "aws_cloudwatch_log_group").retention_in_days,
  CKV_AWS_338: (tf) => void (first(tf, "aws_cloudwatch_log_group").retention_in_days = 30),
  CKV_AWS_158: (tf) => void delete first(tf, "aws_cloudwatch_log_group").kms_key_id,
  CKV_AWS_26: (tf) => void delete first(tf, "aws_sns_topic").kms_master_key_id,
  CKV_AWS_7: (tf) => void (first(tf, "aws_kms_key").enable_key_rotation = false),
  CKV2_AWS_64: (tf) => void delete first(tf, "aws_kms_key").policy,
};

/**
 * For rules excepted on every stack, a fix that makes the hardened stack pass: proof that the check
 * can pass at all, so its failure on the real stack means something.
 */
const FIX: Record<string, (tf: Tf) => void> = {
  CKV_AWS_260: (tf) => all(tf, "aws_security_group").forEach((sg) => (sg.ingress = (sg.ingress as Array<{ from_port: number }>).filter((r) => r.from_port !== 80))),
  CKV_AWS_116: (tf) => all(tf, "aws_lambda_function").forEach((f) => (f.dead_letter_config = { target_arn: "${aws_sqs_queue.dlq.arn}" })),
  CKV_AWS_117: (tf) => all(tf, "aws_lambda_function").forEach((f) => (f.vpc_config = { subnet_ids: ["${aws_subnet.a.id}"], security_group_ids: ["${aws_security_group.fn.id}"] })),
  CKV_AWS_272: (tf) => all(tf, "aws_lambda_function").forEach((f) => (f.code_signing_config_arn = "${aws_lambda_code_signing_config.c.arn}")),
  CKV_AWS_173: (tf) => all(tf, "aws_lambda_function").forEach((f) => (f.kms_key_arn = "${aws_kms_key.env.arn}")),
  CKV_AWS_158: (tf) => all(tf, "aws_cloudwatch_log_group").forEach((g) => (g.kms_key_id = "${aws_kms_key.logs.arn}")),
  CKV_AWS_18: (tf) =>
    Object.keys(tf.resource!.aws_s3_bucket).forEach((n) =>
      add(tf, "aws_s3_bucket_logging", `log-${n}`, { bucket: `\${aws_s3_bucket.${n}.id}`, target_bucket: "${aws_s3_bucket.audit.id}", target_prefix: n }),
    ),
  CKV_AWS_145: (tf) =>
    all(tf, "aws_s3_bucket_server_side_encryption_configuration").forEach(
      (c) => (c.rule = [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" } }]),
    ),
  "AWS-0053": (tf) => all(tf, "aws_lb").forEach((lb) => (lb.internal = true)),
};

describe.each(RULES.map((r) => [`${r.id}: ${r.title}`, r] as const))("%s", (_name, rule) => {
  for (const stack of Object.keys(STACKS)) {
    const { tf, config } = STACKS[stack];
    const exception = exceptionFor(rule.id, config);
    if (exception) {
      it(`${stack} config: excepted (${exception.when}), and the exception is still needed`, () => {
        expect(rule.check(tf).failures.length).toBeGreaterThan(0);
      });
    } else {
      it(`${stack} config: passes`, () => {
        expect(rule.check(tf).failures).toEqual([]);
      });
    }
  }

  it("fails on a deliberately broken stack", () => {
    const tf = hardened();
    const fix = FIX[rule.id];
    if (fix) {
      fix(tf);
      expect(rule.check(tf).failures).toEqual([]);
    }
    BREAK[rule.id](tf);
    expect(rule.check(tf).failures.length).toBeGreaterThan(0);
  });
});

describe("the rule set", () => {
  it("covers every rule the issue names", () => {
    const required = [
      "CKV_AWS_131", "CKV_AWS_91", "CKV_AWS_150", "CKV_AWS_2", "CKV_AWS_103", "CKV2_AWS_20", "CKV_AWS_260", "CKV_AWS_277",
      "CKV_AWS_382", "CKV_AWS_50", "CKV_AWS_115", "CKV_AWS_363", "CKV_AWS_364", "CKV_AWS_28", "CKV_AWS_119", "CKV_AWS_75",
      "CKV_AWS_18", "CKV_AWS_19", "CKV_AWS_21", "CKV2_AWS_6", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56",
      "CKV_AWS_355", "CKV_AWS_356", "CKV_AWS_63", "CKV_AWS_62", "CKV_AWS_66", "CKV_AWS_158", "CKV_AWS_338",
      "AWS-0052", "AWS-0054", "AWS-0047", "AWS-0057", "AWS-0104",
    ];
    expect(required.filter((id) => !RULES.some((r) => r.id === id))).toEqual([]);
  });
  it("has a breaker for every rule and no rule twice", () => {
    expect(RULES.map((r) => r.id).filter((id) => !BREAK[id])).toEqual([]);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  });
  it("every rule examines resources of the hardened stack (except CKV_AWS_356: the stack builds IAM documents inline, never as aws_iam_policy_document)", () => {
    const { tf } = STACKS["hardened prod"];
    expect(RULES.filter((r) => r.id !== "CKV_AWS_356" && r.check(tf).checked.length === 0).map((r) => r.id)).toEqual([]);
    expect(tf.data?.aws_iam_policy_document).toBeUndefined();
  });
  it("lists each exception once per rule id and config scope, with a reason", () => {
    for (const e of SECURITY_EXCEPTIONS) expect(e.reason.length).toBeGreaterThan(20);
    expect(new Set(SECURITY_EXCEPTIONS.map((e) => e.id)).size).toBe(SECURITY_EXCEPTIONS.length);
  });
  it("the hardened prod stack needs only the exceptions that hold everywhere", () => {
    const { config } = STACKS["hardened prod"];
    const used = SECURITY_EXCEPTIONS.filter((e) => e.applies(config)).map((e) => e.id);
    expect(used.sort()).toEqual(
      ["CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_117", "CKV_AWS_272", "CKV_AWS_173", "CKV_AWS_158", "CKV_AWS_260", "CKV_AWS_18", "CKV_AWS_145", "CKV_AWS_144", "CKV2_AWS_62", "CKV2_AWS_28", "CKV2_AWS_11", "AWS-0053"].sort(),
    );
  });
});
