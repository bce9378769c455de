/**
 * The local target over a system that is already running (as `npm run local` is): it finds it through
 * the admin API, and watches health changes through the admin API's event stream, so the drill and
 * its report see detection and propagation there too.
 */
import type { HealthChange } from "../../targets/target";
import { localTarget } from "../../targets/local";
import { AdminClient } from "../../local/admin/admin";
import type { SystemEvent } from "../../local/events";
import type { RunningLocal } from "../../local/start";
import { timeScale } from "../../lib/time-scale";
import { localConfig, startTestSystem, waitFor } from "../local/support";

let local: RunningLocal;


let adminUrl: string;
beforeAll(async () => {
  local = await startTestSystem({ timeScale: timeScale(0.05), propagationSeconds: 2, seed: 2 });
  adminUrl = local.admin.url;
});
afterAll(() => local?.close());

it("AdminClient.watch tells of every system event, read from the event stream, until stopped", async () => {
  const seen: SystemEvent[] = [];
  const admin = new AdminClient(adminUrl);
  const stop = await admin.watch((e) => seen.push(e));
  await admin.setDial("eu-central-1", 30);
  await waitFor("the dial event", () => seen.some((e) => e.type === "dial" && e.value === 30));
  stop();
  await waitFor("the stream to close", async () => ((await (await fetch(`${adminUrl}/traffic`)).json()) as { streams: { open: number } }).streams.open === 0);
  await admin.setDial("eu-central-1", 100);
  expect(seen.filter((e) => e.type === "dial").map((e) => (e as { value: number }).value)).toEqual([30]);
});

it("watchHealth on a running system sees the target turn unhealthy, then the accelerator act on it", async () => {
  const target = await localTarget({ config: localConfig(), adminUrl: adminUrl });
  expect(target.started).toBeUndefined();
  const changes: HealthChange[] = [];
  const stop = await target.watchHealth!((c) => changes.push(c));
  try {
    await target.setStatus("eu-central-1", "400");
    await waitFor("the accelerator to see eu-central-1 unhealthy", () => changes.some((c) => c.at === "accelerator" && c.health === "unhealthy"), 20_000);
    const ofRegion = changes.filter((c) => c.region === "eu-central-1" && c.health === "unhealthy");
    expect(ofRegion).toEqual([
      { region: "eu-central-1", at: "target", health: "unhealthy" },
      { region: "eu-central-1", at: "accelerator", health: "unhealthy" },
    ]);
  } finally {
    stop();
    await target.setStatus("eu-central-1", "200");
    await target.close();
  }
});

it("gives --load's prediction what the running system runs: its dials, its concurrency, and the config's duration, which it does not hold", async () => {
  const target = await localTarget({ config: localConfig({ capacity: { functionMilliseconds: 25 } }), adminUrl });
  try {
    expect(target.capacity).toEqual({
      groups: [{ region: "us-west-2", dial: 100, weight: 128 }, { region: "eu-central-1", dial: 100, weight: 128 }],
      concurrencyLimit: 32,
      functionMilliseconds: 25,
      durationEmulated: false,
      clientRegions: ["us-west-2", "eu-central-1"],
    });
  } finally {
    await target.close();
  }
});
