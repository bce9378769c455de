/**
 * `npm run shift -- --target aws` control flow: the Global Accelerator API mocked with
 * aws-sdk-client-mock (a fake that deploys changes after a few DescribeAccelerator polls), and a
 * local HTTP server standing in for the accelerator's edge, which routes by the *deployed* settings.
 */
import {
  DescribeAcceleratorCommand,
  DescribeEndpointGroupCommand,
  GlobalAcceleratorClient,
  ListAcceleratorsCommand,
  ListEndpointGroupsCommand,
  ListListenersCommand,
  UpdateEndpointGroupCommand,
  type UpdateEndpointGroupRequest,
} from "@aws-sdk/client-global-accelerator";
import { mockClient } from "aws-sdk-client-mock";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseStackOutputs, type StackOutputs } from "../../targets/aws";
import { formatShiftSummary, runShift, ShiftDeclinedError, type ShiftOptions } from "../../shift/shift";
import { acceleratorArnOf, awsShiftTarget, findEndpointGroups } from "../../shift/aws-target";
import { localConfig } from "../local/support";

const ACCELERATOR = "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh";
const LISTENER = `${ACCELERATOR}/listener/0123vxyz`;
const GROUP_ARN = { "us-west-2": `${LISTENER}/endpoint-group/aaaa1111`, "eu-central-1": `${LISTENER}/endpoint-group/bbbb2222` } as const;
type Region = keyof typeof GROUP_ARN;
const REGIONS = Object.keys(GROUP_ARN) as Region[];
const ALB = (r: Region) => `arn:aws:elasticloadbalancing:${r}:123456789012:loadbalancer/app/globalapp-dev/0123456789abcdef`;
const DNS = "a1234567890abcdef.awsglobalaccelerator.com";

interface Settings {
  dial: number;
  weight: number;
}

/** The accelerator: configured settings, the ones its edge routes by (after DEPLOYED), health. */
class FakeAccelerator {
  configured: Record<Region, Settings> = { "us-west-2": { dial: 100, weight: 128 }, "eu-central-1": { dial: 100, weight: 128 } };
  deployed: Record<Region, Settings> = structuredClone(this.configured);
  health: Record<Region, "HEALTHY" | "UNHEALTHY"> = { "us-west-2": "HEALTHY", "eu-central-1": "HEALTHY" };
  /** DescribeAccelerator polls that still answer IN_PROGRESS. */
  inProgressPolls = 0;
  updates: { input: UpdateEndpointGroupRequest; statusAtCall: string }[] = [];
  /** Regions whose answers are 503. */
  failing = new Set<Region>();
  /** Answers carry no x-served-by-region (a function that does not say where it runs). */
  anonymous = false;
  /** Requests the edge answered. */
  requests = 0;
  /** DescribeEndpointGroup calls still to fail (throttled), before it answers again. */
  throttled = 0;
  private credit = 0;
  private server?: Server;

  get status(): "DEPLOYED" | "IN_PROGRESS" {
    return this.inProgressPolls > 0 ? "IN_PROGRESS" : "DEPLOYED";
  }

  /** Where the edge sends the next connection of a client in us-west-2: the dial keeps that share there, exactly. */
  route(): Region {
    const home = this.deployed["us-west-2"];
    const usable = home.weight > 0 && this.health["us-west-2"] === "HEALTHY";
    this.credit += usable ? home.dial / 100 : 0;
    if (this.credit >= 1 - 1e-9) {
      this.credit -= 1;
      return "us-west-2";
    }
    return "eu-central-1";
  }

