/**
 * `npm run shift -- --target local|aws --region R --dial P [options]`: moves a region's traffic dial
 * (or endpoint weight) in health-gated steps (see docs/failover.md, "The shift").
 * Exit status: 0 done, 1 stopped and rolled back (or failed), 2 bad usage or config, 130 interrupted.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { probePath, usesAccelerator } from "../model/config";
import { type CliRun, confirmOnTerminal, integerIn, parseOptions, positive, regionOption, requireTerminal, runCli, usage, UsageError } from "../lib/cli";
import { loadProjectConfig } from "../lib/project";
import { EXIT } from "../lib/stop";
import { mustAnswer } from "../targets/answer";
import { readStackOutputs } from "../targets/aws";
import { probePathOption, TARGET_OPTIONS, targetChoice } from "../targets/options";
import { formatShiftSummary, parseErrorRate, runShift, SETTING_RANGE, ShiftDeclinedError, type ShiftSetting, type ShiftTarget, type StepResult } from "./shift";
import { awsShiftTarget } from "./aws-target";
import { localShiftTarget } from "./local-target";

export const USAGE = `Usage: npm run shift -- --target local|aws --region R (--dial P | --weight W) [options]

Moves region R's traffic dial (or its endpoint's weight) from its current value to P in steps,
holding at each step while probing through the accelerator (a new connection per request), and
records the share of answers each region served and the errors. If a step's error rate passes
--max-error-rate, a region in the path turns unhealthy, or R becomes the last healthy region, it
stops and rolls back to the value it started from; Ctrl-C rolls back too (a second Ctrl-C quits at
once). It never takes the last healthy region below full traffic, and holds on instead of stepping
while its probes bring no answer naming a region.

Options:
  --target local|aws    local: a running \`npm run local\` (admin on local.adminPort), else one started
                        for the shift. aws: the deployed stack (terraform output -json)
  --region R            the region whose endpoint group changes
  --dial P              the traffic dial to move to, 0-100 (percent)
  --weight W            the endpoint weight to move to, 0-255, instead of the dial
  --step S              largest change per step (default 20)
  --hold SECONDS        model seconds to hold at each step, and for the baseline before it (default 30)
  --poll SECONDS        model seconds between requests (default 0.25)
  --max-error-rate E    errors a step may have: a fraction (0.01) or a percentage (1%) (default 1%)
  --min-dial P          the lowest dial the shift may set, 0-100 (default 0); a --dial below it is refused
  --dry-run             check and print the plan; change nothing, send no request
  --path P              what to probe (default: /get/foobar; / when function.entry is your own function)
  --json                print one JSON object (progress goes to stderr)
  --time-scale S        local only: 0.1 or 10 both run 10x faster (default 1)
  --yes                 aws: do not ask before changing anything
  --outputs FILE        aws: outputs file from \`npx cdktf deploy globalapp --outputs-file FILE\`
                        instead of terraform output
  --url URL             aws: probe this base URL (e.g. http://<accelerator static IP>) instead of its DNS name;
                        it must answer, else exit 2
  --admin URL           local: admin API of a running system (default http://127.0.0.1:<local.adminPort>,
                        else a system started for the shift); a URL given must answer, else exit 2
  --fresh               local: always start a new system for the shift
  --port N              local: accelerator port of a system the shift starts (default: a free port; the
                        ports are printed on stderr); implies --fresh
  --admin-port N        local: admin API port of a system the shift starts (default: a free port); implies --fresh
  --dns-port N          local: DNS port of a system the shift starts (default: a free port); implies --fresh
  -h, --help            this text
`;

/** The options `npm run shift` accepts (node:util parseArgs). */
export const OPTIONS = {
  ...TARGET_OPTIONS,
  region: { type: "string" },
  dial: { type: "string" },
  weight: { type: "string" },
  step: { type: "string" },
  hold: { type: "string" },
  poll: { type: "string" },
  "max-error-rate": { type: "string" },
  "min-dial": { type: "string" },
  "dry-run": { type: "boolean" },
} as const;

