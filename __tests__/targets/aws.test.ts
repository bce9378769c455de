/**
 * `--target aws` control flow: the Lambda API mocked with aws-sdk-client-mock, local HTTP servers
 * standing in for the accelerator and the two ALBs. The drill, the target and the stand-ins share a
 * test clock that moves only when the drill sleeps (support/clock.ts): a request to a stand-in takes
 * no time on it, so the times the drill measures are the same on a quiet and on a loaded machine.
 */
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { awsTarget, parseStackOutputs, readStackOutputs, replicationLatency, STACK_NAME, type StackOutputs } from "../../targets/aws";
import { DrillDeclinedError, runDrill } from "../../drill/drill";
import { STACK_NAME as STACK_NAME_OF_THE_STACK } from "../../constructs/global-app-stack";
import { ALB_ALIAS_TTL_SECONDS, GA_PROPAGATION_SECONDS, predictDnsFailover, ROUTE53_PROPAGATION_SECONDS } from "../../model/failover";
import { LocalDnsServer } from "../../local/edge/dns-server";
import { answerQuestion } from "../../local/edge/dns-zone";
import { commonPort } from "../../local/runtime/loopback";
import { PROJECT_ROOT } from "../../lib/project";
import { localConfig } from "../local/support";
import { TestClock } from "../support/clock";

const FN = { "us-west-2": "globalapp-dev-us-west-2-get", "eu-central-1": "globalapp-dev-eu-central-1-get" } as const;
type Region = keyof typeof FN;
const HEALTH_DELAY_MS = 120; // the stand-in accelerator moves traffic this long after STATUS changes
const UPDATE_POLL_MS = 5;
const POLL_SECONDS = 0.02;

/** The fake deployment: each function's variables and update state; the "accelerator" follows STATUS. */
class FakeDeployment {
  vars: Record<string, Record<string, string>> = {};
  inProgressPolls: Record<string, number> = {};
  revision: Record<string, number> = {};
  changedAt: Record<string, number> = {};
  updates: { name: string; vars: Record<string, string>; revisionId?: string }[] = [];
  failNextUpdate = false;
  conflictsLeft = 0;
  items = new Map<string, string>();
  servers: Server[] = [];

  constructor(readonly clock: TestClock) {
    for (const name of Object.values(FN)) {
      this.vars[name] = { TABLE_NAME: "GlobalApp", STATUS: "200", HEALTH_CHECK_MODE: "shallow" };
      this.revision[name] = 1;
      this.inProgressPolls[name] = 0;
      this.changedAt[name] = 0;
    }
  }

  /** The region the accelerator sends this client to now: us-west-2 unless it has been failing long enough. */
  serving(): Region {
    const name = FN["us-west-2"];
    const failing = this.vars[name].STATUS !== "200";
    return failing === this.clock.now() - this.changedAt[name] >= HEALTH_DELAY_MS ? "eu-central-1" : "us-west-2";
  }

