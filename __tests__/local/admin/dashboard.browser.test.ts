/**
 * The dashboard in a real headless Chromium against a real local system at 10× speed (routing both):
 * it loads with no console errors and no request beyond its own origin, shows every region, and a
 * click on "fail us-west-2" (STATUS=400) moves the traffic on the chart to eu-central-1 — read from
 * the data the chart plots — and what DNS answers with it; "heal us-west-2" brings it back. Waits are bounded by the failover model's
 * prediction, never asserted as durations.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Page } from "playwright-core";
import { predictFailover, predictRecovery } from "../../../model/failover";
import type { LocalSystem } from "../../../local/system";
import type { RunningLocal } from "../../../local/start";
import { timeScale } from "../../../lib/time-scale";
import { type Browser, launchBrowser } from "../../../scripts/lib/browser";
import { describeWithBrowser } from "../../support/browser";
import { localConfig, startTestSystem } from "../support";

const SCALE = timeScale(0.1);
const PROPAGATION = 2;

/** The share (%) each series has in the last `n` intervals that had traffic, from the chart's own data. */
function recentShares(page: Page, n: number): Promise<Record<string, number[]>> {
  return page.evaluate((count) => {
    const chart = window.globalapp.chart;
    if (!chart) return {};
    const out: Record<string, number[]> = {};
    chart.series.slice(1).forEach((s, i) => {
      const values = (chart.data[i + 1] as (number | null)[]).filter((v): v is number => v !== null);
      out[String(s.label)] = values.slice(-count);
    });
    return out;
  }, n);
}

/** Waits until the last 3 intervals with traffic were served (≥ 90 %) by `region`. */
async function trafficServedBy(page: Page, region: string, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    (r) => {
      const chart = window.globalapp.chart;
      if (!chart) return false;
      const index = chart.series.findIndex((s) => s.label === r);
      const values = (chart.data[index] as (number | null)[]).filter((v): v is number => v !== null).slice(-3);
      return values.length === 3 && values.every((v) => v >= 90);
    },
    region,
    { timeout: timeoutMs, polling: 50 },
  );
}

