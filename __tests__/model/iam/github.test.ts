import { ConfigError } from "../../../model/config";
import { boundaryArn, ciNames, githubSubjects, iamContext, permissionsBoundaryEnabled, PRINCIPAL_ACCOUNT } from "../../../model/iam";
import { configWith } from "../../support/synth";

/** The CI identities' config keys (ci.*), names, subjects and where the policies point. */
describe("config ci.github.repository and ci.permissionsBoundary", () => {
  it("are off by default", () => {
    const config = configWith();
    expect(config.ci).toEqual({});
    expect(permissionsBoundaryEnabled(config)).toBe(false);
  });
  it("turn the boundary on with GitHub delivery, unless set off explicitly", () => {
    expect(permissionsBoundaryEnabled(configWith({ ci: { github: { repository: "acme/globalapp" } } }))).toBe(true);
    expect(permissionsBoundaryEnabled(configWith({ ci: { github: { repository: "acme/globalapp" }, permissionsBoundary: false } }))).toBe(false);
    expect(permissionsBoundaryEnabled(configWith({ ci: { permissionsBoundary: true } }))).toBe(true);
  });
  it.each([
    ["no owner", { ci: { github: { repository: "globalapp" } } }, /ci.github.repository = "globalapp": must be a GitHub repository "owner\/name"/],
    ["a URL", { ci: { github: { repository: "https://github.com/acme/globalapp" } } }, /ci.github.repository = "https:\/\/github.com\/acme\/globalapp": must be a GitHub repository/],
    ["a wildcard", { ci: { github: { repository: "acme/*" } } }, /ci.github.repository = "acme\/\*": must be a GitHub repository/],
    ["not S3 state", { ci: { github: { repository: "acme/globalapp" } }, state: { backend: "cloud", organization: "acme", workspace: "w" } }, /ci.github.repository = "acme\/globalapp": needs state.backend "s3"/],
    ["boundary not a boolean", { ci: { permissionsBoundary: "yes" } }, /ci.permissionsBoundary = "yes": must be true or false/],
    ["unknown key", { ci: { gitlab: {} } }, /ci.gitlab: unknown key/],
  ])("rejects %s, naming the key", (_name, override, message) => {
    expect(() => configWith(override)).toThrow(ConfigError);
    expect(() => configWith(override)).toThrow(message);
  });
});

describe("names, subjects, context", () => {
  const config = configWith({ appName: "shop", environment: "prod", ci: { github: { repository: "acme/shop" } } });
  it("puts the CI roles and the boundary on their own path, named after app and environment", () => {
    expect(ciNames(config)).toEqual({ path: "/shop-ci/", planRole: "shop-prod-github-plan", deployRole: "shop-prod-github-deploy", boundaryPolicy: "shop-prod-function-boundary" });
    expect(boundaryArn(config, "123456789012")).toBe("arn:aws:iam::123456789012:policy/shop-ci/shop-prod-function-boundary");
  });
  it("trusts pull requests for the plan role and the production environment for the deploy role", () => {
    expect(githubSubjects("acme/shop")).toEqual({ plan: "repo:acme/shop:pull_request", deploy: "repo:acme/shop:environment:production" });
  });
  it("points at the state object for S3 state only, and at the principal's account by default", () => {
    expect(iamContext(config)).toEqual({
      account: PRINCIPAL_ACCOUNT,
      permissionsBoundaryArn: "arn:aws:iam::${aws:PrincipalAccount}:policy/shop-ci/shop-prod-function-boundary",
      // The key defaults per app and environment (model/config stateKey).
      state: { bucket: "globalapp-terraform-state", key: "shop/prod/terraform.tfstate" },
    });
    expect(iamContext(configWith({ state: { backend: "local" } }), "123456789012").state).toBeUndefined();
  });
});
