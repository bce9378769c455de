/**
 * Completeness of the IAM policies, from a source independent of the table they are built from: the
 * operations hashicorp/aws 5.100.0 calls per resource type, extracted from the provider binary by
 * `npm run iam:operations` (./provider-operations.json, with the provider's commit). Two checks:
 *   - the table (./provider-calls.ts) lists exactly the fixture's operations, type by type and phase
 *     by phase (create, read, update, delete);
 *   - every operation of every resource type in the stack maps to IAM actions that exist in AWS's
 *     reference and that the deploy policy grants (the plan policy too, for reads), unless ./actions.ts
 *     names it as never used (NOT_GRANTED, with the argument that would trigger it).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { iamActionsFor, NOT_GRANTED } from "./actions";
import { actionExists } from "./check";
import type { StackInventory } from "./inventory";
import type { PolicyDocument } from "./policy";
import type { ProviderCalls } from "./provider-calls";
import type { AuthorizationReference } from "./reference";

/** The CRUD phases. */
export const PHASES = ["create", "read", "update", "delete"] as const;
export type Phase = (typeof PHASES)[number];

/** The fixture's contents (see scripts/provider-operations.ts). */
export interface ProviderOperations {
  readonly provider: string;
  readonly version: string;
  /** The provider repository commit the extracted binary was built from. */
  readonly commit: string;
  readonly method: string;
  readonly types: Readonly<Record<string, { readonly file: string; readonly taggable: boolean } & Readonly<Record<Phase, readonly string[]>>>>;
}

/** The stored fixture. */
export function providerOperations(): ProviderOperations {
  return JSON.parse(readFileSync(join(__dirname, "provider-operations.json"), "utf8")) as ProviderOperations;
}

/** One gap between the table, the fixture and the policies. */
export interface CompletenessFinding {
  readonly type: string;
  readonly phase?: Phase;
  readonly operation?: string;
  readonly action?: string;
  readonly message: string;
}

/** Where the table and the fixture disagree: operations missing from the table, or not in the fixture. */
export function tableFindings(table: Readonly<Record<string, ProviderCalls>>, fixture: ProviderOperations = providerOperations()): CompletenessFinding[] {
  const out: CompletenessFinding[] = [];
  for (const type of [...new Set([...Object.keys(table), ...Object.keys(fixture.types)])].sort()) {
    const calls = table[type];
    const extracted = fixture.types[type];
    if (!calls || !extracted) {
      out.push({ type, message: `${type}: ${calls ? "not in the fixture (npm run iam:operations does not extract it)" : "in the fixture but not in model/iam/provider-calls.ts"}` });
      continue;
    }
    for (const phase of PHASES) {
      const listed = new Set(calls[phase]);
      const called = new Set(extracted[phase]);
      for (const op of called) {
        if (!listed.has(op)) out.push({ type, phase, operation: op, message: `${type} ${phase}: the provider calls ${op} (${extracted.file}); the table does not list it` });
      }
      for (const op of listed) {
        if (!called.has(op)) out.push({ type, phase, operation: op, message: `${type} ${phase}: the table lists ${op}, which the provider (${extracted.file}) does not call` });
      }
    }
  }
  return out;
}

/** The actions a document's Allow statements name. */
function allowed(doc: PolicyDocument): Set<string> {
  return new Set(doc.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => s.Action.map((a) => a.toLowerCase())));
}

/**
 * Operations of the stack's resource types whose IAM actions do not exist or are not granted: by the
 * deploy policy for every phase, and by the plan policy for reads.
 */
export function policyFindings(
  inv: StackInventory,
  policies: { readonly deploy: PolicyDocument; readonly plan: PolicyDocument },
  fixture: ProviderOperations = providerOperations(),
  reference?: AuthorizationReference,
): CompletenessFinding[] {
  const deploy = allowed(policies.deploy);
  const plan = allowed(policies.plan);
  const out: CompletenessFinding[] = [];
  for (const type of [...new Set(inv.resources.map((r) => r.type))].sort()) {
    const extracted = fixture.types[type];
    if (!extracted) {
      out.push({ type, message: `${type}: the stack holds it, but the fixture has no operations for it (add it to scripts/provider-operations.ts ROOTS)` });
      continue;
    }
    for (const phase of PHASES) {
      for (const op of extracted[phase]) {
        if (op in NOT_GRANTED) continue;
        for (const action of iamActionsFor(op)) {
          if (!actionExists(action, reference)) {
            out.push({ type, phase, operation: op, action, message: `${type} ${phase}: ${op} maps to ${action}, which is not an action in the Service Authorization Reference` });
          } else if (!deploy.has(action.toLowerCase())) {
            out.push({ type, phase, operation: op, action, message: `${type} ${phase}: the provider calls ${op}, but the deploy policy does not grant ${action}` });
          } else if (phase === "read" && !plan.has(action.toLowerCase())) {
            out.push({ type, phase, operation: op, action, message: `${type} read: a refresh calls ${op}, but the plan policy does not grant ${action}` });
          }
        }
      }
    }
  }
  return out;
}
