/**
 * `npm run shift -- --target local|aws --region R --dial P [options]`: moves a region's traffic dial
 * (or endpoint weight) in health-gated steps (see docs/failover.md, "The shift").
 * Exit status: 0 done, 1 stopped and rolled back (or failed), 2 bad usage or config, 130 interrupted.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { parseArgs } from "node:util";
import { probePath, usesAccelerator } from "../model/config";
import { loadProjectConfig } from "../lib/project";
import { parseTimeScale, type TimeScale } from "../lib/time-scale";
import { readStackOutputs } from "../targets/aws";
import { confirmOnTerminal, integerIn, interruptible, positive, requireTerminal, runCli, UsageError } from "../lib/cli";
import { probePathOption, TARGET_OPTIONS, targetKind } from "../targets/options";
import { formatShiftSummary, parseErrorRate, runShift, SETTING_RANGE, ShiftDeclinedError, type ShiftSetting, type ShiftTarget, type StepResult } from "./shift";
import { awsShiftTarget } from "./aws-target";
import { localShiftTarget } from "./local-target";

export const USAGE = `Usage: npm run shift -- --target local|aws --region R (--dial P | --weight W) [options]

Moves region R's traffic dial (or its endpoint's weight) from its current value to P in steps,
holding at each step while probing through the accelerator (a new connection per request), and
records the share of answers each region served and the errors. If a step's error rate passes
--max-error-rate or a region in the path turns unhealthy, it stops and rolls back to the value it
started from; Ctrl-C rolls back too (a second Ctrl-C quits at once).

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
  --path P              what to probe (default: /get/foobar; / when function.entry is your own function)
  --json                print one JSON object (progress goes to stderr)
  --time-scale S        local only: 0.1 or 10 both run 10x faster (default 1)
  --yes                 aws: do not ask before changing anything
  --outputs FILE        aws: outputs file from \`npx cdktf deploy --outputs-file FILE\` instead of terraform output
  --url URL             aws: probe this base URL (e.g. http://<accelerator static IP>) instead of its DNS name
  --admin URL           local: admin API of a running system (default http://127.0.0.1:<local.adminPort>)
  --fresh               local: always start a new system for the shift
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
} as const;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: OPTIONS, strict: true });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const kind = targetKind(values.target);
  if (!values.region) throw new UsageError("--region is required: the region whose endpoint group changes");
  if ((values.dial === undefined) === (values.weight === undefined)) throw new UsageError("give exactly one of --dial P (0-100) and --weight W (0-255)");
  const setting: ShiftSetting = values.dial !== undefined ? "dial" : "weight";
  const range = SETTING_RANGE[setting];
  const value = integerIn(setting, (values.dial ?? values.weight) as string, range.min, range.max);
  const step = values.step === undefined ? 20 : integerIn("step", values.step, 1, range.max);
  const holdSeconds = positive("hold", values.hold, 30);
  const pollSeconds = positive("poll", values.poll, 0.25);
  let maxErrorRate = 0.01;
  let scale: TimeScale | undefined;
  try {
    if (values["max-error-rate"] !== undefined) maxErrorRate = parseErrorRate(values["max-error-rate"]);
    scale = values["time-scale"] === undefined ? undefined : parseTimeScale(values["time-scale"]);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const json = values.json ?? false;
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const config = loadProjectConfig();
  const path = probePathOption(values.path, probePath(config));

  let target: ShiftTarget;
  if (kind === "aws") {
    if (scale && scale.factor !== 1) throw new UsageError("--time-scale applies to --target local only: AWS runs in real time");
    if (!config.regions.includes(values.region)) throw new UsageError(`--region must be one of ${config.regions.join(", ")}, got "${values.region}"`);
    if (!usesAccelerator(config)) {
      throw new UsageError('routing is "route53": the stack has no Global Accelerator, so no traffic dial to shift (Route 53 latency records have no weights here)');
    }
    if (!values.yes) requireTerminal("the shift changes your accelerator's endpoint groups");
    target = await awsShiftTarget({ config, outputs: await readStackOutputs(values.outputs), acceleratorUrl: values.url });
  } else {
    target = await localShiftTarget({ config, timeScale: scale, adminUrl: values.admin, fresh: values.fresh, log, purpose: "the shift" });
  }

  const interrupt = interruptible(`rolling back the ${setting}`);

  const shares = (s: StepResult) => Object.entries(s.share).map(([r, f]) => `${r} ${(f * 100).toFixed(1)} %`).join(", ");
  log(`Shift against ${target.kind}: accelerator ${target.acceleratorUrl}, regions ${target.regions.join(", ")}`);
  try {
    const result = await runShift({
      target,
      region: values.region,
      setting,
      value,
      step,
      holdSeconds,
      pollSeconds,
      maxErrorRate,
      path,
      confirm: target.kind === "aws" && !values.yes ? (lines) => confirmOnTerminal("The shift will:", lines) : undefined,
      signal: interrupt.signal,
      onEvent: (e) => log(`  ${e.t.toFixed(1).padStart(7)} s  ── ${e.event}`),
      onStep: (s) => log(`             ${s.step === 0 ? "baseline" : `step ${s.step}`}: ${shares(s)}; ${s.requests} requests, ${s.errors} errors${s.failed ? ` — ${s.failed}` : ""}`),
    });
    if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(formatShiftSummary(result));
    if (result.interrupted) return 130;
    return result.ok ? 0 : 1;
  } catch (err) {
    // Interrupted before the first change: nothing to roll back.
    if (interrupt.signal.aborted) return 130;
    if (!(err instanceof ShiftDeclinedError)) throw err;
    process.stderr.write(`shift: ${err.message}\n`);
    return 1;
  } finally {
    interrupt.dispose();
    await target.close();
  }
}

if (require.main === module) runCli("shift", main);
