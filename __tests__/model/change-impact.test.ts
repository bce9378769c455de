import { readFileSync } from "node:fs";
import { join } from "node:path";
import { changeImpact, REPLACING_ATTRIBUTES, STATEFUL_TYPES } from "../../model/change-impact";
import type { SynthesizedStack } from "../../model/synthesized";
import { type Answers, type Probe, probes } from "../support/provider-replacements";
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

/**
 * The table against the provider, entry by entry. The expectation is independent of the table: the
 * aws provider 5.100.0 binary's own answers for every attribute the stack sets (the fixture, asked by
 * __tests__/terraform/replacements.terraform.test.ts, which fails when the binary answers otherwise).
 */
const ANSWERS = (JSON.parse(readFileSync(join(__dirname, "fixtures", "aws-provider-replacements.json"), "utf8")) as { provider: string; types: Answers }).types;
/** A real synthesized resource per (type, attribute), with that attribute changed (support/provider-replacements.ts). */
const PROBES = new Map(probes().map((p) => [`${p.type}.${p.attr}`, p]));
const stackOf = (type: string, body: Readonly<Record<string, unknown>>): SynthesizedStack => ({ resource: { [type]: { r: body } } });

/**
 * The probe's change as two synths would show it. A reference the probe leaves as it is (the provider
 * was given two different stand-ins for it) changes the way references do between synths: it names
 * another resource.
 */
function changed(p: Probe): Readonly<Record<string, unknown>> {
  if (JSON.stringify(p.after[p.attr]) !== JSON.stringify(p.before[p.attr])) return p.after;
  const renamed = JSON.stringify(p.before[p.attr]).replace(/\b(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g, "$1.$2-renamed");
  return { ...p.after, [p.attr]: JSON.parse(renamed) };
}

describe("the replaces table is the aws provider 5.100.0's answer (fixture asked of the binary)", () => {
  it("covers the same resource types as the provider's answers, and the stack's", () => {
    expect(Object.keys(REPLACING_ATTRIBUTES).sort()).toEqual(Object.keys(ANSWERS).sort());
  });
  it.each(Object.keys(ANSWERS))("%s: exactly the attributes the provider replaces on (besides provider)", (type) => {
    expect([...(REPLACING_ATTRIBUTES[type] ?? [])].filter((a) => a !== "provider").sort()).toEqual(ANSWERS[type].replaces);
    expect(REPLACING_ATTRIBUTES[type]).toContain("provider");
  });

  const replacing = Object.entries(ANSWERS).flatMap(([type, a]) => a.replaces.map((attr) => [type, attr] as const));
  it.each(replacing)("%s.%s changed between two synths: synth warns that it replaces the resource", (type, attr) => {
    const p = PROBES.get(`${type}.${attr}`)!;
    const found = changeImpact(stackOf(type, p.before), stackOf(type, changed(p)));
    expect(found).toContainEqual(expect.objectContaining({ kind: "replace", address: `${type}.r`, reason: expect.stringContaining(`${attr}: `) }));
  });

  const inPlace = Object.entries(ANSWERS).flatMap(([type, a]) => a.inPlace.map((attr) => [type, attr] as const));
  it.each(inPlace)("%s.%s changed between two synths: updated in place, no replacement warned", (type, attr) => {
    const p = PROBES.get(`${type}.${attr}`)!;
    expect(changeImpact(stackOf(type, p.before), stackOf(type, changed(p))).filter((i) => i.kind === "replace")).toEqual([]);
  });

  it.each(Object.keys(REPLACING_ATTRIBUTES))("%s moved to another region's provider: replaced", (type) => {
    const body = [...PROBES.values()].find((p) => p.type === type)!.before;
    const found = changeImpact(stackOf(type, body), stackOf(type, { ...body, provider: "aws.ap-south-1" }));
    expect(found).toContainEqual(expect.objectContaining({ kind: "replace", reason: expect.stringContaining("provider: ") }));
  });
});