  async listen(handler: (path: string, method: string, body: string) => { status: number; region?: string; body?: string }): Promise<string> {
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const r = handler(req.url ?? "/", req.method ?? "GET", body);
        res.writeHead(r.status, r.region ? { "x-served-by-region": r.region } : {}).end(r.body ?? "");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.servers.push(server);
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** One region's function on the items (one table, replicated at once): PUT stores the body as the item, GET answers it as the function does. */
  itemRequest(region: Region, path: string, method: string, body: string): { status: number; region: string; body?: string } {
    const id = path.replace(/^\/items\//, "");
    if (method === "PUT") {
      this.items.set(id, body);
      return { status: 201, region };
    }
    if (method === "DELETE") {
      this.items.delete(id);
      return { status: 200, region };
    }
    const item = this.items.get(id);
    return item ? { status: 200, region, body: JSON.stringify({ item: JSON.parse(item), region }) } : { status: 404, region };
  }

  async start(): Promise<StackOutputs> {
    // The accelerator sends item requests to the region serving this client, like any other.
    const accelerator = await this.listen((path, method, body) =>
      path.startsWith("/items/") ? this.itemRequest(this.serving(), path, method, body) : { status: 200, region: this.serving(), body: "{}" },
    );
    const alb = (region: Region) => this.listen((path, method, body) => this.itemRequest(region, path, method, body));
    // terraform output -json's form: { name: { value, type, sensitive } }
    return parseStackOutputs({
      accelerator_dns_name: { value: accelerator, type: "string", sensitive: false },
      accelerator_ips: { value: ["192.0.2.1", "192.0.2.2"], type: ["list", "string"], sensitive: false },
      alb_dns_names: { value: { "us-west-2": await alb("us-west-2"), "eu-central-1": await alb("eu-central-1") } },
      function_names: { value: FN },
    });
  }

  close(): Promise<void[]> {
    return Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

const lambdaMock = mockClient(LambdaClient);
const cloudwatchMock = mockClient(CloudWatchClient);
let fake: FakeDeployment;
let outputs: StackOutputs;

beforeEach(async () => {
  fake = new FakeDeployment(new TestClock({ auto: true }));
  outputs = await fake.start();
  lambdaMock.reset();
  cloudwatchMock.reset();
  // No datapoints unless a test says otherwise (CloudWatch publishes minutes late).
  cloudwatchMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
  lambdaMock.on(GetFunctionConfigurationCommand).callsFake((input: { FunctionName: string }) => {
    const name = input.FunctionName;
    const inProgress = fake.inProgressPolls[name] > 0;
    if (inProgress) fake.inProgressPolls[name] -= 1;
    return {
      FunctionName: name,
      State: "Active",
      LastUpdateStatus: inProgress ? "InProgress" : fake.failNextUpdate ? "Failed" : "Successful",
      LastUpdateStatusReason: fake.failNextUpdate && !inProgress ? "KMS key is disabled" : undefined,
      RevisionId: `rev-${fake.revision[name]}`,
      Environment: { Variables: { ...fake.vars[name] } },
    };
  });
  lambdaMock.on(UpdateFunctionConfigurationCommand).callsFake((input: { FunctionName: string; Environment: { Variables: Record<string, string> }; RevisionId?: string }) => {
    const name = input.FunctionName;
    if (fake.conflictsLeft > 0) {
      fake.conflictsLeft -= 1;
      throw Object.assign(new Error("The operation cannot be performed at this time."), { name: "ResourceConflictException" });
    }
    fake.updates.push({ name, vars: input.Environment.Variables, revisionId: input.RevisionId });
    if (!fake.failNextUpdate) fake.vars[name] = { ...input.Environment.Variables };
    fake.revision[name] += 1;
    fake.changedAt[name] = fake.clock.now();
    fake.inProgressPolls[name] = 2; // two polls see InProgress before Successful
    return { FunctionName: name, LastUpdateStatus: "InProgress" };
  });
});
afterEach(() => fake.close());

const target = () => awsTarget({ config: localConfig(), outputs, updatePollMs: UPDATE_POLL_MS, clock: fake.clock });
const drill = (extra: Partial<Parameters<typeof runDrill>[0]> = {}) =>
  runDrill({ target: target(), pollSeconds: POLL_SECONDS, settle: 3, ...extra });

describe("stack outputs", () => {
  it("reads terraform output -json and cdktf outputs files alike", () => {
    const plain = { accelerator_dns_name: "a1.awsglobalaccelerator.com", accelerator_ips: ["1.2.3.4"], alb_dns_names: { "us-west-2": "alb" }, function_names: { "us-west-2": "fn" } };
    const expected = { acceleratorDnsName: "a1.awsglobalaccelerator.com", acceleratorIps: ["1.2.3.4"], albDnsNames: { "us-west-2": "alb" }, functionNames: { "us-west-2": "fn" } };
    expect(parseStackOutputs({ globalapp: plain })).toEqual(expected);
    expect(parseStackOutputs(Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, { value: v, type: "x", sensitive: false }])))).toEqual(expected);
  });
  it("names a missing output", () => {
    expect(() => parseStackOutputs({ alb_dns_names: { value: { "us-west-2": "x" } } })).toThrow(/"function_names" is missing/);
    expect(() => parseStackOutputs([])).toThrow(/JSON object/);
  });
  it("reads an outputs file", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "drill-")), "outputs.json");
    writeFileSync(file, JSON.stringify({ globalapp: { accelerator_ips: ["1.2.3.4"], alb_dns_names: { "us-west-2": "a" }, function_names: { "us-west-2": "f" } } }));
    expect((await readStackOutputs(file)).acceleratorIps).toEqual(["1.2.3.4"]);
  });
  it("uses the stack's own name", () => {
    expect(STACK_NAME).toBe(STACK_NAME_OF_THE_STACK);
  });
  it("gives --load's prediction the config's dials, weights, reservation and duration; clients are where the drill runs", () => {
    const config = localConfig({ accelerator: { trafficDials: { "eu-central-1": 40 } }, function: { reservedConcurrency: 50 }, capacity: { functionMilliseconds: 25 } });
    expect(awsTarget({ config, outputs }).capacity).toEqual({
      groups: [{ region: "us-west-2", dial: 100, weight: 128 }, { region: "eu-central-1", dial: 40, weight: 128 }],
      concurrencyLimit: 50,
      functionMilliseconds: 25,
      durationEmulated: false,
    });
  });
  it("refuses a stack without a function for a configured region", () => {
    expect(() => awsTarget({ config: localConfig(), outputs: { ...outputs, functionNames: { "us-west-2": "fn" } } })).toThrow(/no function for eu-central-1/);
  });
});

