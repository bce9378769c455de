import { decodeJsonencode } from "../../../model/iam/hcl";

describe("decodeJsonencode (how the IAM model and the policy rules read embedded documents)", () => {
  it("reads a cdktf jsonencode expression with references and nested quotes", () => {
    const expr = '${jsonencode({"Statement" = [{"Action" = ["s3:GetObject"], "Resource" = [replace(aws_x.y.arn, ":a:", ":b:"), "${aws_z.w.arn}/*"], "N" = 3, "B" = true}]})}';
    expect(decodeJsonencode(expr)).toEqual({
      Statement: [{ Action: ["s3:GetObject"], Resource: ['${replace(aws_x.y.arn, ":a:", ":b:")}', "${aws_z.w.arn}/*"], N: 3, B: true }],
    });
  });
  it("undoes the HCL escapes of literals: quotes, backslashes, control characters, literal ${ and %{", () => {
    // What cdktf writes for the literals below (constructs/lib/json-document.ts escapes them).
    const expr = '${jsonencode({"a" = "say \\"hi\\"", "b" = "C:\\\\tmp", "c" = "x\\ny\\tz\\r", "d" = "\\u00e9", "e" = "$${not} %%{a} 50%", "f" = null})}';
    expect(decodeJsonencode(expr)).toEqual({ a: 'say "hi"', b: "C:\\tmp", c: "x\ny\tz\r", d: "é", e: "${not} %{a} 50%", f: null });
  });
  it("reads plain JSON documents too", () => {
    expect(decodeJsonencode('{"Statement":[]}')).toEqual({ Statement: [] });
  });
  it("refuses an expression it cannot read to the end", () => {
    expect(() => decodeJsonencode('${jsonencode({"a" = 1} x)}')).toThrow(/unexpected/);
  });
});
