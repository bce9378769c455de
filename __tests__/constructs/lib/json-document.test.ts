import { Testing, TerraformOutput, TerraformStack } from "cdktf";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { jsonDocument } from "../../../constructs/lib/json-document";
import { decodeJsonencode } from "../../../model/iam/hcl";
import { resourcesOf, synthGlobalApp, type TerraformJson } from "../../support/synth";
import { describeWithTerraform, runTerraform } from "../../support/terraform";

/**
 * jsonDocument: a JSON document embedded in an attribute survives both of cdktf's output forms, and
 * Terraform's jsonencode then yields exactly the document. The characters cdktf's own Fn.jsonencode
 * leaves unescaped are here on purpose: the double quotes of the dashboard's SEARCH expressions,
 * backslashes, `%{`, `${`, control characters, a string that starts and ends with a quote.
 */
const TRICKY = {
  search: `SEARCH('{GlobalApp,region} MetricName="Requests" service="globalapp-dev"', 'Sum', 60)`,
  path: "C:\\tmp\\new",
  template: "50%{x} and ${y} and $${z}",
  control: "line\nbreak\ttab\rreturn\u0001",
  quoted: '"quoted"',
  endsInBackslash: "trailing\\",
  unicode: "→ é 😀",
  nested: [{ n: 1.5, b: false, z: null }, ["a", 'b"c']],
  'key "with" quotes': "k",
};

/** A stack whose only content is outputs holding jsonDocument expressions (no provider needed). */
function outputsStack(): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, "docs");
  new TerraformOutput(stack, "tricky", { value: jsonDocument(TRICKY) });
  return stack;
}

describe("jsonDocument", () => {
  it("is a jsonencode expression whose literals read back exactly", () => {
    const tf = JSON.parse(Testing.synth(outputsStack())) as { output: { tricky: { value: string } } };
    expect(tf.output.tricky.value).toMatch(/^\$\{jsonencode\(/);
    expect(decodeJsonencode(tf.output.tricky.value)).toEqual(TRICKY);
  });

  it("keeps references as Terraform references, inside strings too", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "refs");
    new AwsProvider(stack, "aws", { region: "us-west-2" });
    const topic = new SnsTopic(stack, "topic", { name: "t" });
    new TerraformOutput(stack, "doc", { value: jsonDocument({ arn: topic.arn, objects: `${topic.arn}/*`, label: 'say "hi"' }) });
    const tf = JSON.parse(Testing.synth(stack)) as { output: { doc: { value: string } } };
    expect(tf.output.doc.value).toContain('"arn" = aws_sns_topic.topic.arn');
    expect(decodeJsonencode(tf.output.doc.value)).toEqual({ arn: "${aws_sns_topic.topic.arn}", objects: "${aws_sns_topic.topic.arn}/*", label: 'say "hi"' });
  });

  it("accepts typed documents and refuses what JSON cannot hold, at compile time", () => {
    interface Widget {
      readonly title: string;
      readonly metrics: ReadonlyArray<readonly string[]>;
    }
    const widget: Widget = { title: "t", metrics: [["a", "b"]] };
    expect(decodeJsonencode(jsonDocument({ widgets: [widget] }))).toBeDefined();
    // @ts-expect-error a function is no JSON value
    expect(() => jsonDocument({ f: () => 1 })).toBeDefined();
  });
});

/** Every string attribute of a synthesized configuration, with where it is. */
function strings(value: unknown, path: string, out: Array<[string, string]> = []): Array<[string, string]> {
  if (typeof value === "string") out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) strings(v, `${path}.${k}`, out);
  return out;
}

/** Whether a string is a serialized JSON object or array (what must be a jsonencode expression instead). */
function isJsonDocument(s: string): boolean {
  if (!/^\s*[[{]/.test(s)) return false;
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

describe("no resource attribute holds a serialized JSON document (every one is a jsonencode expression)", () => {
  const DOMAIN = { name: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };
  const configs: Record<string, object> = {
    default: {},
    prod: { environment: "prod", alarms: { email: "oncall@example.com" }, ci: { github: { repository: "acme/globalapp" } } },
    "routing both, issued certificates": { routing: "both", domain: DOMAIN, https: { issueCertificates: true }, route53: { healthChecks: "route53" } },
    "flow logs, access logs": { accelerator: { flowLogs: true }, alb: { accessLogs: true } },
  };
  it.each(Object.keys(configs))("%s", (name) => {
    const { tf } = synthGlobalApp(configs[name]);
    const body = (t: TerraformJson) => ({ resource: t.resource, data: t.data, output: t.output });
    const found = strings(body(tf), "").filter(([, s]) => isJsonDocument(s));
    expect(found).toEqual([]);
    // The documents the stack does embed are all read back by the model the IAM inventory uses.
    const documents = strings(body(tf), "").filter(([, s]) => s.startsWith("${jsonencode("));
    expect(documents.length).toBeGreaterThan(5);
    for (const [, doc] of documents) expect(decodeJsonencode(doc)).toEqual(expect.anything());
    expect(resourcesOf(tf, "aws_cloudwatch_dashboard").every(([, d]) => String(d.dashboard_body).startsWith("${jsonencode("))).toBe(true);
  });
});

describeWithTerraform("jsonDocument under terraform: jsonencode yields exactly the document, from cdk.tf.json and from cdk.tf", (tf) => {
  const values: Record<string, unknown> = {};
  beforeAll(async () => {
    const stack = outputsStack();
    const forms = { json: ["cdk.tf.json", Testing.synth(stack)], hcl: ["cdk.tf", Testing.synthHcl(stack)] } as const;
    const root = mkdtempSync(join(tmpdir(), "globalapp-jsondoc-"));
    await Promise.all(
      Object.entries(forms).map(async ([form, [file, text]]) => {
        const dir = join(root, form);
        mkdirSync(dir);
        writeFileSync(join(dir, file), text);
        // No provider and no resource: init and apply only evaluate the outputs, locally.
        for (const args of [["init", "-input=false"], ["apply", "-auto-approve", "-input=false"]]) {
          const res = await runTerraform(tf, dir, args);
          if (res.code !== 0) throw new Error(`terraform ${args[0]} (${form}) failed:\n${res.stdout}\n${res.stderr}`);
        }
        const out = await runTerraform(tf, dir, ["output", "-raw", "tricky"]);
        values[form] = JSON.parse(out.stdout);
      }),
    );
  }, 120_000);

  it.each(["json", "hcl"])("%s", (form) => {
    expect(values[form]).toEqual(TRICKY);
  });
});
