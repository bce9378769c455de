import { backendSettings } from "../../constructs/lib/backend";
import { echoedConfigs, recipe } from "../docs/support/recipes";
import { resourcesOf, synthGlobalApp, type SynthResult } from "../support/synth";

/**
 * The README's "dev and prod in one account" recipe, synthesized: the two environments (and a second
 * app) share no state key and no account-unique physical name, so deploying one never plans to
 * replace the other's resources or collides with them. The environments' configs are the recipe's
 * own files, read from the docs (__tests__/docs/support/recipes.ts).
 */
const FILES = echoedConfigs(recipe("dev-prod"));
const DEV = FILES["dev.json"];
const PROD = FILES["prod.json"];
const OTHER_APP = { appName: "shop", tableName: "Shop" };

/** Attributes that are names AWS keeps unique per account (and region), by resource type. */
const NAME_ATTRIBUTES: Record<string, string> = {
  aws_dynamodb_table: "name",
  aws_lb: "name",
  aws_lb_target_group: "name",
  aws_lambda_function: "function_name",
  aws_iam_role: "name",
  aws_cloudwatch_log_group: "name",
  aws_globalaccelerator_accelerator: "name",
  aws_kms_alias: "name",
  aws_sns_topic: "name",
  aws_cloudwatch_metric_alarm: "alarm_name",
  aws_cloudwatch_dashboard: "dashboard_name",
  aws_s3_bucket: "bucket_prefix",
};

/** Every account-unique name a stack claims, as `type region name`. */
function physicalNames(r: SynthResult): string[] {
  return Object.entries(NAME_ATTRIBUTES).flatMap(([type, attr]) =>
    resourcesOf(r.tf, type).map(([, body]) => `${type} ${type === "aws_iam_role" ? "global" : String(body.provider)} ${String(body[attr])}`),
  );
}

describe("dev and prod (and a second app) side by side in one account", () => {
  const dev = synthGlobalApp(DEV);
  const prod = synthGlobalApp(PROD);
  const other = synthGlobalApp(OTHER_APP);

  it("keep their state apart by default", () => {
    const keys = [dev, prod, other].map((r) => backendSettings(r.config)).map((b) => (b.backend === "s3" ? `${b.bucket}/${b.key}` : b.backend));
    expect(keys).toEqual([
      "globalapp-terraform-state/globalapp/dev/terraform.tfstate",
      "globalapp-terraform-state/globalapp/prod/terraform.tfstate",
      "globalapp-terraform-state/shop/dev/terraform.tfstate",
    ]);
  });
  it("claim no physical name the other has", () => {
    const names = [dev, prod, other].map(physicalNames);
    for (const n of names) expect(n.length).toBeGreaterThan(10);
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) expect(names[i].filter((n) => names[j].includes(n))).toEqual([]);
    }
  });
  it("would collide on the table without their own tableName (the one name not prefixed), which the recipe sets", () => {
    const devNames = physicalNames(synthGlobalApp());
    const shared = physicalNames(synthGlobalApp({ environment: "prod" })).filter((n) => devNames.includes(n));
    expect(shared).toEqual(["aws_dynamodb_table aws.us-west-2 GlobalApp"]);
  });
});