describeWithBrowser("the dashboard in Chromium", (executablePath) => {
  let local: RunningLocal;
  let system: LocalSystem;
  let adminUrl: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const foreign: string[] = [];

  beforeAll(async () => {
    // Routing both: the accelerator's traffic on the chart, and what the latency records answer in the DNS panel.
    local = await startTestSystem({
      config: localConfig({ routing: "both", domain: { name: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" } }),
      timeScale: SCALE,
      propagationSeconds: PROPAGATION,
      dnsPort: 0,
      seed: 11,
      admin: { dashboard: { traffic: 5 } },
    });
    ({ system } = local);
    adminUrl = local.admin.url;
    browser = await launchBrowser({ executablePath });
    page = await browser.context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (r) => {
      if (!r.url().startsWith(adminUrl)) foreign.push(r.url());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await local?.close();
  });

  const hc = () => system.config.healthCheck;
  /** Real ms to wait for a change the model predicts, with room for a loaded machine. */
  const budget = (range: { max: number }) => SCALE.toRealMs(3 * range.max) + 15_000;

  it("loads with every region, live, without console errors or requests elsewhere", async () => {
    await page.goto(adminUrl);
    await page.waitForFunction(() => (window.globalapp.received.hello ?? 0) >= 1 && document.getElementById("connection")?.textContent === "live");
    const regions = await page.locator("#region-rows tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-region")));
    expect(regions).toEqual(system.config.regions);
    await expect(page.title()).resolves.toBe("GlobalApp local — dashboard");
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it("a click on \"fail us-west-2\" moves the traffic on the chart to eu-central-1, and \"heal us-west-2\" brings it back", async () => {
    // Every region healthy at the accelerator, so the closest one (the client is in us-west-2) serves.
    await page.waitForFunction(
      () => Array.from(document.querySelectorAll('[data-cell="accelerator"]')).every((c) => c.textContent === "healthy"),
      undefined,
      { timeout: budget(predictRecovery(hc(), PROPAGATION)) },
    );
    await trafficServedBy(page, "us-west-2", budget(predictRecovery(hc(), PROPAGATION)));
    // The DNS panel: the latency name answers the client's region with its closest healthy region.
    await expect(page.locator("#dns-section").isVisible()).resolves.toBe(true);
    await page.waitForFunction(() => document.querySelector(".dns-answer")?.getAttribute("data-region") === "us-west-2");
    await expect(page.locator(".dns-answer").textContent()).resolves.toMatch(/^latency\.api\.example\.com answers 127\.0\.0\.\d+.* us-west-2 — to clients in us-west-2/);

    await page.getByRole("button", { name: "fail us-west-2" }).click();
    await page.waitForFunction(() => /us-west-2: STATUS=400/.test(document.getElementById("message")?.textContent ?? ""));
    await expect(page.locator('tr[data-region="us-west-2"] [data-cell="status"]').textContent()).resolves.toBe("400");
    await trafficServedBy(page, "eu-central-1", budget(predictFailover(hc(), PROPAGATION)));
    expect((await recentShares(page, 3))["us-west-2"].every((v) => v <= 10)).toBe(true);
    await expect(page.locator('tr[data-region="us-west-2"] [data-cell="accelerator"]').textContent()).resolves.toBe("unhealthy");
    // The table's minute share and the event log tell the same story.
    await expect(page.locator("#events").textContent()).resolves.toMatch(/us-west-2: accelerator now sees it unhealthy/);
    expect(Number(await page.locator('tr[data-region="eu-central-1"] [data-cell="share"]').getAttribute("data-share"))).toBeGreaterThan(0);
    // Route 53's answers moved too (its propagation here is the accelerator's).
    await page.waitForFunction(() => document.querySelector(".dns-answer")?.getAttribute("data-region") === "eu-central-1", undefined, { timeout: budget(predictFailover(hc(), PROPAGATION)) });

    await page.getByRole("button", { name: "heal us-west-2" }).click();
    await trafficServedBy(page, "us-west-2", budget(predictRecovery(hc(), PROPAGATION)));
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it("shows each region's replication live: a click pauses it, the backlog grows with writes, a click resumes it", async () => {
    const cell = (region: string) => page.locator(`tr[data-region="${region}"] [data-cell="replication"]`);
    await page.getByRole("button", { name: "pause replication eu-central-1" }).click();
    await page.waitForFunction(() => document.querySelector('tr[data-region="eu-central-1"] [data-cell="replication"]')?.getAttribute("data-paused") === "true");
    await expect(cell("eu-central-1").locator(".badge").textContent()).resolves.toBe("paused");
    const url = system.regions.get("us-west-2")!.alb.url;
    for (const id of ["page-1", "page-2", "page-3"]) await fetch(`${url}/items/${id}`, { method: "PUT", body: '{"v":1}' });
    await page.waitForFunction(() => Number(document.querySelector('tr[data-region="eu-central-1"] [data-cell="replication"]')?.getAttribute("data-pending-in")) >= 3);
    // The same changes seen from both ends (a retried write on a loaded machine is two changes, as on AWS).
    const pendingIn = await cell("eu-central-1").getAttribute("data-pending-in");
    await expect(cell("us-west-2").getAttribute("data-pending-out")).resolves.toBe(pendingIn);
    await page.getByRole("button", { name: "resume replication eu-central-1" }).click();
    await page.waitForFunction(() => document.querySelector('tr[data-region="eu-central-1"] [data-cell="replication"]')?.getAttribute("data-pending-in") === "0");
    await expect(cell("eu-central-1").textContent()).resolves.toMatch(/^on in 0 · out 0 · lag p50 [\d.]+ s, max [\d.]+ s$/);
    // Newest first.
    await expect(page.locator("#events").textContent()).resolves.toMatch(/eu-central-1: replication resumed[\s\S]*eu-central-1: replication PAUSED/);
    expect(problems).toEqual([]);
  });

  it("a page on another origin cannot drive it: its text/plain form post and no-cors fetch are refused and change nothing", async () => {
    // Another local web page (another port is another origin), as any site the developer has open:
    // "simple" requests need no CORS preflight, so without the guard they would take effect.
    const admin = adminUrl;
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><title>elsewhere</title>
        <form id="f" method="post" enctype="text/plain" action="${admin}/regions/us-west-2/kill"><input name="x" value="y"></form>
        <script>
          window.fetched = fetch("${admin}/regions/us-west-2/kill", { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: "x" })
            .then(() => "answered", () => "failed");
          // page.evaluate has no timeout of its own: the page gives up waiting itself.
          window.fetched = Promise.race([window.fetched, new Promise((resolve) => setTimeout(() => resolve("no answer in 20 s"), 20000))]);
        </script>`);
    });
    // Every socket the browser opens (its preconnects too, which no request ever uses), to end them all.
    const sockets = new Set<Socket>();
    evil.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
    const other = await browser.context.newPage();
    other.setDefaultTimeout(20_000);
    try {
      const answers: number[] = [];
      other.on("response", (r) => {
        if (r.url() === `${admin}/regions/us-west-2/kill`) answers.push(r.status());
      });
      // The page fetches as it loads; once that is answered, it posts the form (a navigation). One
      // step after the other, so the form's navigation never races the page's own load.
      await other.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      // no-cors: the page cannot read the answer (an opaque response), only that one came.
      expect(await other.evaluate(() => (window as unknown as { fetched: Promise<string> }).fetched)).toBe("answered");
      const [posted] = await Promise.all([
        other.waitForResponse((r) => r.url() === `${admin}/regions/us-west-2/kill` && r.request().resourceType() === "document"),
        other.evaluate(() => (document.getElementById("f") as HTMLFormElement).submit()),
      ]);
      expect(posted.status()).toBe(403);
      expect(answers).toEqual([403, 403]);
      const region = system.snapshot().regions.find((r) => r.region === "us-west-2")!;
      expect(region.killed).toBe(false);
    } finally {
      // Closing never holds the test up: the page is gone with the browser's context at the latest,
      // and the server closes once its last socket does.
      await Promise.race([other.close(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      evil.close();
      for (const socket of sockets) socket.destroy(); // the browser keeps its connections open
    }
  });

  it("the dashboard opened as localhost still drives the system (its own origin)", async () => {
    const page2 = await browser.context.newPage();
    await page2.goto(adminUrl.replace("127.0.0.1", "localhost"));
    await page2.waitForFunction(() => document.getElementById("connection")?.textContent === "live");
    await page2.getByRole("button", { name: "fail eu-central-1" }).click();
    await page2.waitForFunction(() => /eu-central-1: STATUS=400/.test(document.getElementById("message")?.textContent ?? ""));
    expect(system.snapshot().regions.find((r) => r.region === "eu-central-1")!.status).toBe("400");
    await page2.getByRole("button", { name: "heal eu-central-1" }).click();
    await page2.waitForFunction(() => /eu-central-1: STATUS=200/.test(document.getElementById("message")?.textContent ?? ""));
    await page2.close();
  });
});
