import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { functionEnvironment } from "../../../functions/lib/env";
import { metricsEnvironment } from "../../../functions/lib/metrics";
import { PROJECT_VARIABLES, projectVariableReason } from "../../../functions/lib/variables";
import {
  ARN_PATTERN,
  BUILT_IN_FUNCTION_ENTRY,
  environmentBytes,
  FUNCTION_ROLE_SIDS,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
  loadConfig,
  ownFunctionEntry,
  probePath,
  projectEnvironment,
  resolveEntry,
} from "../../../model/config";
import { PROJECT_ROOT } from "../../../lib/project";
import { configWith, itemFunctions, synthGlobalApp } from "../../support/synth";

/**
 * `function.entry`, `function.environment` and `function.policyStatements`: what the config accepts,
 * and every refusal as one line naming the key (statements checked against AWS's reference data).
 */
const withFunction = (fn: unknown) => () => configWith({ function: fn });
const statement = (s: Record<string, unknown>) => withFunction({ policyStatements: [{ actions: ["ssm:GetParameter"], resources: ["arn:aws:ssm:*:*:parameter/notes/*"], ...s }] });

describe("function.entry", () => {
  it("defaults to the article's item API, which runs without the wrapper", () => {
    const config = configWith();
    expect(config.function.entry).toBe(BUILT_IN_FUNCTION_ENTRY);
    expect(ownFunctionEntry(config)).toBeUndefined();
    expect(ownFunctionEntry(configWith({ function: { entry: "./functions/get.ts" } }))).toBeUndefined();
    expect(probePath(config)).toBe("/get/foobar");
  });

  it("names your own function otherwise, probed at /", () => {
    const config = configWith({ function: { entry: "examples/notes/handler.ts" } });
    expect(ownFunctionEntry(config)).toBe("examples/notes/handler.ts");
    expect(probePath(config)).toBe("/");
  });

  it.each([["handler.py"], [""], ["handler"]])("refuses %p: not a TypeScript or JavaScript module", (entry) => {
    expect(withFunction({ entry })).toThrow(new RegExp(`function\\.entry = ${JSON.stringify(entry).replace(/\./g, "\\.")}: must be the path of a \\.ts, \\.mts, \\.js or \\.mjs file`));
  });

  describe("in a GLOBALAPP_CONFIG file", () => {
    const dir = mkdtempSync(join(tmpdir(), "globalapp-entry-"));
    mkdirSync(join(dir, "api"));
    writeFileSync(join(dir, "api", "handler.ts"), "export async function handler() { return { statusCode: 200 }; }\n");
    const file = (entry: string) => {
      const path = join(dir, "api", `config-${Buffer.from(entry).toString("hex")}.json`);
      writeFileSync(path, JSON.stringify({ function: { entry } }));
      return path;
    };

    it("is relative to the file's own directory", () => {
      expect(loadConfig({ overridePath: file("handler.ts"), projectRoot: PROJECT_ROOT }).function.entry).toBe(join(dir, "api", "handler.ts"));
    });
    it("else to the project, and then stays project-relative", () => {
      expect(loadConfig({ overridePath: file("examples/notes/handler.ts"), projectRoot: PROJECT_ROOT }).function.entry).toBe("examples/notes/handler.ts");
      expect(resolveEntry("examples/notes/handler.ts", join(PROJECT_ROOT, "examples", "notes", "globalapp.json"), PROJECT_ROOT)).toBe("examples/notes/handler.ts");
      expect(resolveEntry("handler.ts", join(PROJECT_ROOT, "examples", "notes", "globalapp.json"), PROJECT_ROOT)).toBe("examples/notes/handler.ts");
    });
    it("keeps an absolute path, and names a missing file where it was looked for first", () => {
      expect(resolveEntry(join(dir, "api", "handler.ts"), "/elsewhere/c.json", PROJECT_ROOT)).toBe(join(dir, "api", "handler.ts"));
      expect(loadConfig({ overridePath: file("nope.ts"), projectRoot: PROJECT_ROOT }).function.entry).toBe(join(dir, "api", "nope.ts"));
    });
  });
});

