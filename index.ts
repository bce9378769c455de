/**
 * GlobalApp as a library, for another cdktf app: the stack (one state, every region), its bootstrap
 * stack (the S3 state bucket and the CI identities), the config they are built from, and the handler
 * contract of your own function. See docs/your-own-function.md, "From another cdktf app".
 *
 * ```ts
 * import { App } from "cdktf";
 * import { GlobalAppStack } from "globalapp";
 *
 * const app = new App();
 * new GlobalAppStack(app, "notes", { config: { regions: ["eu-west-1", "us-east-1"], homeRegion: "eu-west-1", function: { entry: `${__dirname}/handler.ts` } } });
 * app.synth();
 * ```
 */
export { GlobalAppStack, type GlobalAppStackProps, STACK_NAME } from "./constructs/global-app-stack";
export { StateBucketStack, type StateBucketStackProps, stateBucketStackFor, STATE_STACK_NAME } from "./constructs/state-bucket-stack";
export { globalAppConfig, ConfigError, BUILTIN_DEFAULTS } from "./model/config";
export type {
  AppConfig,
  ConfigInput,
  DeepPartial,
  FunctionSettings,
  FunctionPolicyStatement,
  HealthCheckSettings,
  AcceleratorSettings,
  StateSettings,
  Routing,
} from "./model/config";
export type { OwnHandler } from "./functions/lib/wrapper";
