import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { DynamodbTableItem } from "@cdktf/provider-aws/lib/dynamodb-table-item";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { GlobalTable, GlobalTableProps } from "../../constructs/global-table";
import { decodeJsonencode } from "../../model/iam/hcl";

function build(props: Partial<GlobalTableProps> = {}, regions = ["us-west-2", "eu-central-1"]) {
  const stack = new TerraformStack(Testing.app(), "test");
  const providers = Object.fromEntries(regions.map((r) => [r, new AwsProvider(stack, r, { region: r, alias: r })]));
  const table = new GlobalTable(stack, "table", {
    tableName: "GlobalApp",
    homeRegion: regions[0],
    provider: providers[regions[0]],
    regions,
    ...props,
  });
  return { table, json: Testing.synth(stack), parsed: JSON.parse(Testing.synth(stack)) };
}

describe("GlobalTable", () => {
  it("is an on-demand table keyed by item_id (S) with NEW_AND_OLD_IMAGES streams", () => {
    expect(build().json).toHaveResourceWithProperties(DynamodbTable, {
      name: "GlobalApp",
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "item_id",
      attribute: [{ name: "item_id", type: "S" }],
      stream_enabled: true,
      stream_view_type: "NEW_AND_OLD_IMAGES",
    });
  });
  it("lives in the home region's provider", () => {
    expect(build().json).toHaveResourceWithProperties(DynamodbTable, { provider: "aws.us-west-2" });
  });
  it("has one replica per other region, with PITR and tag propagation", () => {
    const { parsed } = build({}, ["us-west-2", "eu-central-1", "ap-northeast-1"]);
    const table = Object.values(parsed.resource.aws_dynamodb_table)[0] as { replica: unknown[] };
    expect(table.replica).toEqual([
      { region_name: "eu-central-1", point_in_time_recovery: true, propagate_tags: true },
      { region_name: "ap-northeast-1", point_in_time_recovery: true, propagate_tags: true },
    ]);
  });
  it("has no replica in a single-region setup", () => {
    const { parsed } = build({}, ["eu-west-1"]);
    const table = Object.values(parsed.resource.aws_dynamodb_table)[0] as { replica: unknown[] };
    expect(table.replica).toEqual([]);
  });
  it("turns point-in-time recovery on for the table", () => {
    expect(build().json).toHaveResourceWithProperties(DynamodbTable, { point_in_time_recovery: { enabled: true } });
  });
  it("leaves deletion protection off by default and on when asked", () => {
    expect(build().json).toHaveResourceWithProperties(DynamodbTable, { deletion_protection_enabled: false });
    expect(build({ deletionProtection: true }).json).toHaveResourceWithProperties(DynamodbTable, { deletion_protection_enabled: true });
  });
  it("uses a customer-managed KMS key per region when given", () => {
    const { parsed } = build({
      kmsKeyArns: { "us-west-2": "arn:aws:kms:us-west-2:123456789012:key/a", "eu-central-1": "arn:aws:kms:eu-central-1:123456789012:key/b" },
    });
    const table = Object.values(parsed.resource.aws_dynamodb_table)[0] as Record<string, unknown>;
    expect(table.server_side_encryption).toEqual({ enabled: true, kms_key_arn: "arn:aws:kms:us-west-2:123456789012:key/a" });
    expect(table.replica).toEqual([expect.objectContaining({ kms_key_arn: "arn:aws:kms:eu-central-1:123456789012:key/b" })]);
  });
  it("says how long terraform waits on it: the aws provider 5.100.0's own floors (a shorter value is ignored)", () => {
    // internal/service/dynamodb: table.go Timeouts (create 30m, update 60m, delete 10m) and wait.go,
    // where every wait is max(its floor, the configured value); see TABLE_TIMEOUTS.
    const table = Object.values(build().parsed.resource.aws_dynamodb_table)[0] as Record<string, unknown>;
    expect(table.timeouts).toEqual({ create: "30m", update: "60m", delete: "10m" });
  });
  it("seeds the article's foobar item", () => {
    const { parsed } = build();
    const item = Object.values(parsed.resource.aws_dynamodb_table_item)[0] as { item: string; hash_key: string };
    expect(decodeJsonencode(item.item)).toEqual({ item_id: { S: "foobar" }, message: { S: "Hello from GlobalApp" } });
    expect(item.hash_key).toMatch(/hash_key/);
  });
  it("can skip the seed item", () => {
    expect(build({ seedItem: false }).json).not.toHaveResource(DynamodbTableItem);
  });
  it("derives each replica's ARN from the table's ARN, and the home region's is the table's", () => {
    const { table } = build();
    const stack = TerraformStack.of(table);
    new TerraformOutput(stack, "home", { value: table.arnIn("us-west-2") });
    new TerraformOutput(stack, "replica", { value: table.arnIn("eu-central-1") });
    const out = JSON.parse(Testing.synth(stack)).output;
    expect(out.home.value).toMatch(/^\$\{aws_dynamodb_table\.[^.]+\.arn\}$/);
    expect(out.replica.value).toBe(`\${replace(${out.home.value.slice(2, -1)}, ":us-west-2:", ":eu-central-1:")}`);
  });
  it("rejects a home region that is not a region", () => {
    expect(() => build({ homeRegion: "ap-south-1" })).toThrow(/homeRegion "ap-south-1" is not one of regions/);
  });
  it("rejects a KMS key for a region without a copy", () => {
    expect(() => build({ kmsKeyArns: { "ap-south-1": "arn:aws:kms:ap-south-1:1:key/x" } })).toThrow(/kmsKeyArns names "ap-south-1"/);
  });
  it("rejects an ARN lookup for a region without a copy", () => {
    expect(() => build().table.arnIn("ap-south-1")).toThrow(/no replica in "ap-south-1"/);
  });
});
