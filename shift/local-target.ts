/**
 * `npm run shift -- --target local`: the local system's endpoint groups through its admin API
 * (`PUT /regions/R/dial`, `PUT /regions/R/weight`, health from `GET /`). Finds a running
 * `npm run local` or starts a system of its own, exactly as the drill does (targets/local.ts).
 */
import { AdminClient } from "../local/admin/admin";
import type { RegionSnapshot } from "../local/types";
import { localTarget, type LocalTargetOptions } from "../targets/local";
import type { GroupState, ShiftTarget } from "./shift";

/** A region of the admin snapshot as a group: healthy only when the target group and the accelerator both say so. */
export function groupOf(r: Pick<RegionSnapshot, "region" | "dial" | "weight" | "killed" | "health" | "acceleratorHealth">): GroupState {
  const healthy = !r.killed && r.health === "healthy" && r.acceleratorHealth === "healthy";
  // The target group sees a failure first; the accelerator `propagationSeconds` later. Either gates.
  const health = r.killed ? "killed: function and ALB down" : `target group ${r.health}, accelerator ${r.acceleratorHealth}`;
  return { region: r.region, dial: r.dial, weight: r.weight, endpoints: 1, healthy, health };
}

/** Connects to (or starts) the local system and wraps it as a shift target. */
export async function localShiftTarget(options: LocalTargetOptions): Promise<ShiftTarget> {
  const local = await localTarget(options);
  // The local system always runs its accelerator, whatever the routing.
  const acceleratorUrl = local.acceleratorUrl;
  if (!acceleratorUrl) throw new Error("the local system has no accelerator to shift traffic through");
  const admin = new AdminClient(local.adminUrl);
  return {
    kind: "local",
    regions: local.regions,
    acceleratorUrl,
    timeScale: local.timeScale,
    // One model second: the admin API is cheap, and a failure is seen within a health-check interval anyway.
    healthPollSeconds: 1,
    // A system started here comes up `initial`: wait until every region is healthy. A running one is
    // taken as it is (the shift then refuses an unhealthy path instead of waiting).
    waitReady: (signal) => (local.started ? local.waitReady(signal) : Promise.resolve()),
    groups: async (signal) => (await admin.snapshot(signal)).regions.map(groupOf),
    // The local accelerator applies a dial or weight at once, as soon as the admin API answers.
    async apply(region, setting, value) {
      await (setting === "dial" ? admin.setDial(region, value) : admin.setWeight(region, value));
    },
    describeChange: (region, setting, values) => [`set the local ${region} endpoint group's ${setting} ${values.join(" → ")} (admin ${admin.url})`],
    close: () => local.close(),
  };
}