describe("runDrill --target aws", () => {
  it("flips STATUS through the Lambda API keeping the other variables, waits for LastUpdateStatus, and restores it", async () => {
    // The data side's writer sleeps on the same clock; without it nothing moves the clock while a
    // poll is in flight, so the figures below are exact (the data side has its own test).
    const result = await drill({ replication: false });
    const name = FN["us-west-2"];
    expect(fake.updates.map((u) => [u.name, u.vars])).toEqual([
      [name, { TABLE_NAME: "GlobalApp", STATUS: "400", HEALTH_CHECK_MODE: "shallow" }],
      [name, { TABLE_NAME: "GlobalApp", STATUS: "200", HEALTH_CHECK_MODE: "shallow" }],
    ]);
    // Each update names the revision it read (no lost concurrent change) …
    expect(fake.updates.map((u) => u.revisionId)).toEqual(["rev-1", "rev-2"]);
    // … and is waited for: the InProgress polls were consumed before the drill went on.
    expect(fake.inProgressPolls[name]).toBe(0);
    expect(fake.vars[name].STATUS).toBe("200");
    expect(fake.vars[FN["eu-central-1"]].STATUS).toBe("200");
    expect(result).toMatchObject({ target: "aws", origin: "us-west-2", failoverRegion: "eu-central-1", errors: 0, timeScale: 1, propagationSeconds: GA_PROPAGATION_SECONDS });
    // The clock starts with the update applied, after the two InProgress polls that followed the change
    // the stand-in moves on; the first poll after the move sees it.
    for (const seconds of [result.failoverSeconds!, result.recoverySeconds!]) {
      expect(seconds).toBeGreaterThanOrEqual((HEALTH_DELAY_MS - 2 * UPDATE_POLL_MS) / 1000);
      expect(seconds).toBeLessThanOrEqual((HEALTH_DELAY_MS - 2 * UPDATE_POLL_MS) / 1000 + POLL_SECONDS);
    }
    // The stand-in moves in 0.12 s, far faster than AWS can: the drill says so.
    expect(result.predictedFailoverRange).toEqual({ min: 10, max: 2 * 10 + 5 + GA_PROPAGATION_SECONDS });
    expect(result.failoverInRange).toBe(false);
    expect(result.ok).toBe(false);
  });

  it("checks replication through two regions' ALBs and deletes its item", async () => {
    const result = await drill();
    expect(result.replication).toMatchObject({ writeRegion: "us-west-2", readRegion: "eu-central-1", reads: 1 });
    expect(result.replication?.lagSeconds).not.toBeNull();
    expect(fake.items.size).toBe(0);
  });

  it("measures the data side through the accelerator and the ALBs, deletes its items, and reads ReplicationLatency from CloudWatch", async () => {
    cloudwatchMock.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({ Id: q.Id, Values: q.Id?.startsWith("average") ? [420, 580] : [900, 1200] })),
    }));
    const result = await runDrill({ target: awsTarget({ config: localConfig(), outputs, updatePollMs: UPDATE_POLL_MS, clock: fake.clock, cloudwatch: () => new CloudWatchClient({ region: "us-west-2" }) }), pollSeconds: POLL_SECONDS, settle: 3 });
    const data = result.data!;
    expect(data.writes).toBeGreaterThan(0);
    expect(data.writeErrors).toBe(0);
    // This stand-in's one table shows every write everywhere at once: nothing to lose, nothing stale.
    expect(data).toMatchObject({ staleReads: 0, conflicts: 0, converged: true, cleanedUp: true });
    expect(data.lagSamples).toBe(data.writes);
    expect([...fake.items.keys()].filter((id) => id.startsWith("drill-data-"))).toEqual([]);
    // One GetMetricData per source region, on the table's ReplicationLatency toward the other region.
    const calls = cloudwatchMock.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(2);
    const query = calls[0].args[0].input.MetricDataQueries![0].MetricStat!;
    expect(query).toMatchObject({ Period: 60, Stat: "Average", Unit: "Milliseconds", Metric: { Namespace: "AWS/DynamoDB", MetricName: "ReplicationLatency" } });
    expect(query.Metric!.Dimensions).toEqual([{ Name: "TableName", Value: "GlobalApp" }, { Name: "ReceivingRegion", Value: "eu-central-1" }]);
    expect(data.replicationLatencyMetric).toEqual([
      { region: "us-west-2", receivingRegion: "eu-central-1", averageSeconds: 0.5, maximumSeconds: 1.2, datapoints: 2 },
      { region: "eu-central-1", receivingRegion: "us-west-2", averageSeconds: 0.5, maximumSeconds: 1.2, datapoints: 2 },
    ]);
  });

  it("reports a window without CloudWatch datapoints as such, and a CloudWatch error as a note, never as zero", async () => {
    cloudwatchMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const quiet = await replicationLatency("GlobalApp", ["us-west-2", "eu-central-1"], () => new CloudWatchClient({ region: "us-west-2" }), { start: new Date(), end: new Date() });
    expect(quiet[0]).toEqual({ region: "us-west-2", receivingRegion: "eu-central-1", averageSeconds: null, maximumSeconds: null, datapoints: 0 });
    cloudwatchMock.on(GetMetricDataCommand).rejects(Object.assign(new Error("User is not authorized to perform: cloudwatch:GetMetricData"), { name: "AccessDenied" }));
    const events: string[] = [];
    const result = await runDrill({ target: awsTarget({ config: localConfig(), outputs, updatePollMs: UPDATE_POLL_MS, clock: fake.clock, cloudwatch: () => new CloudWatchClient({ region: "us-west-2" }) }), pollSeconds: POLL_SECONDS, settle: 3, onEvent: (e) => events.push(e.event) });
    expect(result.data?.replicationLatencyMetric).toBeUndefined();
    expect(events).toContainEqual(expect.stringMatching(/CloudWatch ReplicationLatency not read: User is not authorized to perform: cloudwatch:GetMetricData/));
  });

  it("asks before changing anything; a no changes nothing", async () => {
    const asked: string[][] = [];
    await expect(drill({ confirm: async (lines) => (asked.push([...lines]), false) })).rejects.toThrow(DrillDeclinedError);
    expect(asked[0].join(" ")).toMatch(/STATUS=400 on Lambda function globalapp-dev-us-west-2-get in us-west-2 \(its other environment variables are kept\)/);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("restores STATUS when interrupted (Ctrl-C) mid-failover", async () => {
    const controller = new AbortController();
    const run = drill({
      signal: controller.signal,
      onSample: (s) => {
        if (s.phase === "failover") controller.abort(new Error("interrupted"));
      },
    });
    await expect(run).rejects.toThrow("interrupted");
    expect(fake.updates.map((u) => u.vars.STATUS)).toEqual(["400", "200"]);
    expect(fake.vars[FN["us-west-2"]]).toEqual({ TABLE_NAME: "GlobalApp", STATUS: "200", HEALTH_CHECK_MODE: "shallow" });
  });

  it("retries an update that conflicts with another one in progress", async () => {
    fake.conflictsLeft = 2;
    await target().setStatus("us-west-2", "400");
    expect(fake.vars[FN["us-west-2"]].STATUS).toBe("400");
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(3);
  });

  it("fails with Lambda's reason when the update fails", async () => {
    fake.failNextUpdate = true;
    await expect(target().setStatus("us-west-2", "400")).rejects.toThrow(/update failed: KMS key is disabled/);
  });

  it("with HTTPS on, needs --url and skips the replication check (the ALB names are not on the certificates)", async () => {
    const https = localConfig({
      https: {
        certificateArns: {
          "us-west-2": "arn:aws:acm:us-west-2:123456789012:certificate/00000000-0000-0000-0000-000000000001",
          "eu-central-1": "arn:aws:acm:eu-central-1:123456789012:certificate/00000000-0000-0000-0000-000000000002",
        },
      },
    });
    expect(() => awsTarget({ config: https, outputs })).toThrow(/HTTPS is on .*pass --url https:\/\/<your domain>/);
    const t = awsTarget({ config: https, outputs, acceleratorUrl: `http://${outputs.acceleratorDnsName}`, updatePollMs: UPDATE_POLL_MS, clock: fake.clock });
    const result = await runDrill({ target: t, pollSeconds: POLL_SECONDS, settle: 3 });
    expect(result.replication).toBeUndefined();
    expect(result.events.map((e) => e.event)).toContain("replication check skipped: no ALB URLs to write and read through (HTTPS on?)");
    // The data side still writes and reads through the accelerator; what needs the ALBs is said to be unmeasured, never zero.
    expect(result.data).toMatchObject({ replicationLagSeconds: null, notYetReplicatedAtFailover: null, conflicts: null, converged: null, cleanedUp: true, staleReads: 0 });
    expect(result.data!.writes).toBeGreaterThan(0);
    expect(result.data!.notes).toEqual([expect.stringMatching(/no ALB URLs/)]);
  });

  it("refuses to start when a region is already failing", async () => {
    fake.vars[FN["eu-central-1"]].STATUS = "400";
    await expect(drill()).rejects.toThrow(/globalapp-dev-eu-central-1-get \(eu-central-1\) has STATUS=400/);
    expect(fake.updates).toHaveLength(0);
  });
});

