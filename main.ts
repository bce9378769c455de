import { App } from "cdktf";
import { ConfigError, loadConfigFromProject } from "./model/config";
import { GlobalAppStack, STACK_NAME } from "./constructs/global-app-stack";
import { normalizeHclRequest, readSynth, reportSynth } from "./constructs/lib/synth-report";
import { stateBucketStackFor } from "./constructs/state-bucket-stack";
import { runCli } from "./lib/cli";

// Composition root: load config → App → stacks → synth → summary. Nothing else belongs here.
// Exit status as every program's (docs/programs.md): 2 for an invalid config, 1 for anything else.
function synth(): number {
  try {
    const config = loadConfigFromProject(__dirname, process.env);
    normalizeHclRequest(); // cdktf synth --hcl (or SYNTH_HCL_OUTPUT): HCL files, named as such
    const app = new App();
    const previous = readSynth(app.outdir, STACK_NAME); // to warn about what the change replaces
    const system = new GlobalAppStack(app, STACK_NAME, { config });
    // "globalapp-state": the S3 state bucket (and the GitHub Actions roles), deployed once first.
    stateBucketStackFor(app, config, system);
    app.synth();
    reportSynth(app, config, STACK_NAME, previous);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // Not a config problem the validation knows: still one line, no stack trace (GLOBALAPP_DEBUG=1 shows it).
    console.error(`globalapp: synth failed: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.GLOBALAPP_DEBUG === "1" && err instanceof Error) console.error(err.stack);
    else console.error("globalapp: this is a bug in GlobalApp, not in your config; GLOBALAPP_DEBUG=1 shows the stack trace");
    return 1;
  }
}

// `npm run synth` and `npx cdktf synth` (cdktf.json "app") take no options of ours.
runCli("globalapp", async () => synth(), { script: null });
