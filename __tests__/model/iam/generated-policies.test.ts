import { Testing } from "cdktf";
import { GlobalAppStack, STACK_NAME } from "../../../constructs/global-app-stack";
import { stateBucketStackFor } from "../../../constructs/state-bucket-stack";
import { boundaryPolicy, deployPolicy, iamContext, inventoryOf, planPolicy, type SynthesizedStack } from "../../../model/iam";
import { actionsNamed, checkPolicy } from "../../../model/iam/check";
import { checkStackPolicies, POLICY_ARGUMENTS, stackPolicies } from "../../../model/iam/stack-policies";
import { configWith } from "../../support/synth";
import { IAM_CONFIGS } from "./configs";

/**
 * Every policy the project generates, checked against AWS's Service Authorization Reference: the
 * deploy, plan and boundary policies (`npm run iam`), and every policy document in both synthesized
 * stacks (the function and tear-down roles, their trust, the GitHub OIDC roles and their managed
 * policies, key and bucket policies), for each config that adds policies of its own.
 */
const CONFIGS: Record<string, unknown> = {
  ...IAM_CONFIGS,
  "prod, every option": {
    environment: "prod",
    accelerator: { flowLogs: true, ipAddressType: "DUAL_STACK" },
    alb: { accessLogs: true },
    alarms: { email: "oncall@example.com" },
    table: { customerManagedKey: true },
    ci: { github: { repository: "acme/globalapp" } },
  },
};

interface Synthesized {
  readonly system: SynthesizedStack;
  readonly state?: SynthesizedStack;
  readonly config: ReturnType<typeof configWith>;
}

/** Both stacks of a config, synthesized once (as main.ts builds them). */
function synthesize(override: unknown): Synthesized {
  const config = configWith(override);
  const app = Testing.app();
  const system = new GlobalAppStack(app, STACK_NAME, { config });
  const state = stateBucketStackFor(app, config, system);
  return { config, system: JSON.parse(Testing.synth(system)), ...(state ? { state: JSON.parse(Testing.synth(state)) } : {}) };
}

const synths: Record<string, Synthesized> = Object.fromEntries(Object.entries(CONFIGS).map(([n, o]) => [n, synthesize(o)]));
const stacksOf = (s: Synthesized) => [s.system, ...(s.state ? [s.state] : [])];

describe.each(Object.keys(CONFIGS))("%s", (name) => {
  const s = synths[name];
  const inventory = inventoryOf(s.system);

  it.each([
    ["a 12-digit account", "123456789012"],
    ["the ${aws:PrincipalAccount} variable", undefined],
  ])("the deploy, plan and boundary policies for %s have no findings", (_label, account) => {
    const ctx = iamContext(s.config, account);
    const docs = { deploy: deployPolicy(inventory, ctx), plan: planPolicy(inventory, ctx), boundary: boundaryPolicy(inventory, ctx) };
    for (const [role, doc] of Object.entries(docs)) {
      expect(checkPolicy(doc, { name: role })).toEqual([]);
      expect(actionsNamed(doc).length).toBeGreaterThan(role === "boundary" ? 5 : 40);
    }
  });

  it("every policy document in the synthesized stacks has no findings, every reference resolved", () => {
    // The system stack holds at least the two regions' function roles (trust and inline policy).
    expect(stackPolicies(s.system).length).toBeGreaterThanOrEqual(4);
    for (const tf of stacksOf(s)) {
      const policies = stackPolicies(tf);
      expect(policies.filter((p) => p.unresolved.length > 0).map((p) => [p.name, p.unresolved])).toEqual([]);
      expect(checkStackPolicies(tf)).toEqual([]);
    }
  });

  it("the check reads every argument that holds a policy document", () => {
    for (const tf of stacksOf(s)) {
      const found = Object.entries(tf.resource ?? {}).flatMap(([type, byName]) =>
        Object.values(byName).flatMap((body) =>
          Object.entries(body)
            .filter(([, v]) => typeof v === "string" && /"Statement"/.test(v))
            .map(([arg]) => `${type}.${arg}`),
        ),
      );
      expect(found.length).toBeGreaterThan(0);
      for (const f of new Set(found)) {
        const [type, arg] = f.split(".");
        expect([f, POLICY_ARGUMENTS[type]?.[arg]]).toEqual([f, expect.any(String)]);
      }
    }
  });
});

describe("the stack check is not vacuous", () => {
  const s = synths["GitHub delivery"];

  it("finds a misspelt action in a function role's inline policy", () => {
    const broken = JSON.parse(JSON.stringify(s.system).replace('\\"dynamodb:GetItem\\"', '\\"dynamodb:GetItems\\"')) as SynthesizedStack;
    expect(checkStackPolicies(broken)).toEqual([expect.objectContaining({ code: "unknown-action", action: "dynamodb:GetItems" })]);
  });
  it("finds a resource of the wrong type in the GitHub deploy role's policy", () => {
    const json = JSON.stringify(s.state!);
    expect(json.includes(":table/GlobalApp")).toBe(true);
    const broken = JSON.parse(json.split(":table/GlobalApp").join(":stream/GlobalApp")) as SynthesizedStack;
    const findings = checkStackPolicies(broken);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.policy?.startsWith("aws_iam_policy.github_"))).toBe(true);
    expect(findings.map((f) => f.code)).toContain("unused-resource");
  });
  it("finds a condition key the trust policy's action does not have", () => {
    const broken = JSON.parse(JSON.stringify(s.state!).split("token.actions.githubusercontent.com:sub").join("token.actions.githubusercontent.com:subject")) as SynthesizedStack;
    expect(checkStackPolicies(broken).map((f) => [f.code, f.conditionKey])).toEqual([
      ["unknown-condition-key", "token.actions.githubusercontent.com:subject"],
      ["unknown-condition-key", "token.actions.githubusercontent.com:subject"],
    ]);
  });
});