  async listen(): Promise<string> {
    this.server = createServer((_req, res) => {
      this.requests += 1;
      const region = this.route();
      res.writeHead(this.failing.has(region) ? 503 : 200, this.anonymous ? {} : { "x-served-by-region": region }).end("{}");
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const ga = mockClient(GlobalAcceleratorClient);
let fake: FakeAccelerator;
let outputs: StackOutputs;
const regionOf = (arn: string) => REGIONS.find((r) => GROUP_ARN[r] === arn)!;

beforeEach(async () => {
  fake = new FakeAccelerator();
  const host = await fake.listen();
  outputs = parseStackOutputs({
    accelerator_dns_name: { value: host },
    accelerator_ips: { value: ["192.0.2.1", "192.0.2.2"] },
    alb_dns_names: { value: { "us-west-2": "alb-usw2", "eu-central-1": "alb-euc1" } },
    function_names: { value: { "us-west-2": "globalapp-dev-us-west-2-get", "eu-central-1": "globalapp-dev-eu-central-1-get" } },
    endpoint_group_arns: { value: GROUP_ARN },
  });
  ga.reset();
  ga.on(DescribeAcceleratorCommand).callsFake(() => {
    const status = fake.status;
    if (fake.inProgressPolls > 0 && --fake.inProgressPolls === 0) fake.deployed = structuredClone(fake.configured);
    return { Accelerator: { AcceleratorArn: ACCELERATOR, Status: status } };
  });
  ga.on(DescribeEndpointGroupCommand).callsFake((input: { EndpointGroupArn: string }) => {
    if (fake.throttled > 0 && fake.throttled--) throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    const region = regionOf(input.EndpointGroupArn);
    const s = fake.configured[region];
    return {
      EndpointGroup: {
        EndpointGroupArn: input.EndpointGroupArn,
        EndpointGroupRegion: region,
        TrafficDialPercentage: s.dial,
        EndpointDescriptions: [
          { EndpointId: ALB(region), Weight: s.weight, ClientIPPreservationEnabled: true, HealthState: fake.health[region], ...(fake.health[region] === "UNHEALTHY" ? { HealthReason: "Target group has no healthy targets" } : {}) },
        ],
        HealthCheckPort: 80,
        HealthCheckProtocol: "TCP",
        HealthCheckIntervalSeconds: 30,
        ThresholdCount: 3,
        PortOverrides: [],
      },
    };
  });
  ga.on(UpdateEndpointGroupCommand).callsFake((input: UpdateEndpointGroupRequest) => {
    fake.updates.push({ input, statusAtCall: fake.status });
    const region = regionOf(input.EndpointGroupArn!);
    fake.configured[region] = { dial: input.TrafficDialPercentage ?? 100, weight: input.EndpointConfigurations?.[0]?.Weight ?? 128 };
    fake.inProgressPolls = 3; // three polls see IN_PROGRESS, then the change is live at the edge
    return { EndpointGroup: { EndpointGroupArn: input.EndpointGroupArn } };
  });
});
afterEach(() => fake.close());

const target = (extra: Partial<Parameters<typeof awsShiftTarget>[0]> = {}) =>
  awsShiftTarget({ config: localConfig(), outputs, deployPollMs: 5, healthPollSeconds: 0.05, ...extra });
const shift = async (extra: Partial<ShiftOptions> = {}, targetExtra: Partial<Parameters<typeof awsShiftTarget>[0]> = {}) => {
  const t = await target(targetExtra);
  try {
    return await runShift({ target: t, region: "us-west-2", value: 0, step: 50, holdSeconds: 0.3, pollSeconds: 0.005, ...extra });
  } finally {
    await t.close();
  }
};
const dials = () => fake.updates.map((u) => u.input.TrafficDialPercentage);
const on = (event: RegExp, act: () => void) => {
  let done = false;
  return (e: { event: string }) => {
    if (!done && event.test(e.event)) {
      done = true;
      act();
    }
  };
};

describe("runShift --target aws", () => {
  it("steps the dial with UpdateEndpointGroup on the region's group, one change at a time, each DEPLOYED before the next", async () => {
    const result = await shift();
    expect(dials()).toEqual([50, 0]);
    expect(fake.updates.every((u) => u.input.EndpointGroupArn === GROUP_ARN["us-west-2"])).toBe(true);
    expect(fake.updates.map((u) => u.statusAtCall)).toEqual(["DEPLOYED", "DEPLOYED"]);
    expect(fake.status).toBe("DEPLOYED");
    expect(result).toMatchObject({ target: "aws", from: 100, to: 0, final: 0, ok: true, rolledBack: false, errors: 0, timeScale: 1 });
    for (const s of result.steps.slice(1)) expect(s.applySeconds).toBeGreaterThan(0);
  });

  it("measures the share each region served once the change is deployed", async () => {
    const result = await shift();
    const [baseline, half, none] = result.steps;
    expect(baseline.share).toEqual({ "us-west-2": 1, "eu-central-1": 0 });
    // The stand-in keeps exactly every other connection at dial 50; counting starts with the hold.
    expect(half.share["us-west-2"]).toBeGreaterThanOrEqual(0.45);
    expect(half.share["us-west-2"]).toBeLessThanOrEqual(0.55);
    expect(none.share).toEqual({ "us-west-2": 0, "eu-central-1": 1 });
  });

  it("sends the group back as read, only the dial changed (endpoints, client IP preservation, health-check settings)", async () => {
    await shift();
    expect(fake.updates[0].input).toEqual({
      EndpointGroupArn: GROUP_ARN["us-west-2"],
      EndpointConfigurations: [{ EndpointId: ALB("us-west-2"), Weight: 128, ClientIPPreservationEnabled: true }],
      TrafficDialPercentage: 50,
      HealthCheckPort: 80,
      HealthCheckProtocol: "TCP",
      HealthCheckIntervalSeconds: 30,
      ThresholdCount: 3,
      PortOverrides: [],
    });
  });

  it("talks to the Global Accelerator API in us-west-2", async () => {
    const t = await awsShiftTarget({ config: localConfig({ regions: ["eu-central-1", "us-west-2"], homeRegion: "eu-central-1" }), outputs, deployPollMs: 5 });
    await t.groups();
    await t.close();
    const client = ga.call(0).thisValue as GlobalAcceleratorClient;
    expect(await client.config.region()).toBe("us-west-2");
  });

  it("waits for a change already deploying before the first step", async () => {
    fake.inProgressPolls = 4;
    await shift();
    expect(fake.updates[0].statusAtCall).toBe("DEPLOYED");
    expect(ga.commandCalls(DescribeAcceleratorCommand).length).toBeGreaterThanOrEqual(4 + 3 + 3);
  });

  it("rolls back to the starting dial when a region in the path turns UNHEALTHY", async () => {
    const result = await shift({ holdSeconds: 1, onEvent: on(/^dial 50 applied/, () => (fake.health["eu-central-1"] = "UNHEALTHY")) });
    expect(dials()).toEqual([50, 100]);
    expect(result).toMatchObject({ rolledBack: true, final: 100, ok: false });
    expect(result.stopped).toBe("eu-central-1 turned unhealthy (UNHEALTHY: Target group has no healthy targets)");
    expect(fake.configured["us-west-2"].dial).toBe(100);
    // The rollback was deployed too before the shift returned.
    expect(fake.status).toBe("DEPLOYED");
  });

  it("reports a rollback that failed, with the value left in force", async () => {
    const result = await shift({
      holdSeconds: 1,
      onEvent: on(/^dial 50 applied/, () => {
        ga.on(UpdateEndpointGroupCommand).rejects(Object.assign(new Error("User is not authorized to perform globalaccelerator:UpdateEndpointGroup"), { name: "AccessDeniedException" }));
        fake.health["eu-central-1"] = "UNHEALTHY";
      }),
    });
    expect(result).toMatchObject({ rolledBack: false, final: 50, ok: false, rollbackError: "User is not authorized to perform globalaccelerator:UpdateEndpointGroup" });
    expect(result.stopped).toMatch(/^eu-central-1 turned unhealthy/);
  });

  it("rolls back when errors pass the max error rate", async () => {
    fake.failing.add("eu-central-1");
    const result = await shift({ holdSeconds: 1 });
    expect(dials()).toEqual([50, 100]);
    expect(result.rolledBack).toBe(true);
    expect(result.stopped).toMatch(/^\d+ errors in \d+ requests: over the max error rate 1 % \(last: 503\)$/);
    expect(result.steps[1].errors).toBeGreaterThan(0);
  });

  it("rolls back when interrupted (Ctrl-C) while a step deploys", async () => {
    const controller = new AbortController();
    const result = await shift({ signal: controller.signal, onEvent: on(/^step 1\/2/, () => setTimeout(() => controller.abort(new Error("interrupted")), 1)) });
    expect(result).toMatchObject({ interrupted: true, rolledBack: true, final: 100 });
    expect(dials().at(-1)).toBe(100);
    expect(fake.configured["us-west-2"].dial).toBe(100);
  });

  it("asks before changing anything; a no changes nothing", async () => {
    const asked: string[][] = [];
    await expect(shift({ confirm: async (lines) => (asked.push([...lines]), false) })).rejects.toThrow(ShiftDeclinedError);
    const text = asked[0].join("\n");
    expect(text).toContain(`set the traffic dial of us-west-2's endpoint group 100 → 50 → 0 with UpdateEndpointGroup`);
    expect(text).toContain(GROUP_ARN["us-west-2"]);
    expect(text).toMatch(/the next `npx cdktf deploy globalapp` sets it back to 100 unless accelerator.trafficDials says otherwise/);
    expect(ga.commandCalls(UpdateEndpointGroupCommand)).toHaveLength(0);
  });

  it("refuses to start while a region in the path is unhealthy", async () => {
    fake.health["eu-central-1"] = "UNHEALTHY";
    await expect(shift()).rejects.toThrow(/not shifting: eu-central-1 is not healthy \(UNHEALTHY: Target group has no healthy targets\)/);
    expect(fake.updates).toHaveLength(0);
  });

  it("shifts the endpoint weight the same way, keeping the dial", async () => {
    const result = await shift({ setting: "weight", value: 0, step: 128 });
    expect(fake.updates.map((u) => [u.input.EndpointConfigurations?.[0]?.Weight, u.input.TrafficDialPercentage])).toEqual([[0, 100]]);
    expect(result.steps[1].share).toEqual({ "us-west-2": 0, "eu-central-1": 1 });
    expect(result.ok).toBe(true);
  });
});

describe("runShift --target aws: safety rails", () => {
  it("rolls back after an API error in the middle of a hold", async () => {
    const result = await shift({
      holdSeconds: 1,
      // The health read during the hold fails once; the API answers again for the rollback.
      onEvent: on(/^dial 50 applied/, () => (fake.throttled = 1)),
    });
    expect(dials()).toEqual([50, 100]);
    expect(result).toMatchObject({ rolledBack: true, final: 100, ok: false, stopped: "error: Rate exceeded" });
    expect(result.steps.map((s) => [s.dial, s.failed])).toEqual([
      [100, undefined],
      [50, "Rate exceeded"],
    ]);
    expect(fake.configured["us-west-2"].dial).toBe(100);
  });

  it("never takes the last healthy region below 100: refused before anything changes", async () => {
    fake.configured["eu-central-1"].dial = 0;
    await expect(shift()).rejects.toThrow(
      /^not shifting: us-west-2 is the last healthy region taking traffic \(eu-central-1 dial 0\); its dial stays at 100 or above, or its traffic has nowhere healthy to go$/,
    );
    fake.configured["eu-central-1"] = { dial: 100, weight: 0 };
    await expect(shift({ setting: "weight", value: 0, step: 128 })).rejects.toThrow(/us-west-2 is the last healthy region taking traffic \(eu-central-1 weight 0\); its weight stays at 1/);
    expect(fake.updates).toHaveLength(0);
    expect(fake.requests).toBe(0);
  });

  it("a region that cannot take traffic does not count: an unhealthy other region leaves the last one at 100", async () => {
    // eu-central-1 is out of the path (dial 0) and unhealthy: us-west-2 is all there is.
    fake.configured["eu-central-1"].dial = 0;
    fake.health["eu-central-1"] = "UNHEALTHY";
    await expect(shift({ value: 80 })).rejects.toThrow(/us-west-2 is the last healthy region taking traffic \(eu-central-1 unhealthy\)/);
    // Raising it back is always allowed.
    fake.configured["us-west-2"].dial = 40;
    fake.deployed = structuredClone(fake.configured);
    const up = await shift({ value: 100 });
    expect(up).toMatchObject({ ok: true, final: 100 });
    expect(dials()).toEqual([90, 100]);
  });

  it("stops and rolls back when the region becomes the last healthy one mid-shift", async () => {
    // Someone drains eu-central-1 while us-west-2 is being drained: nothing healthy would be left.
    const result = await shift({
      holdSeconds: 1,
      onEvent: on(/^dial 50 applied/, () => {
        fake.configured["eu-central-1"].dial = 0;
      }),
    });
    expect(result.stopped).toBe("us-west-2 became the last healthy region taking traffic: it goes back to 100");
    expect(result).toMatchObject({ rolledBack: true, final: 100, ok: false });
    expect(dials()).toEqual([50, 100]);
  });

  it("--min-dial: a floor the dial is never set below", async () => {
    await expect(shift({ minDial: 10 })).rejects.toThrow("--dial 0 is below --min-dial 10");
    const result = await shift({ value: 20, minDial: 20 });
    expect(dials()).toEqual([50, 20]);
    expect(result).toMatchObject({ ok: true, final: 20, minDial: 20 });
    await expect(shift({ setting: "weight", value: 0, minDial: 10 })).rejects.toThrow("--min-dial applies to --dial only");
  });

  it("holds instead of stepping while its probes bring no data, and steps on once they do", async () => {
    const events: string[] = [];
    const result = await shift({
      onEvent: (e) => {
        events.push(e.event);
        if (/^dial 50 applied/.test(e.event)) fake.anonymous = true;
        if (/^no data yet/.test(e.event)) setTimeout(() => (fake.anonymous = false), 200);
      },
    });
    expect(events.filter((e) => /^no data yet/.test(e))).toEqual([
      "no data yet (no answer named a region): holding on instead of stepping, at most 1.2 s",
    ]);
    // The step to 0 came only after the dial-50 hold had answers naming a region.
    expect(events.findIndex((e) => /^step 2\/2/.test(e))).toBeGreaterThan(events.findIndex((e) => /^no data yet/.test(e)));
    expect(result.steps[1].answered).toBeGreaterThan(0);
    expect(result.steps[1].heldSeconds).toBeGreaterThan(0.3);
    expect(result).toMatchObject({ ok: true, final: 0 });
  });

  it("stops and rolls back when the probes bring no data for NO_DATA_HOLDS holds", async () => {
    const result = await shift({ onEvent: on(/^dial 50 applied/, () => (fake.anonymous = true)) });
    expect(result.stopped).toMatch(/^no data: none of \d+ answers in 1.2 s named a region \(0 errors\), so where traffic goes is unknown$/);
    expect(result).toMatchObject({ rolledBack: true, final: 100 });
    expect(dials()).toEqual([50, 100]);
  });

  it("--dry-run: checks and plans, changes nothing and sends no request", async () => {
    const result = await shift({ dryRun: true });
    expect(result).toMatchObject({ dryRun: true, ok: true, from: 100, to: 0, final: 100, plan: [50, 0], steps: [], requests: 0, rolledBack: false });
    expect(fake.updates).toHaveLength(0);
    expect(fake.requests).toBe(0);
    expect(formatShiftSummary(result)).toContain("result   dry run: nothing changed; the shift would set us-west-2 dial 100 → 50 → 0, holding 0.3 s at each step");
    // The checks still apply: the last healthy region is refused in a dry run too.
    fake.configured["eu-central-1"].dial = 0;
    await expect(shift({ dryRun: true })).rejects.toThrow(/last healthy region/);
  });
});

describe("endpoint groups", () => {
  it("are found through the API when the outputs predate endpoint_group_arns", async () => {
    const { endpointGroupArns: _, ...older } = outputs;
    ga.on(ListAcceleratorsCommand, {})
      .resolves({ Accelerators: [{ AcceleratorArn: "arn:aws:globalaccelerator::123456789012:accelerator/other", DnsName: "other.awsglobalaccelerator.com" }], NextToken: "page-2" });
    ga.on(ListAcceleratorsCommand, { NextToken: "page-2" }).resolves({ Accelerators: [{ AcceleratorArn: ACCELERATOR, DnsName: older.acceleratorDnsName }] });
    ga.on(ListListenersCommand, { AcceleratorArn: ACCELERATOR }).resolves({ Listeners: [{ ListenerArn: LISTENER }] });
    ga.on(ListEndpointGroupsCommand, { ListenerArn: LISTENER }).resolves({
      EndpointGroups: REGIONS.map((r) => ({ EndpointGroupArn: GROUP_ARN[r], EndpointGroupRegion: r })),
    });
    outputs = older;
    const result = await shift();
    expect(result.ok).toBe(true);
    expect(fake.updates.every((u) => u.input.EndpointGroupArn === GROUP_ARN["us-west-2"])).toBe(true);
  });

  it("name the accelerator that is missing", async () => {
    ga.on(ListAcceleratorsCommand).resolves({ Accelerators: [] });
    await expect(findEndpointGroups(new GlobalAcceleratorClient({ region: "us-west-2" }), DNS)).rejects.toThrow(`no accelerator named ${DNS} in this account`);
  });

  it("must cover every configured region", async () => {
    outputs = { ...outputs, endpointGroupArns: { "us-west-2": GROUP_ARN["us-west-2"] } };
    await expect(target()).rejects.toThrow(/no endpoint group for eu-central-1/);
  });

  it("give the accelerator's ARN", () => {
    expect(acceleratorArnOf(GROUP_ARN["eu-central-1"])).toBe(ACCELERATOR);
    expect(() => acceleratorArnOf("arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/x/y")).toThrow(/not a Global Accelerator endpoint group ARN/);
  });

  it("with several endpoints refuse a weight shift before anything changes", async () => {
    ga.on(DescribeEndpointGroupCommand).resolves({
      EndpointGroup: { TrafficDialPercentage: 100, EndpointDescriptions: [{ EndpointId: "a", Weight: 1, HealthState: "HEALTHY" }, { EndpointId: "b", Weight: 1, HealthState: "HEALTHY" }] },
    });
    await expect(shift({ setting: "weight", value: 0 })).rejects.toThrow(/--weight shifts a group with one endpoint .* us-west-2's group has 2/);
    expect(ga.commandCalls(UpdateEndpointGroupCommand)).toHaveLength(0);
  });
});
