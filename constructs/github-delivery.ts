import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import {
  type CiNames,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  GITHUB_OIDC_URL,
  githubSubjects,
  MANAGED_POLICY_MAX_CHARS,
  type PolicyDocument,
  splitPolicy,
} from "../model/iam";
import { policyDocument } from "./lib/iam";
import { jsonDocument } from "./lib/json-document";

/** The three policies the delivery identities carry. */
export interface DeliveryPolicies {
  /** The deploy role's policy (model/iam: deployPolicy). */
  readonly deploy: PolicyDocument;
  /** The read-only plan role's policy (model/iam: planPolicy). */
  readonly plan: PolicyDocument;
  /** The permissions boundary of every role the deploy role creates (model/iam: boundaryPolicy). */
  readonly boundary: PolicyDocument;
}

/** Props of {@link GitHubDelivery}. */
export interface GitHubDeliveryProps {
  /** Provider of the bootstrap stack (IAM is global; any region works). */
  readonly provider: AwsProvider;
  /** The GitHub repository whose workflows may assume the roles, "owner/name" (config ci.github.repository). */
  readonly repository: string;
  /** Physical names and IAM path of the roles and the boundary (model/iam: ciNames). */
  readonly names: CiNames;
  /** The policies, derived from the synthesized `globalapp` stack. */
  readonly policies: DeliveryPolicies;
  /**
   * Longest role session in seconds (3600-43200). A session must outlast the longest deploy: the
   * workflow's deploy job times out after 60 minutes. @default 7200
   */
  readonly maxSessionSeconds?: number;
}

/** Managed policies IAM attaches to one role by default (quota "Managed policies per role"). */
const MAX_ATTACHED_POLICIES = 10;

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/**
 * GitHub Actions delivery identities, created once with the bootstrap stack: GitHub's OIDC provider,
 * a read-only plan role that only pull-request runs of the repository can assume, a deploy role that
 * only jobs in its `production` environment can assume, and the permissions boundary the deploy role
 * must attach to every role it creates. IAM counts at most 6,144 characters per managed policy, so
 * each role's policy is attached as as many managed policies as it needs (`<role>-1`, `-2`, …).
 *
 * Only one OIDC provider per issuer URL may exist in an account: if GitHub's is there already, import
 * it into this stack's state before the first deploy (docs/delivery.md, "GitHub Actions").
 */
export class GitHubDelivery extends Construct {
  /** GitHub's OIDC provider. */
  public readonly oidcProvider: IamOpenidConnectProvider;
  /** The role pull-request plans assume (trust: `repo:<repo>:pull_request`). */
  public readonly planRole: IamRole;
  /** The role deploys assume (trust: `repo:<repo>:environment:production`). */
  public readonly deployRole: IamRole;
  /** The permissions boundary of the roles the deploy role creates. */
  public readonly boundary: IamPolicy;

  constructor(scope: Construct, id: string, props: GitHubDeliveryProps) {
    super(scope, id);
    if (!REPOSITORY.test(props.repository)) {
      throw new Error(`GitHubDelivery: repository ${JSON.stringify(props.repository)} must be a GitHub repository "owner/name"`);
    }
    const session = props.maxSessionSeconds ?? 7200;
    if (!Number.isInteger(session) || session < 3600 || session > 43200) {
      throw new Error(`GitHubDelivery: maxSessionSeconds ${session} must be a whole number between 3600 and 43200`);
    }
    const { provider, names } = props;

    this.oidcProvider = new IamOpenidConnectProvider(this, "oidc", {
      provider,
      url: GITHUB_OIDC_URL,
      clientIdList: [GITHUB_OIDC_AUDIENCE],
      // No thumbprint_list: IAM trusts GitHub's issuer through its own root CAs (aws 5.x makes it optional).
    });

    this.boundary = new IamPolicy(this, "boundary", {
      provider,
      name: names.boundaryPolicy,
      path: names.path,
      description: "The most any role created by the GlobalApp deploy role may do",
      policy: jsonDocument(props.policies.boundary),
    });

    const subjects = githubSubjects(props.repository);
    const role = (key: "plan" | "deploy", name: string, doc: PolicyDocument): IamRole => {
      const r = new IamRole(this, `${key}-role`, {
        provider,
        name,
        path: names.path,
        description: `GitHub Actions ${key} role of ${props.repository}`,
        maxSessionDuration: session,
        assumeRolePolicy: policyDocument([
          {
            sid: "GitHubActionsOidc",
            actions: ["sts:AssumeRoleWithWebIdentity"],
            principals: { Federated: [this.oidcProvider.arn] },
            conditions: {
              StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: subjects[key] },
            },
          },
        ]),
      });
      const parts = splitPolicy(doc, MANAGED_POLICY_MAX_CHARS);
      if (parts.length > MAX_ATTACHED_POLICIES) {
        throw new Error(
          `GitHubDelivery: the ${key} policy needs ${parts.length} managed policies; a role takes at most ${MAX_ATTACHED_POLICIES} (IAM quota)`,
        );
      }
      parts.forEach((part, i) => {
        const policy = new IamPolicy(this, `${key}-policy-${i + 1}`, {
          provider,
          name: `${name}-${i + 1}`,
          path: names.path,
          description: `GlobalApp ${key} permissions, part ${i + 1} (npm run iam -- --role ${key})`,
          policy: jsonDocument(part),
        });
        new IamRolePolicyAttachment(this, `${key}-attachment-${i + 1}`, { provider, role: r.name, policyArn: policy.arn });
      });
      return r;
    };
    this.planRole = role("plan", names.planRole, props.policies.plan);
    this.deployRole = role("deploy", names.deployRole, props.policies.deploy);
  }
}
