/**
 * Tear-down of what Global Accelerator leaves in a VPC. With client IP preservation on (GlobalApp's
 * setting for every ALB endpoint), GA creates elastic network interfaces in the ALB's subnets and a
 * security group named `GlobalAccelerator` in the VPC. Terraform does not manage them, so deleting
 * the VPC fails with `DependencyViolation` until they are gone. GA removes its ENIs by itself some
 * time after the endpoint is removed from the endpoint group (minutes), but never the security
 * group: AWS's docs say to delete it once the ENIs are gone ("Preserve client IP addresses in AWS
 * Global Accelerator"), and the aws provider's own acceptance tests delete it by hand for this reason.
 *
 * This runs inside AWS (a Lambda invoked by `aws_lambda_invocation` with `lifecycle_scope = "CRUD"`),
 * so it works wherever terraform runs, Terraform Cloud's remote runs included. Terraform destroys the
 * endpoint group first and the subnets and VPC after this (see constructs/accelerator-vpc-cleanup.ts);
 * on `delete` this waits for GA's ENIs to go, then deletes the group. Pure logic over {@link Ec2Api}.
 */

/** The security group Global Accelerator creates in a VPC for client IP preservation. */
export const GA_SECURITY_GROUP_NAME = "GlobalAccelerator";

/** The three EC2 calls the cleanup makes (EC2Client in the handler, a fake in tests). */
export interface Ec2Api {
  /** Ids of the security groups named `name` in `vpcId`. */
  securityGroupIds(vpcId: string, name: string): Promise<string[]>;
  /** Ids of the network interfaces that use security group `groupId`. */
  interfacesUsing(groupId: string): Promise<string[]>;
  /** Deletes a security group; rejects (e.g. `DependencyViolation`) while something still uses it. */
  deleteSecurityGroup(groupId: string): Promise<void>;
}

/** What `aws_lambda_invocation` sends: our input plus its `tf` key (terraform_key, default "tf"). */
export interface CleanupEvent {
  /** The VPC to clean. */
  readonly vpcId?: unknown;
  /** Added by the provider in CRUD mode. */
  readonly tf?: { readonly action?: unknown; readonly prev_input?: { readonly vpcId?: unknown } };
}

/** The function's answer (stored in state as the invocation's `result`). */
export interface CleanupResult {
  readonly action: "create" | "update" | "delete";
  /** The VPC that was cleaned, if any. */
  readonly vpcId?: string;
  /** Security groups deleted. */
  readonly deleted: readonly string[];
  /** Seconds spent waiting for Global Accelerator to release its interfaces. */
  readonly waitedSeconds: number;
}

/** Timing of the wait, injectable so tests run in no time. */
export interface CleanupClock {
  /** Milliseconds left before the invocation must answer (Lambda's remaining time minus a margin). */
  remainingMs(): number;
  sleep(ms: number): Promise<void>;
}

/** Wrong input: the configuration passed to the invocation is broken (fails the terraform run). */
export class CleanupInputError extends Error {
  override readonly name = "CleanupInputError";
}

/** GA did not release its interfaces in time: the destroy fails and can simply be run again. */
export class CleanupTimeoutError extends Error {
  override readonly name = "CleanupTimeoutError";
}

/** How often to look again while GA's interfaces are still there. */
export const POLL_MS = 10_000;

const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;

/**
 * Handles one invocation. `create`: nothing to do (the groups appear later, when GA adds the
 * endpoint). `update` with a different VPC: cleans the previous one (its endpoint is gone by then).
 * `delete`: cleans this VPC.
 */
export async function handleCleanup(event: CleanupEvent, ec2: Ec2Api, clock: CleanupClock, log: (msg: string, data: object) => void = () => {}): Promise<CleanupResult> {
  const action = event.tf?.action;
  if (action !== "create" && action !== "update" && action !== "delete") {
    throw new CleanupInputError(`tf.action = ${JSON.stringify(action)}: expected create, update or delete (lifecycle_scope CRUD)`);
  }
  const vpcId = vpcIdOf(event.vpcId, "vpcId");
  if (action === "create") return { action, deleted: [], waitedSeconds: 0 };
  if (action === "update") {
    const previous = event.tf?.prev_input?.vpcId;
    if (previous === undefined || previous === vpcId) return { action, deleted: [], waitedSeconds: 0 };
    return { action, ...(await cleanVpc(vpcIdOf(previous, "tf.prev_input.vpcId"), ec2, clock, log)) };
  }
  return { action, ...(await cleanVpc(vpcId, ec2, clock, log)) };
}

function vpcIdOf(value: unknown, key: string): string {
  if (typeof value !== "string" || !VPC_ID.test(value)) {
    throw new CleanupInputError(`${key} = ${JSON.stringify(value)}: must be a VPC id (vpc-…)`);
  }
  return value;
}

/**
 * Waits until no network interface uses the VPC's `GlobalAccelerator` group, then deletes it
 * (retrying `DependencyViolation`, which EC2 can still answer for a moment after the last interface
 * is gone). Gives up with {@link CleanupTimeoutError} when the invocation's time runs out.
 */
export async function cleanVpc(vpcId: string, ec2: Ec2Api, clock: CleanupClock, log: (msg: string, data: object) => void = () => {}): Promise<{ vpcId: string; deleted: string[]; waitedSeconds: number }> {
  const groups = await ec2.securityGroupIds(vpcId, GA_SECURITY_GROUP_NAME);
  const deleted: string[] = [];
  let waitedMs = 0;
  for (const groupId of groups) {
    for (;;) {
      const interfaces = await ec2.interfacesUsing(groupId);
      if (interfaces.length === 0) {
        try {
          await ec2.deleteSecurityGroup(groupId);
          deleted.push(groupId);
          log("deleted Global Accelerator security group", { vpcId, groupId, waitedSeconds: waitedMs / 1000 });
          break;
        } catch (err) {
          if (errorName(err) === "InvalidGroup.NotFound") break; // already gone: GA or a person removed it
          if (errorName(err) !== "DependencyViolation") throw err;
        }
      }
      if (clock.remainingMs() < POLL_MS) {
        throw new CleanupTimeoutError(
          `security group ${groupId} (${GA_SECURITY_GROUP_NAME}) in ${vpcId} is still in use by ${interfaces.length} network interface(s) ` +
            `after ${Math.round(waitedMs / 1000)} s: Global Accelerator has not released them yet; run the destroy again`,
        );
      }
      log("waiting for Global Accelerator to release its network interfaces", { vpcId, groupId, interfaces });
      await clock.sleep(POLL_MS);
      waitedMs += POLL_MS;
    }
  }
  return { vpcId, deleted, waitedSeconds: waitedMs / 1000 };
}

function errorName(err: unknown): string | undefined {
  return typeof err === "object" && err !== null ? ((err as { name?: string; Code?: string }).name ?? (err as { Code?: string }).Code) : undefined;
}
