/**
 * The drill report of a real drill (a local system at 20× speed), opened from disk in a real headless
 * Chromium with no network: it renders without console errors or requests, one SVG mark per probe,
 * the errors as errors, the phases and the predicted windows.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type DrillResult, runDrill } from "../../drill/drill";
import { localTarget } from "../../targets/local";
import { renderReport, reportOf } from "../../drill/report-page";
import { timeScale } from "../../lib/time-scale";
import { type Browser, launchBrowser } from "../../scripts/lib/browser";
import { describeWithBrowser } from "../support/browser";
import { localConfig } from "../local/support";

describeWithBrowser("the drill report in Chromium", (executablePath) => {
  let result: DrillResult;
  let browser: Browser;
  const file = join(mkdtempSync(join(tmpdir(), "globalapp-report-")), "drill.html");

  beforeAll(async () => {
    const target = await localTarget({ config: localConfig(), timeScale: timeScale(0.05), fresh: true, propagationSeconds: 3, seed: 21 });
    try {
      result = await runDrill({ target, pollSeconds: 0.5, settle: 3, replication: false });
    } finally {
      await target.close();
    }
    writeFileSync(file, renderReport(reportOf(result, new Date())));
    browser = await launchBrowser({ executablePath });
  });
  afterAll(() => browser?.close());

  it("renders a mark for every probe, the STATUS changes, the phases and the predicted windows, offline and without errors", async () => {
    // Nothing but the file itself may load.
    const requests: string[] = [];
    await browser.context.route("**/*", (route) => {
      requests.push(route.request().url());
      return route.request().url().startsWith("file:") ? route.continue() : route.abort();
    });
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    await page.goto(pathToFileURL(file).href);

    const marks = page.locator("svg.timeline .probe");
    expect(await marks.count()).toBe(result.timeline.length);
    expect(await page.locator("svg.timeline .probe.error").count()).toBe(result.errors);
    // Each mark sits in its region's lane, at its time: the rendered marks are the samples, in order.
    const drawn = await marks.evaluateAll((els) => els.map((e) => ({ t: Number(e.getAttribute("data-t")), region: e.getAttribute("data-region") || null })));
    expect(drawn).toEqual(result.timeline.map((s) => ({ t: s.t, region: s.region })));
    // They are visible, inside the picture.
    const box = await page.locator("svg.timeline").boundingBox();
    const first = await marks.first().boundingBox();
    expect(box && first && first.x >= box.x && first.x + first.width <= box.x + box.width).toBe(true);

    expect(await page.locator("svg.timeline .status-change").count()).toBe(2);
    expect(await page.locator("svg.timeline rect.predicted").count()).toBe(2);
    expect(await page.locator("svg.timeline .phase.detection").count()).toBe(2);
    expect(await page.locator("svg.timeline .phase.propagation").count()).toBe(2);
    expect(await page.locator('svg.timeline .measured[data-phase="failover"]').getAttribute("data-seconds")).toBe(String(result.failoverSeconds));
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith("file:"))).toEqual([]);
  });
});
