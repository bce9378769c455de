import { existsSync } from "node:fs";
import { PROVIDER_CALLS, providerOperations } from "../../model/iam";
import { defaultBinary, extract, operationOf, ROOTS, TAG_BRANCHES } from "../../scripts/provider-operations";

/**
 * `npm run iam:operations`: what it counts as an AWS operation, that its roots cover the table's
 * types with the files the fixture names, and (where the provider mirror holds the binary, as on these
 * machines and CI) that extracting a type again reproduces the stored fixture.
 */
describe("operationOf", () => {
  it("names SDK v2 client calls and paginator pages, nothing else", () => {
    expect(operationOf("github.com/aws/aws-sdk-go-v2/service/dynamodb.(*Client).DescribeTable")).toBe("dynamodb:DescribeTable");
    expect(operationOf("github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2.(*DescribeTargetGroupsPaginator).NextPage")).toBe("elasticloadbalancingv2:DescribeTargetGroups");
    expect(operationOf("github.com/aws/aws-sdk-go-v2/service/s3.(*ListObjectVersionsPaginator).NextPage")).toBe("s3:ListObjectVersions");
    expect(operationOf("github.com/aws/aws-sdk-go-v2/service/dynamodb.(*Client).Options")).toBeUndefined();
    expect(operationOf("github.com/aws/aws-sdk-go-v2/service/dynamodb.(*Client).invokeOperation")).toBeUndefined();
    expect(operationOf("github.com/hashicorp/terraform-provider-aws/internal/service/dynamodb.findTableByName")).toBeUndefined();
  });
});

describe("ROOTS", () => {
  it("has one entry per table type, with the file the fixture names", () => {
    expect(Object.keys(ROOTS).sort()).toEqual(Object.keys(PROVIDER_CALLS).sort());
    const fixture = providerOperations();
    for (const [type, root] of Object.entries(ROOTS)) expect([type, fixture.types[type].file]).toEqual([type, `internal/service/${root.pkg}/${root.file}`]);
    for (const type of Object.keys(TAG_BRANCHES)) expect(ROOTS[type]).toBeDefined();
  });
});

const binary = defaultBinary(process.env);
// The binary sits in the provider mirror of these machines (and .ci/run's); elsewhere terraform
// downloads it on demand, so say visibly what is not checked and how to check it.
const withBinary = existsSync(binary) ? describe : describe.skip;
if (!existsSync(binary)) {
  process.stderr.write(`\n[globalapp] SKIPPED "extraction from the provider binary": no hashicorp/aws 5.100.0 binary at ${binary}; set GLOBALAPP_TF_PROVIDER_MIRROR to a filesystem mirror holding it (and install gdb) to check that npm run iam:operations reproduces the fixture\n`);
}
withBinary(`extraction from ${binary}`, () => {
  it("reproduces the fixture for a type, and reads the provider's commit from the binary", () => {
    const types = ["aws_lambda_permission", "aws_s3_bucket_versioning"];
    const again = extract(binary, () => undefined, types);
    const stored = providerOperations();
    expect(again.commit).toBe(stored.commit);
    for (const t of types) expect(again.types[t]).toEqual(stored.types[t]);
  }, 120_000);
});