describe("drill CLI usage errors", () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ["-r", "./scripts/ts-register.cjs", "drill/main.ts", ...args], { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, GLOBALAPP_CONFIG: "" } });
  it("needs --target local or aws", () => {
    const r = cli("--target", "gcp");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--target must be local or aws, got "gcp"/);
  });
  it("rejects --time-scale for aws, which runs in real time", () => {
    const r = cli("--target", "aws", "--time-scale", "0.1");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--time-scale applies to --target local only/);
  });
});

describe("runDrill --target aws --routing route53", () => {
  const DOMAIN = { name: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };
  const config = () => localConfig({ routing: "route53", domain: DOMAIN });
  // Stand-ins for the latency records: a DNS server answering as Route 53 would (us-west-2's ALB until
  // the fake deployment's traffic has left it, then eu-central-1's), TTL 1 s, and one HTTP stand-in per
  // region's ALB on its own loopback address, all on one port as ALBs all listen on 80.
  let dns: LocalDnsServer;
  let port: number;
  const regional: Server[] = [];
  beforeEach(async () => {
    port = await commonPort(["127.0.0.2", "127.0.0.3"], 0);
    for (const [host, region] of [["127.0.0.2", "us-west-2"], ["127.0.0.3", "eu-central-1"]]) {
      // The region's function, the items included (the drill's writer goes through the latency name).
      const s = createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
          const url = req.url ?? "/";
          const r = url.startsWith("/items/") ? fake.itemRequest(region as Region, url, req.method ?? "GET", body) : { status: 200, body: "{}" };
          res.writeHead(r.status, { "x-served-by-region": region }).end(r.body ?? "");
        });
      });
      await new Promise<void>((resolve) => s.listen(port, host, resolve));
      regional.push(s);
    }
    dns = new LocalDnsServer({
      port: 0,
      answer: (q) =>
        answerQuestion(
          { zone: "example.com", names: new Map([["api.example.com", () => ({ address: fake.serving() === "us-west-2" ? "127.0.0.2" : "127.0.0.3", port, ttl: 1 })]]), soaTtl: 1 },
          q,
          "us-west-2",
        ),
    });
    await dns.listen();
  });
  afterEach(async () => {
    await dns.close();
    await Promise.all(regional.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  // Route 53 alone: the deployment has no accelerator, its outputs name the latency records.
  const route53Outputs = (): StackOutputs => ({ ...outputs, acceleratorIps: [], acceleratorDnsName: undefined, latencyRecordName: "api.example.com" });
  const r53Target = () =>
    awsTarget({
      config: config(),
      outputs: route53Outputs(),
      latencyUrl: `http://api.example.com:${port}`,
      dnsServer: { host: "127.0.0.1", port: dns.port },
      updatePollMs: UPDATE_POLL_MS,
      clock: fake.clock,
    });

  it("polls the latency name through a TTL-honouring resolver and reports the same fields, predicted by the DNS model", async () => {
    const result = await runDrill({ target: r53Target(), routing: "route53", pollSeconds: 0.05, settle: 3 });
    expect(result).toMatchObject({
      target: "aws",
      routing: "route53",
      client: "honour-ttl",
      url: `http://api.example.com:${port}`,
      origin: "us-west-2",
      failoverRegion: "eu-central-1",
      errors: 0,
      propagationSeconds: ROUTE53_PROPAGATION_SECONDS,
      dns: { name: "api.example.com", server: `resolver 127.0.0.1:${dns.port}`, healthChecks: "alias", ttlSeconds: ALB_ALIAS_TTL_SECONDS, cacheSeconds: ALB_ALIAS_TTL_SECONDS },
    });
    // Alias health: the target group's 10 s × 2 + 5 s, + 30 s Route 53 propagation, + the 60 s TTL.
    expect(result.predictedFailoverRange).toEqual({ min: 10, max: 2 * 10 + 5 + 30 + 60 });
    expect(result.predictedFailoverRange).toEqual(
      predictDnsFailover(config().healthCheck, { healthChecks: "alias", requestIntervalSeconds: 30, failureThreshold: 3, propagationSeconds: ROUTE53_PROPAGATION_SECONDS, ttlSeconds: ALB_ALIAS_TTL_SECONDS }),
    );
    // The stand-ins move in a second, far faster than AWS can: reported, not hidden.
    expect(result.failoverInRange).toBe(false);
    expect(result.ok).toBe(false);
    // Every poll names the address it used and its answer's age; the resolver asked far less often than the drill polled.
    expect(result.timeline.every((s) => (s.address === "127.0.0.2" || s.address === "127.0.0.3") && typeof s.answerAgeSeconds === "number")).toBe(true);
    expect(result.timeline.filter((s) => s.region === "eu-central-1").every((s) => s.address === "127.0.0.3")).toBe(true);
    expect(Math.max(...result.timeline.map((s) => s.answerAgeSeconds!))).toBeGreaterThan(0.3);
    expect(dns.metrics.udpQueries).toBeLessThan(result.requests / 3);
    expect(fake.vars[FN["us-west-2"]].STATUS).toBe("200");
    // The drill's writer went through the latency name too, moving with it.
    expect(result.data).toMatchObject({ converged: true, cleanedUp: true, writeErrors: 0 });
    expect(Object.keys(result.data!.writesByRegion)).toEqual(["us-west-2", "eu-central-1"]);
  });

  it("a pinning client keeps the failed region's answer past the TTL", async () => {
    const result = await runDrill({ target: r53Target(), routing: "route53", client: { kind: "pin", seconds: 2 }, pollSeconds: 0.05, settle: 3 });
    expect(result.client).toBe("pin:2");
    expect(result.dns?.cacheSeconds).toBe(2);
    expect(result.predictedFailoverRange.max).toBe(2 * 10 + 5 + 30 + 2);
    // The first answer was kept for 2 s however soon the TTL (1 s) ran out.
    expect(Math.max(...result.timeline.filter((s) => s.phase === "failover").map((s) => s.answerAgeSeconds!))).toBeGreaterThan(1.5);
  });

  it("needs the latency_record_name output, and has no accelerator to drill with routing route53", async () => {
    expect(() => awsTarget({ config: config(), outputs: { ...route53Outputs(), latencyRecordName: undefined } })).toThrow(/stack output "latency_record_name" is missing/);
    await expect(runDrill({ target: r53Target(), routing: "accelerator", pollSeconds: 0.05 })).rejects.toThrow(/no accelerator/);
    expect(r53Target().acceleratorUrl).toBeUndefined();
  });

  it("reads the record names from the outputs", () => {
    const parsed = parseStackOutputs({
      alb_dns_names: { value: { "us-west-2": "a" } },
      function_names: { value: { "us-west-2": "f" } },
      latency_record_name: { value: "latency.api.example.com" },
      accelerator_record_name: { value: "api.example.com" },
    });
    expect(parsed).toMatchObject({ latencyRecordName: "latency.api.example.com", acceleratorRecordName: "api.example.com" });
  });
});
