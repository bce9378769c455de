/**
 * The dashboard's HTML: one self-contained page, its script (local/admin/dashboard-client.ts with uPlot,
 * the pinned npm package) bundled by esbuild and inlined with uPlot's stylesheet, so the page needs
 * nothing but the admin port it came from: no CDN, no network. Built once per process, on the first
 * request (≈ 0.1 s), then served from memory.
 */
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ERROR_COLOR } from "../../lib/region-colors";

const UPLOT_VERSION = (JSON.parse(readFileSync(require.resolve("uplot/package.json"), "utf8")) as { version: string }).version;

/** The page's script: the client and uPlot, one minified IIFE. */
async function bundleClient(): Promise<string> {
  const result = await build({
    entryPoints: [join(__dirname, "dashboard-client.ts")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2020",
    minify: true,
    // uPlot's MIT license asks for its notice in every copy: the page carries it.
    banner: { js: `/*! uPlot ${UPLOT_VERSION}\n${readFileSync(require.resolve("uplot/LICENSE"), "utf8").replace(/\*\//g, "* /")}*/` },
    logLevel: "silent",
  });
  // esbuild escapes "</script" inside strings for inline use; make sure of it.
  const code = result.outputFiles[0].text;
  if (/<\/script/i.test(code)) throw new Error("the dashboard bundle contains </script and cannot be inlined");
  return code;
}

const STYLE = `
:root { color-scheme: light; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; }
body { margin: 0 auto; padding: 16px 24px; max-width: 1440px; background: #f6f8fa; }
h1 { font-size: 20px; margin: 0 0 4px; display: flex; gap: 12px; align-items: center; }
h2 { font-size: 15px; margin: 0 0 8px; }
section { overflow-x: auto; background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 16px; margin: 12px 0; }
#summary { color: #57606a; margin: 0; }
table.regions { border-collapse: collapse; width: 100%; }
table.regions th, table.regions td { text-align: left; padding: 6px 6px; border-bottom: 1px solid #eaeef2; vertical-align: middle; white-space: nowrap; }
table.regions thead th { font-weight: 600; color: #57606a; font-size: 12px; text-transform: uppercase; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #eaeef2; }
.badge.healthy { background: #dafbe1; color: #116329; }
.badge.unhealthy, .badge.killed { background: #ffebe9; color: ${ERROR_COLOR}; }
.badge.initial, .badge.draining { background: #fff8c5; color: #7d4e00; }
.actions { white-space: nowrap; }
.actions button { margin: 2px 2px 2px 0; }
input[type=number] { width: 3.8em; }
button { font: inherit; padding: 2px 8px; border: 1px solid #d0d7de; border-radius: 4px; background: #f6f8fa; cursor: pointer; }
button:hover { background: #eaeef2; }
button[data-action=fail], button[data-action=kill] { border-color: #ff8182; }
#message { min-height: 1.4em; margin: 8px 0 0; }
#message.error { color: ${ERROR_COLOR}; }
#traffic-note { color: #57606a; margin: 6px 0 0; }
#events { font: 12px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; max-height: 220px; overflow: auto; margin: 0; padding-left: 0; list-style: none; }
.event.health, .event.propagated { color: #0550ae; }
.event.kill { color: ${ERROR_COLOR}; }
.event.dns, .event.route53-check { color: #1b7f8a; }
.event.replication, .event.conflict { color: #8250df; }
table.data { border-collapse: collapse; }
table.data th, table.data td { border: 1px solid #d0d7de; padding: 2px 8px; font-size: 13px; text-align: left; }
.dns-answer { margin: 0 0 8px; } .dns-about { color: #57606a; margin: 8px 0 0; font-size: 12px; }
`;

function html(script: string, css: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GlobalApp local — dashboard</title>
<style>${css}${STYLE}</style>
</head>
<body>
<h1>GlobalApp local <span id="connection" class="badge initial">connecting…</span></h1>
<p id="summary"></p>
<section>
  <h2>Regions</h2>
  <table class="regions">
    <thead><tr><th>Region</th><th>Target (ALB)</th><th>Accelerator sees</th><th>STATUS</th><th>Dial</th><th>Weight</th><th>Connections</th><th>Served, last minute</th><th>Replication (store)</th><th>Actions</th></tr></thead>
    <tbody id="region-rows"></tbody>
  </table>
  <p id="message" role="status" aria-live="polite"></p>
</section>
<section>
  <h2>Share of requests served per region, last minute (model time)</h2>
  <div id="chart"></div>
  <p id="traffic-note"></p>
  <p id="traffic-control">Demo traffic through the accelerator: <span id="generator">off</span> —
    <input id="rate" type="number" min="0" max="50" step="1" value="0" aria-label="demo traffic rate"> requests per model second
    <button type="button" data-action="traffic" aria-label="set demo traffic">Set</button></p>
</section>
<section id="dns-section" hidden>
  <h2>What DNS answers (Route 53 latency records)</h2>
  <div id="dns"></div>
</section>
<section>
  <h2>Events</h2>
  <ol id="events"></ol>
</section>
<script>${script}</script>
</body>
</html>
`;
}

let page: Promise<string> | undefined;

/** The page, built on first use and kept; a failed build is retried on the next request. */
export function dashboardPage(): Promise<string> {
  page ??= bundleClient().then(
    (script) => html(script, readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8")),
    (err: unknown) => {
      page = undefined;
      throw err;
    },
  );
  return page;
}