describe("function.environment", () => {
  it("takes variables of your own", () => {
    expect(configWith({ function: { environment: { NOTES_MAX_TEXT_BYTES: "2000", db_host: "x", LOG_LEVEL: "" } } }).function.environment).toEqual({
      NOTES_MAX_TEXT_BYTES: "2000",
      db_host: "x",
      LOG_LEVEL: "",
    });
  });

  it.each([
    ["STATUS", /function\.environment\.STATUS = "x": is GlobalApp's: STATUS is set by GlobalApp/],
    ["TABLE_NAME", /function\.environment\.TABLE_NAME = "x": is GlobalApp's/],
    ["HEALTH_CHECK_MODE", /function\.environment\.HEALTH_CHECK_MODE = "x": is GlobalApp's/],
    ["HEALTH_CHECK_ANYTHING", /function\.environment\.HEALTH_CHECK_ANYTHING = "x": is GlobalApp's: names starting with HEALTH_CHECK_/],
    ["AWS_REGION", /function\.environment\.AWS_REGION = "x": is GlobalApp's: names starting with AWS_/],
    ["AWS_ENDPOINT_URL_DYNAMODB", /function\.environment\.AWS_ENDPOINT_URL_DYNAMODB = "x": is GlobalApp's/],
    ["POWERTOOLS_SERVICE_NAME", /function\.environment\.POWERTOOLS_SERVICE_NAME = "x": is GlobalApp's/],
    ["POWERTOOLS_METRICS_NAMESPACE", /function\.environment\.POWERTOOLS_METRICS_NAMESPACE = "x": is GlobalApp's/],
    ["POWERTOOLS_LOG_LEVEL", /function\.environment\.POWERTOOLS_LOG_LEVEL = "x": is GlobalApp's/],
    ["LAMBDA_TASK_ROOT", /function\.environment\.LAMBDA_TASK_ROOT = "x": is GlobalApp's: LAMBDA_TASK_ROOT is set by GlobalApp or reserved by Lambda/],
  ])("refuses %s, naming the key", (name, message) => {
    expect(withFunction({ environment: { [name]: "x" } })).toThrow(message);
  });

  it("refuses every variable the synthesized stack gives the function, and those the local system adds", () => {
    const { tf } = synthGlobalApp();
    const set = Object.keys((itemFunctions(tf)[0][1].environment as { variables: Record<string, string> }).variables);
    expect(set.length).toBeGreaterThan(3);
    for (const name of [...set, "AWS_ENDPOINT_URL_DYNAMODB", "POWERTOOLS_LOG_LEVEL", "AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "_HANDLER"]) {
      expect([name, projectVariableReason(name)]).toEqual([name, expect.any(String)]);
    }
    // Derived from the code that sets them, not written out twice.
    expect(PROJECT_VARIABLES).toEqual(
      expect.arrayContaining([
        ...Object.keys(functionEnvironment({ tableName: "t", healthCheckMode: "deep", healthPath: "/h" })),
        ...Object.keys(metricsEnvironment({ namespace: "n", service: "s" })),
      ]),
    );
    expect(projectVariableReason("NOTES_MAX_TEXT_BYTES")).toBeUndefined();
  });

  it.each([["1ST"], ["A"], ["MY-VAR"], ["_PRIVATE"], ["WITH SPACE"]])("refuses the name %p: Lambda's rule is a letter, then letters, digits or _", (name) => {
    expect(withFunction({ environment: { [name]: "x" } })).toThrow(/must be a letter, then letters, digits or _ \(two characters at least: Lambda's rule for variable names\)/);
  });

  it("refuses values that are not strings", () => {
    expect(withFunction({ environment: { PORT: 8080 } })).toThrow(/function\.environment\.PORT = 8080: must be a string/);
    expect(withFunction({ environment: ["A=1"] })).toThrow(/function\.environment = \["A=1"\]: must be a JSON object/);
  });

  it("holds Lambda's 4 KB for all variables, GlobalApp's own counted in, to the byte", () => {
    const config = configWith();
    const own = environmentBytes(projectEnvironment(config, "shallow"));
    // {…own…,"FILL":"<n>"}: the comma, the quoted name, the colon and the quotes add 10 bytes.
    const fits = LAMBDA_ENVIRONMENT_LIMIT_BYTES - own - 10;
    expect(LAMBDA_ENVIRONMENT_LIMIT_BYTES).toBe(4096);
    expect(withFunction({ environment: { FILL: "x".repeat(fits) } })).not.toThrow();
    expect(withFunction({ environment: { FILL: "x".repeat(fits + 1) } })).toThrow(
      new RegExp(`function\\.environment = \\{"FILL":"x+… \\(\\d+ characters\\): the function's variables take 4097 bytes as Lambda counts them \\(their JSON; GlobalApp's own take ${own}\\): Lambda allows 4096 \\(4 KB\\)`),
    );
    // UTF-8 bytes, not characters: "é" is two.
    expect(withFunction({ environment: { FILL: "é".repeat(Math.ceil((fits + 1) / 2)) } })).toThrow(/Lambda allows 4096/);
  });
});

describe("function.policyStatements", () => {
  it("takes statements that name real actions on resources they fit, with conditions", () => {
    const config = configWith({
      function: {
        policyStatements: [
          { actions: ["ssm:GetParameter", "ssm:GetParametersByPath"], resources: ["arn:aws:ssm:*:*:parameter/notes/*"] },
          { sid: "SendAlerts", effect: "Allow", actions: ["sns:Publish"], resources: ["arn:aws:sns:*:123456789012:notes-alerts"], conditions: { Bool: { "aws:SecureTransport": "true" } } },
          // X-Ray's sampling rules have no resource-level permissions: "*" is their only resource.
          { actions: ["xray:GetSamplingRules"], resources: ["*"] },
        ],
      },
    });
    expect(config.function.policyStatements).toHaveLength(3);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["the action *", { actions: ["*"] }, /function\.policyStatements\[0\]\.actions\[0\] = "\*": is "\*", every action of every service/],
    ["a service wildcard", { actions: ["s3:*"] }, /actions\[0\] = "s3:\*": has a wildcard: name each action/],
    ["a partial wildcard", { actions: ["ssm:GetParameter", "ssm:Get*"] }, /actions\[1\] = "ssm:Get\*": has a wildcard/],
    ["an IAM action", { actions: ["iam:PassRole"], resources: ["arn:aws:iam::123456789012:role/x"] }, /actions\[0\] = "iam:PassRole": is an IAM action/],
    ["an IAM action in other case", { actions: ["IAM:CreatePolicyVersion"] }, /actions\[0\] = "IAM:CreatePolicyVersion": is an IAM action/],
    ["an action without a service", { actions: ["GetParameter"] }, /actions\[0\] = "GetParameter": must be an IAM action "service:Action"/],
    ["an action AWS does not have", { actions: ["ssm:GetParameterz"] }, /actions\[0\] = "ssm:GetParameterz": not an action in the Service Authorization Reference \(ssm has no such action\), @cloud-copilot\/iam-data/],
    ["a service AWS does not have", { actions: ["ssn:GetParameter"] }, /actions\[0\] = "ssn:GetParameter": not an action in the Service Authorization Reference \(no service has the prefix "ssn"\)/],
    ["no actions", { actions: [] }, /function\.policyStatements\[0\]\.actions = \[\]: must name at least one action/],
    ["no resources", { resources: [] }, /resources = \[\]: must name at least one resource/],
    ["a resource that is no ARN", { resources: ["notes/*"] }, /resources\[0\] = "notes\/\*": must be an ARN "arn:partition:service:region:account:resource"/],
    ["an ARN with a wildcard service", { resources: ["arn:aws:*:*:*:parameter/x"] }, /resources\[0\] = "arn:aws:\*:\*:\*:parameter\/x": must be an ARN/],
    ["\"*\" for an action with resource-level permissions", { resources: ["*"] }, /resources\[0\] = "\*": is "\*", but ssm:GetParameter supports resource-level permissions \(parameter\): name the resources/],
    ["an ARN of another service", { resources: ["arn:aws:s3:::notes/*"] }, /resources\[0\] = "arn:aws:s3:::notes\/\*": matches no resource type of the statement's actions \(ssm:GetParameter\)/],
    ["a resource no action applies to", { actions: ["ssm:GetParameter", "sns:Publish"], resources: ["arn:aws:ssm:*:*:parameter/x"] }, /resources = \["arn:aws:ssm:\*:\*:parameter\/x"\]: sns:Publish: no Resource entry matches a resource type it supports \(topic\)/],
    ["an unknown condition operator", { conditions: { StringEqualz: { "aws:SourceVpc": "vpc-1" } } }, /conditions\.StringEqualz = \{"aws:SourceVpc":"vpc-1"\}: not an IAM condition operator/],
    ["a condition key the action lacks", { conditions: { StringEquals: { "s3:prefix": "a" } } }, /conditions\.StringEquals\.s3:prefix = "a": ssm:GetParameter has no such condition key/],
    ["a condition value that is a number", { conditions: { NumericLessThan: { "aws:MultiFactorAuthAge": 300 } } }, /conditions\.NumericLessThan\.aws:MultiFactorAuthAge = 300: must be a string or a list of strings/],
    ["an effect IAM does not know", { effect: "Maybe" }, /effect = "Maybe": allowed: Allow \| Deny/],
    ["a Sid that is not letters and digits", { sid: "my-sid" }, /sid = "my-sid": must be 1-128 letters and digits/],
    ["GlobalApp's own Sid", { sid: FUNCTION_ROLE_SIDS.replica }, /sid = "ItemsInRegionalReplica": is one of GlobalApp's own statements/],
    ["an unknown key", { action: ["ssm:GetParameter"] }, /function\.policyStatements\[0\]\.action: unknown key — did you mean function\.policyStatements\[0\]\.actions\?/],
  ])("refuses %s, naming the key", (_name, override, message) => {
    expect(statement(override)).toThrow(message);
  });

  it("refuses a Sid used twice, the generated ones included", () => {
    const two = { actions: ["ssm:GetParameter"], resources: ["arn:aws:ssm:*:*:parameter/a"] };
    expect(withFunction({ policyStatements: [two, { ...two, sid: "FunctionStatement1" }] })).toThrow(/policyStatements\[1\]\.sid = "FunctionStatement1": repeats the Sid of function\.policyStatements\[0\]/);
  });

  it("names an ARN pattern by its parts", () => {
    for (const ok of ["arn:aws:s3:::bucket/*", "arn:aws-cn:ssm:cn-north-1:123456789012:parameter/x", "arn:*:sqs:*:*:notes-*", "arn:aws:iam::aws:policy/ReadOnlyAccess"]) {
      expect([ok, ARN_PATTERN.test(ok)]).toEqual([ok, true]);
    }
    for (const bad of ["*", "arn:aws:ssm", "arn:aws::eu-west-1:1:x", "arn:aws:ssm:eu-west-1:12345678901234:parameter/x", "arn:aws:ssm:eu-west-1:1: x"]) {
      expect([bad, ARN_PATTERN.test(bad)]).toEqual([bad, false]);
    }
  });
});
