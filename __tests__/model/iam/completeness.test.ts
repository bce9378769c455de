import {
  deployPolicy,
  iamActionsFor,
  iamContext,
  inventoryOf,
  NOT_GRANTED,
  PHASES,
  planPolicy,
  policyFindings,
  PROVIDER_CALLS,
  providerOperations,
  type ProviderCalls,
  type StackInventory,
  tableFindings,
} from "../../../model/iam";
import { actionExists } from "../../../model/iam/check";
import { synthGlobalApp } from "../../support/synth";
import { DOMAIN, IAM_CONFIGS } from "./configs";

/**
 * The IAM table against an independent source: the operations hashicorp/aws 5.100.0 calls, extracted
 * from the provider binary (model/iam/provider-operations.json, `npm run iam:operations`). The
 * table must list exactly those operations, and the deploy and plan policies must grant every one the
 * stack's resource types make (save those NOT_GRANTED names with the argument that would trigger them).
 */
const fixture = providerOperations();
const CONFIGS = IAM_CONFIGS;
/** One config that holds every resource type of the table. */
const EVERYTHING = {
  environment: "prod",
  routing: "both",
  domain: DOMAIN,
  https: { issueCertificates: true },
  route53: { healthChecks: "route53" },
  accelerator: { flowLogs: true },
  alb: { accessLogs: true },
  alarms: { email: "oncall@example.com" },
  table: { customerManagedKey: true },
};
const ACCOUNT = "123456789012";
const synths = Object.fromEntries(Object.entries({ ...CONFIGS, everything: EVERYTHING }).map(([n, o]) => [n, synthGlobalApp(o)]));
const everything = synths.everything;
const inv: StackInventory = inventoryOf(everything.tf);
const ctx = iamContext(everything.config, ACCOUNT);
const policies = (table: Readonly<Record<string, ProviderCalls>> = PROVIDER_CALLS) => ({ deploy: deployPolicy(inv, ctx, table), plan: planPolicy(inv, ctx, table) });

describe("the fixture", () => {
  it("is hashicorp/aws 5.100.0 at its release commit, one entry with its source file per table type", () => {
    expect(fixture.version).toBe("5.100.0");
    expect(fixture.commit).toBe("f7a3b98da589ab1d52756b0dcee0dbf2de83d635");
    expect(Object.keys(fixture.types).sort()).toEqual(Object.keys(PROVIDER_CALLS).sort());
    for (const [type, e] of Object.entries(fixture.types)) expect([type, e.file]).toEqual([type, expect.stringMatching(/^internal\/service\/[a-z0-9]+\/[a-z0-9_]+\.go$/)]);
  });
  it("maps every operation to IAM actions that exist in AWS's reference", () => {
    for (const [type, e] of Object.entries(fixture.types)) {
      for (const phase of PHASES) {
        for (const op of e[phase]) for (const a of iamActionsFor(op)) expect([type, op, a, actionExists(a)]).toEqual([type, op, a, true]);
      }
    }
  });
  it("holds every operation NOT_GRANTED names (each is a real call the stack never makes)", () => {
    const called = new Set(Object.values(fixture.types).flatMap((e) => PHASES.flatMap((p) => e[p])));
    expect(Object.keys(NOT_GRANTED).filter((op) => !called.has(op))).toEqual([]);
  });
  it("the everything config holds every resource type of the table", () => {
    expect(Object.keys(PROVIDER_CALLS).filter((t) => !inv.resources.some((r) => r.type === t))).toEqual([]);
  });
});

describe("the table", () => {
  it("lists exactly the operations the provider calls, type by type and phase by phase", () => {
    expect(tableFindings(PROVIDER_CALLS, fixture)).toEqual([]);
  });
  it("fails when it lists an operation the provider does not call", () => {
    const table = { ...PROVIDER_CALLS, aws_sns_topic: { ...PROVIDER_CALLS.aws_sns_topic, read: [...PROVIDER_CALLS.aws_sns_topic.read, "sns:ListTopics"] } };
    expect(tableFindings(table, fixture).map((f) => f.message)).toEqual([expect.stringMatching(/aws_sns_topic read: the table lists sns:ListTopics, which the provider .* does not call/)]);
  });
});

describe.each(Object.keys(CONFIGS))("%s: the policies grant every operation of the stack's types", (name) => {
  it("deploy: every phase; plan: every read", () => {
    const s = synths[name];
    const i = inventoryOf(s.tf);
    const c = iamContext(s.config, ACCOUNT);
    expect(policyFindings(i, { deploy: deployPolicy(i, c), plan: planPolicy(i, c) }, fixture)).toEqual([]);
  });
});

describe("removing any single operation from the provider-calls table fails", () => {
  const removals = Object.entries(PROVIDER_CALLS).flatMap(([type, calls]) => PHASES.flatMap((phase) => calls[phase].map((op) => ({ type, phase, op }))));
  const without = (type: string, phase: (typeof PHASES)[number], op: string) => ({
    ...PROVIDER_CALLS,
    [type]: { ...PROVIDER_CALLS[type], [phase]: PROVIDER_CALLS[type][phase].filter((o) => o !== op) },
  });

  it(`the table check, for each of the ${removals.length} (type, phase, operation) entries`, () => {
    expect(removals.length).toBeGreaterThan(300);
    for (const { type, phase, op } of removals) {
      expect([type, phase, op, tableFindings(without(type, phase, op), fixture).map((f) => f.operation)]).toEqual([type, phase, op, [op]]);
    }
  });

  it("and the policy check, for every IAM action the table alone grants: without its operations, the deploy policy lacks it", () => {
    const baseline = policies();
    expect(policyFindings(inv, baseline, fixture)).toEqual([]);
    // The actions the table's operations become in the deploy policy (NOT_GRANTED ones are not granted).
    const byAction = new Map<string, Array<{ type: string; phase: (typeof PHASES)[number]; op: string }>>();
    for (const r of removals) {
      if (r.op in NOT_GRANTED) continue;
      for (const a of iamActionsFor(r.op)) byAction.set(a, [...(byAction.get(a) ?? []), r]);
    }
    // Actions granted without any table entry (AWS's dependent actions, the state object) stay granted
    // whatever the table says: for those, the table check above is the one that fails.
    const empty = Object.fromEntries(Object.entries(PROVIDER_CALLS).map(([t, c]) => [t, { ...c, create: [], read: [], update: [], delete: [] }]));
    const elsewhere = new Set(deployPolicy(inv, ctx, empty).Statement.filter((st) => st.Effect === "Allow").flatMap((st) => st.Action));
    const tableOnly = [...byAction].filter(([a]) => !elsewhere.has(a));
    expect(tableOnly.length).toBeGreaterThan(150);
    for (const [action, entries] of tableOnly) {
      const table = Object.fromEntries(
        Object.entries(PROVIDER_CALLS).map(([type, calls]) => [
          type,
          { ...calls, ...Object.fromEntries(PHASES.map((p) => [p, calls[p].filter((op) => !entries.some((e) => e.type === type && e.op === op))])) },
        ]),
      ) as Record<string, ProviderCalls>;
      const missing = policyFindings(inv, { deploy: deployPolicy(inv, ctx, table), plan: baseline.plan }, fixture).filter((f) => f.action === action);
      expect([action, missing.length > 0]).toEqual([action, true]);
    }
  });
});