async function main(run: CliRun): Promise<number> {
  const values = parseOptions(OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // Every option is checked before anything starts or changes.
  const choice = targetChoice(values);
  const config = loadProjectConfig();
  if (!values.region) throw new UsageError("--region is required: the region whose endpoint group changes");
  // Against a system the shift starts, or AWS, the config's regions; a running system's are checked when it answers.
  const region = regionOption("region", values.region, choice.kind === "aws" || choice.fresh ? config.regions : undefined);
  if ((values.dial === undefined) === (values.weight === undefined)) throw new UsageError("give exactly one of --dial P (0-100) and --weight W (0-255)");
  const setting: ShiftSetting = values.dial !== undefined ? "dial" : "weight";
  const range = SETTING_RANGE[setting];
  const value = integerIn(setting, (values.dial ?? values.weight) as string, range.min, range.max);
  const step = values.step === undefined ? 20 : integerIn("step", values.step, 1, range.max);
  const holdSeconds = positive("hold", values.hold, 30);
  const pollSeconds = positive("poll", values.poll, 0.25);
  const maxErrorRate = values["max-error-rate"] === undefined ? 0.01 : usage(() => parseErrorRate(values["max-error-rate"]!));
  const minDial = values["min-dial"] === undefined ? 0 : integerIn("min-dial", values["min-dial"], 0, 100);
  if (values["min-dial"] !== undefined && setting !== "dial") throw new UsageError("--min-dial applies to --dial only");
  if (value < minDial) throw new UsageError(`--dial ${value} is below --min-dial ${minDial}`);
  const dryRun = values["dry-run"] ?? false;
  const json = values.json ?? false;
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const path = probePathOption(values.path, probePath(config));

  let target: ShiftTarget;
  if (choice.kind === "aws") {
    if (!usesAccelerator(config)) {
      throw new UsageError('routing is "route53": the stack has no Global Accelerator, so no traffic dial to shift (Route 53 latency records have no weights here)');
    }
    if (!values.yes && !dryRun) requireTerminal("the shift changes your accelerator's endpoint groups");
    // A URL named explicitly must answer before anything changes.
    if (choice.url) await mustAnswer("url", choice.url, run.signal);
    target = await awsShiftTarget({ config, outputs: await readStackOutputs(values.outputs), acceleratorUrl: choice.url });
    // A rollback on AWS waits until the accelerator has deployed it (a second signal quits at once).
    run.onStop(`rolling back the ${setting}`, AWS_ROLLBACK_GRACE_SECONDS);
  } else {
    target = await localShiftTarget({
      config,
      timeScale: choice.scale,
      adminUrl: choice.adminUrl,
      fresh: choice.fresh,
      port: choice.ports.port,
      adminPort: choice.ports.adminPort,
      dnsPort: choice.ports.dnsPort,
      validate: (regions) => regionOption("region", region, regions),
      log,
      purpose: "the shift",
    });
    run.onStop(`rolling back the ${setting}`);
  }

  const shares = (s: StepResult) => Object.entries(s.share).map(([r, f]) => `${r} ${(f * 100).toFixed(1)} %`).join(", ");
  log(`Shift against ${target.kind}: accelerator ${target.acceleratorUrl}, regions ${target.regions.join(", ")}`);
  try {
    if (run.signal.aborted) throw run.signal.reason;
    const result = await runShift({
      target,
      region,
      setting,
      value,
      step,
      holdSeconds,
      pollSeconds,
      maxErrorRate,
      minDial,
      path,
      dryRun,
      confirm: target.kind === "aws" && !values.yes ? (lines) => confirmOnTerminal("The shift will:", lines, run.signal) : undefined,
      signal: run.signal,
      onEvent: (e) => log(`  ${e.t.toFixed(1).padStart(7)} s  ── ${e.event}`),
      onStep: (s) => log(`             ${s.step === 0 ? "baseline" : `step ${s.step}`}: ${shares(s)}; ${s.requests} requests, ${s.errors} errors${s.failed ? ` — ${s.failed}` : ""}`),
    });
    if (dryRun && result.plan.length > 0) for (const line of target.describeChange(region, setting, [result.from, ...result.plan])) log(`  would ${line}`);
    if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(formatShiftSummary(result));
    if (result.interrupted) return EXIT.interrupted;
    return result.ok ? 0 : 1;
  } catch (err) {
    // Interrupted before the first change: nothing to roll back.
    if (run.signal.aborted) return EXIT.interrupted;
    if (!(err instanceof ShiftDeclinedError)) throw err;
    process.stderr.write(`shift: ${err.message}\n`);
    return 1;
  } finally {
    await target.close();
  }
}

/** Real seconds a stopped shift on AWS gets to roll back: UpdateEndpointGroup, then the accelerator DEPLOYED. */
const AWS_ROLLBACK_GRACE_SECONDS = 600;

if (require.main === module) runCli("shift", main);
