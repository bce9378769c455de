/** The data side of a drill in the text summary and the HTML report: every figure, what was not measured said as such, every text escaped. */
import { formatDataLines, renderDataPanel } from "../../drill/report-data";
import { renderReport, reportOf } from "../../drill/report-page";
import { formatSummary } from "../../drill/report";
import { escapeHtml } from "../../drill/report-timeline";
import { dataResult, drillResult } from "./fixtures";

describe("the data lines of the summary", () => {
  it("name every figure: writes by region, lag, exposure at each takeover, stale reads, conflicts and their resolution", () => {
    const text = formatDataLines(dataResult()).join("\n");
    expect(text).toContain("40 writes acknowledged (22 in us-west-2, 18 in eu-central-1), 0 failed, 2 skipped");
    expect(text).toMatch(/replication lag +p50 0\.52 s, p99 1\.1 s, max 1\.2 s \(38 writes, read every 0\.1 s\)/);
    expect(text).toMatch(/not yet replicated 2 write\(s\) at the failover; takeovers us-west-2 → eu-central-1 at 44\.2 s: 2, eu-central-1 → us-west-2 at 79\.6 s: 1/);
    expect(text).toMatch(/stale reads +1 of 39 reads/);
    expect(text).toMatch(/conflicts +1 \(last writer wins: every region ended on the later write\)/);
    expect(text).toMatch(/converged +yes/);
  });

  it("say what was not measured, never a zero, and a disagreement loudly", () => {
    const unmeasured = formatDataLines(dataResult({ replicationLagSeconds: null, notYetReplicatedAtFailover: null, conflicts: null, converged: null, notes: ["no ALB URLs"] })).join("\n");
    expect(unmeasured).toMatch(/replication lag +not measured/);
    expect(unmeasured).toMatch(/not yet replicated not measured/);
    expect(unmeasured).toMatch(/conflicts +not measured/);
    expect(unmeasured).toMatch(/converged +not checked/);
    expect(unmeasured).toMatch(/note +no ALB URLs/);
    expect(formatDataLines(dataResult({ converged: false })).join("\n")).toMatch(/regions did NOT converge[\s\S]*NO: the regions disagree/);
  });

  it("add CloudWatch's ReplicationLatency on AWS, and a window without datapoints as such", () => {
    const text = formatDataLines(
      dataResult({
        replicationLatencyMetric: [
          { region: "us-west-2", receivingRegion: "eu-central-1", averageSeconds: 0.61, maximumSeconds: 1.4, datapoints: 3 },
          { region: "eu-central-1", receivingRegion: "us-west-2", averageSeconds: null, maximumSeconds: null, datapoints: 0 },
        ],
      }),
    ).join("\n");
    expect(text).toContain("ReplicationLatency us-west-2 → eu-central-1: average 0.61 s, max 1.4 s (3 datapoints)");
    expect(text).toContain("ReplicationLatency eu-central-1 → us-west-2: no datapoints yet (CloudWatch lags by minutes)");
  });

  it("are part of the drill's summary when the drill measured data", () => {
    expect(formatSummary(drillResult({ data: dataResult() }))).toMatch(/errors +2\n {2}data +40 writes/);
    expect(formatSummary(drillResult())).not.toContain("replication lag");
  });
});

describe("the data panel of the HTML report", () => {
  it("shows the figures, each takeover and each conflict", () => {
    const html = renderDataPanel(dataResult());
    expect(html).toContain("<h4>Data: what the failover cost the writes</h4>");
    expect(html).toContain("<tr><td>us-west-2 → eu-central-1</td><td>44.2 s</td><td>2</td></tr>");
    expect(html).toContain("<tr><td>drill-data-x-1</td><td>#17 in us-west-2</td><td>#19 in eu-central-1</td></tr>");
    expect(html).toContain("<th>stale reads</th><td>1 of 39</td>");
  });

  it("is in the page under the drill's timeline when the drill measured data, and only then", () => {
    const at = new Date("2026-01-02T03:04:05.000Z");
    const page = renderReport(reportOf(drillResult({ data: dataResult() }), at));
    expect(page.indexOf('<div class="data-panel">')).toBeGreaterThan(page.indexOf('<svg class="timeline"'));
    expect(renderReport(reportOf(drillResult(), at))).not.toContain('<div class="data-panel">');
  });

  it("escapes every text it takes from the result", () => {
    const evil = "<img src=x onerror=alert(1)>";
    const html = renderDataPanel(dataResult({ writesByRegion: { [evil]: 1 }, conflictDetails: [{ item: evil, lost: { seq: 1, region: evil }, kept: { seq: 2, region: "x" } }], notes: [evil] }));
    expect(html).not.toContain(evil);
    expect(html).toContain(escapeHtml(evil));
  });
});
