import { changeImpact, REPLACING_ATTRIBUTES, STATEFUL_TYPES } from "../../model/change-impact";
import { synthGlobalApp } from "../support/synth";

/** What a change replaces or destroys, predicted from two synthesized stacks. */
const impacts = (before: object, after: object) => changeImpact(synthGlobalApp(before).tf, synthGlobalApp(after).tf);

describe("changeImpact", () => {
  it("finds nothing for the same config, or for changes AWS applies in place", () => {
    expect(impacts({}, {})).toEqual([]);
    expect(impacts({}, { accelerator: { trafficDials: { "us-west-2": 0 }, clientAffinity: "SOURCE_IP" }, healthCheck: { intervalSeconds: 30 } })).toEqual([]);
    expect(impacts({}, { function: { memoryMb: 512 }, accelerator: { name: "renamed" } })).toEqual([]);
  });
  it("alb.internal replaces the ALBs", () => {
    const found = impacts({}, { alb: { internal: true } });
    expect(found.map((i) => i.kind)).toEqual(["replace", "replace"]);
    expect(found.every((i) => i.address.startsWith("aws_lb.") && i.reason === "internal: false → true" && !i.stateful)).toBe(true);
  });
  it("a new tableName replaces the table (stateful: its items are lost)", () => {
    const [table] = impacts({}, { tableName: "Orders" }).filter((i) => i.address.startsWith("aws_dynamodb_table."));
    expect(table).toMatchObject({ kind: "replace", reason: 'name: "GlobalApp" → "Orders"', stateful: true });
  });
  it("a new homeRegion moves the table to another provider: replaced", () => {
    const table = impacts({}, { homeRegion: "eu-central-1" }).find((i) => i.address.startsWith("aws_dynamodb_table.") && i.kind === "replace");
    expect(table?.reason).toMatch(/provider: "aws.us-west-2" → "aws.eu-central-1"/);
  });
  it("turning customer-managed keys on recreates every replica (the home table's key changes in place)", () => {
    const found = impacts({}, { table: { customerManagedKey: true } });
    expect(found).toEqual([expect.objectContaining({ kind: "recreate-replica", address: expect.stringMatching(/\(replica eu-central-1\)$/), stateful: true })]);
  });
  it("a removed region destroys its resources and deletes its replica", () => {
    const found = impacts({ regions: ["us-west-2", "eu-central-1", "ap-northeast-1"] }, {});
    expect(found.filter((i) => i.kind === "delete-replica").map((i) => i.address)).toEqual([expect.stringMatching(/\(replica ap-northeast-1\)$/)]);
    const destroyed = found.filter((i) => i.kind === "destroy");
    expect(destroyed.length).toBeGreaterThan(20);
    expect(destroyed.every((i) => i.address.includes("ap-northeast-1"))).toBe(true);
  });
  it("a new appName or environment renames, so replaces, the ALBs, functions and roles", () => {
    const types = new Set(impacts({}, { appName: "shop" }).filter((i) => i.kind === "replace").map((i) => i.address.split(".")[0]));
    for (const t of ["aws_lb", "aws_lb_target_group", "aws_lambda_function", "aws_iam_role", "aws_cloudwatch_log_group", "aws_security_group"]) expect(types).toContain(t);
    expect(types).not.toContain("aws_dynamodb_table");
  });
  it("a new VPC CIDR replaces the VPC and its subnets", () => {
    const types = impacts({}, { network: { vpcCidr: "10.7.0.0/16" } }).map((i) => i.address.split(".")[0]);
    expect(types.filter((t) => t === "aws_vpc")).toHaveLength(2);
    expect(types.filter((t) => t === "aws_subnet")).toHaveLength(4);
  });
  it("knows every resource type the stack synthesizes, in every option", () => {
    const dns = synthGlobalApp({ routing: "both", domain: { name: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" }, https: { issueCertificates: true }, route53: { healthChecks: "route53" } });
    expect(Object.keys(dns.tf.resource).filter((t) => !(t in REPLACING_ATTRIBUTES))).toEqual([]);
    const { tf } = synthGlobalApp({
      environment: "prod",
      alarms: { email: "oncall@example.com" },
      https: { certificateArns: { "us-west-2": "arn:aws:acm:us-west-2:123456789012:certificate/a", "eu-central-1": "arn:aws:acm:eu-central-1:123456789012:certificate/b" } },
    });
    const missing = Object.keys(tf.resource).filter((t) => !(t in REPLACING_ATTRIBUTES));
    expect(missing).toEqual([]);
    for (const t of STATEFUL_TYPES) expect(REPLACING_ATTRIBUTES[t]).toContain("provider");
  });
});
