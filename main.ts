import { App } from "cdktf";
import { ConfigError, loadConfigFromProject } from "./model/config";
import { GlobalAppStack, STACK_NAME } from "./constructs/global-app-stack";
import { stateBucketStackFor } from "./constructs/state-bucket-stack";

// Composition root: load config → App → stacks → synth. Nothing else belongs here.
try {
  const config = loadConfigFromProject(__dirname, process.env);
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
