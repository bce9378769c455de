import { App } from "cdktf";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig } from "./constructs/config";
import { GlobalAppStack, STACK_NAME } from "./constructs/global-app-stack";
import { stateBucketStackFor } from "./constructs/state-bucket-stack";

// Composition root: load config → App → stacks → synth. Nothing else belongs here.
try {
  const cdktfJson = JSON.parse(readFileSync(join(__dirname, "cdktf.json"), "utf8")) as { context?: { globalapp?: unknown } };
  const config = loadConfig({ context: cdktfJson.context?.globalapp, overridePath: process.env.GLOBALAPP_CONFIG || undefined });
  const app = new App();
  stateBucketStackFor(app, config); // "globalapp-state": the S3 state bucket, deployed once first
  new GlobalAppStack(app, STACK_NAME, { config });
  app.synth();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`globalapp: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
