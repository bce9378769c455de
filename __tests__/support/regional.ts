import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { FunctionAsset } from "../../constructs/function-asset";
import { GlobalTable } from "../../constructs/global-table";
import { RegionalBackend, RegionalBackendProps } from "../../constructs/regional-backend";
import { configWith } from "./synth";

/** A stack with one or more RegionalBackends over a two-region global table, for construct tests. */
export function buildBackends(overrides: Partial<RegionalBackendProps> = {}, regions = ["us-west-2", "eu-central-1"]) {
  const config = configWith({ regions, homeRegion: regions[0] });
  const stack = new TerraformStack(Testing.app(), "test");
  const providers = Object.fromEntries(regions.map((r) => [r, new AwsProvider(stack, r, { region: r, alias: r })]));
  const table = new GlobalTable(stack, "table", { tableName: "GlobalApp", homeRegion: regions[0], provider: providers[regions[0]], regions });
  const code = new FunctionAsset(stack, "code");
  const backends = regions.map(
    (region) =>
      new RegionalBackend(stack, `backend-${region}`, {
        region,
        provider: providers[region],
        namePrefix: "globalapp-dev",
        table,
        code,
        healthCheck: config.healthCheck,
        function: config.function,
        availabilityZones: [`${region}a`, `${region}b`],
        ...overrides,
      }),
  );
  const json = Testing.synth(stack);
  return { stack, backends, providers, table, json, tf: JSON.parse(json) };
}
