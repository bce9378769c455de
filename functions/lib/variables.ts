/**
 * The environment variables GlobalApp itself gives its function, in one place: the stack sets them
 * (functionEnvironment, metricsEnvironment), the local system adds the DynamoDB endpoint and the log
 * level, Lambda reserves its own. `function.environment` may name none of them (model/config/rules.ts):
 * a user's value would silently change the health check, the table or the metrics, or Lambda would
 * refuse the deploy.
 */
import { functionEnvironment } from "./env";
import { metricsEnvironment } from "./metrics";

/** The local system's DynamoDB endpoint: the SDK's standard variable (local/system.ts sets it). */
export const LOCAL_DYNAMODB_ENDPOINT_VAR = "AWS_ENDPOINT_URL_DYNAMODB";

/** The functions' Powertools log level (`npm run local -- --log-level`). */
export const LOG_LEVEL_VAR = "POWERTOOLS_LOG_LEVEL";

/**
 * Lambda's reserved variables outside the AWS_ prefix ("Defined runtime environment variables":
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-runtime.html); Lambda refuses a
 * function configuration that sets them.
 */
const LAMBDA_RESERVED = ["_HANDLER", "_X_AMZN_TRACE_ID", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"] as const;

/**
 * Prefixes GlobalApp keeps: `AWS_` (Lambda's own variables, credentials, the SDK's settings such as
 * the endpoint the local system sets) and `HEALTH_CHECK_` (the health check's settings, env.ts).
 */
export const PROJECT_VARIABLE_PREFIXES = ["AWS_", "HEALTH_CHECK_"] as const;

/** Every exact name GlobalApp sets or Lambda reserves, derived from the code that sets them. */
export const PROJECT_VARIABLES: readonly string[] = [
  ...new Set([
    ...Object.keys(functionEnvironment({ tableName: "GlobalApp", healthCheckMode: "shallow", healthPath: "/health" })),
    ...Object.keys(metricsEnvironment({ namespace: "GlobalApp", service: "globalapp-dev" })),
    LOG_LEVEL_VAR,
    LOCAL_DYNAMODB_ENDPOINT_VAR,
    ...LAMBDA_RESERVED,
  ]),
];

/** Why GlobalApp keeps `name` for itself, or undefined when a user may set it. */
export function projectVariableReason(name: string): string | undefined {
  if (PROJECT_VARIABLES.includes(name)) return `${name} is set by GlobalApp or reserved by Lambda`;
  const prefix = PROJECT_VARIABLE_PREFIXES.find((p) => name.startsWith(p));
  return prefix ? `names starting with ${prefix} are set by GlobalApp or reserved by Lambda` : undefined;
}
