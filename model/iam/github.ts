/**
 * GitHub Actions delivery identities: GitHub's OIDC provider, the plan and deploy roles' names and
 * trust, and the permissions boundary. Pure naming and documents, shared by the bootstrap stack, the
 * stack's roles (which carry the boundary), `npm run iam` and the tests.
 *
 * Trust follows GitHub's OIDC guide for AWS: the audience is `sts.amazonaws.com` and the subject
 * pins the repository and the trigger: `repo:<owner>/<repo>:pull_request` for pull-request runs,
 * `repo:<owner>/<repo>:environment:<name>` for jobs of an environment.
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims
 */
import { type AppConfig, functionStatementSid, stateKey } from "../config";
import type { IamContext } from "./scopes";

/** GitHub's OIDC issuer. */
export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
/** The host part, as IAM names the provider and its condition keys. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience aws-actions/configure-aws-credentials requests (its `audience` input's default). */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";
/** The GitHub environment the deploy jobs run in (.github/workflows/deploy.yml). */
export const DEPLOY_ENVIRONMENT = "production";

/** Physical names of the CI identities for a config. */
export interface CiNames {
  /**
   * IAM path of the CI roles and the boundary, `/<appName>-ci/`. The stack's own roles live at `/`
   * under exact names, so no grant the deploy role holds on them can ever match a CI role.
   */
  readonly path: string;
  readonly planRole: string;
  readonly deployRole: string;
  readonly boundaryPolicy: string;
}

/** The CI identities' names: `<appName>-<environment>-github-plan`, `…-github-deploy`, `…-function-boundary`. */
export function ciNames(config: Pick<AppConfig, "appName" | "environment">): CiNames {
  const prefix = `${config.appName}-${config.environment}`;
  return {
    path: `/${config.appName}-ci/`,
    planRole: `${prefix}-github-plan`,
    deployRole: `${prefix}-github-deploy`,
    boundaryPolicy: `${prefix}-function-boundary`,
  };
}

/** The permissions boundary's ARN in an account (12 digits, a Terraform reference or a policy variable). */
export function boundaryArn(config: Pick<AppConfig, "appName" | "environment">, account: string, partition = "aws"): string {
  const n = ciNames(config);
  return `arn:${partition}:iam::${account}:policy${n.path}${n.boundaryPolicy}`;
}

/** Whether the stack's roles carry the boundary: configured, else on whenever GitHub delivery is. */
export function permissionsBoundaryEnabled(config: Pick<AppConfig, "ci">): boolean {
  return config.ci.permissionsBoundary ?? config.ci.github !== undefined;
}

/**
 * The policy variable for the account of whoever uses the policy: a global condition key used as a
 * variable (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
 */
export const PRINCIPAL_ACCOUNT = "${aws:PrincipalAccount}";

/** Where the policies point for a config: the account, the boundary and (S3 state) the state object. */
export function iamContext(config: AppConfig, account: string = PRINCIPAL_ACCOUNT): IamContext {
  // Denials need no room in the boundary: only what your function's statements allow.
  const functionGrants = config.function.policyStatements.flatMap((s, i) =>
    (s.effect ?? "Allow") === "Allow" ? [{ sid: functionStatementSid(s, i), actions: s.actions, resources: s.resources, ...(s.conditions ? { conditions: s.conditions } : {}) }] : [],
  );
  return {
    account,
    permissionsBoundaryArn: boundaryArn(config, account),
    ...(config.retiredRegions.length > 0 ? { retiredRegions: config.retiredRegions } : {}),
    ...(config.state.backend === "s3" ? { state: { bucket: config.state.bucket, key: stateKey(config) } } : {}),
    ...(functionGrants.length > 0 ? { functionGrants } : {}),
  };
}

/** The OIDC subjects each role trusts. */
export function githubSubjects(repository: string): { readonly plan: string; readonly deploy: string } {
  return { plan: `repo:${repository}:pull_request`, deploy: `repo:${repository}:environment:${DEPLOY_ENVIRONMENT}` };
}
