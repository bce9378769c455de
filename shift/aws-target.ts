/**
 * `npm run shift -- --target aws`: the deployed accelerator's endpoint groups through the Global
 * Accelerator API, which lives in us-west-2 whatever the regions served.
 *
 * - Groups: the stack output `endpoint_group_arns`; for a stack deployed before that output, found
 *   with ListAccelerators (by the `accelerator_dns_name` output) → ListListeners → ListEndpointGroups.
 * - A change is one `UpdateEndpointGroup` that sends the group back as `DescribeEndpointGroup` read it
 *   (endpoints with their weights and client IP preservation, health-check settings, port overrides)
 *   with only the dial or the weight changed — as the aws provider does on every update — so no
 *   setting the call leaves out can fall back to a default. It counts as applied when the accelerator
 *   is `DEPLOYED` again (DescribeAccelerator), and no change starts while one is still deploying.
 * - Health: each endpoint's `HealthState` (for ALB endpoints, GA takes it from the target group).
 */
import {
  DescribeAcceleratorCommand,
  DescribeEndpointGroupCommand,
  type EndpointGroup,
  GlobalAcceleratorClient,
  paginateListAccelerators,
  paginateListEndpointGroups,
  paginateListListeners,
  UpdateEndpointGroupCommand,
} from "@aws-sdk/client-global-accelerator";
import { type AppConfig, endpointWeight, trafficDial } from "../model/config";
import { GLOBAL_ACCELERATOR_REGION } from "../model/regions";
import { type Clock, systemClock, timeScale } from "../lib/time-scale";
import { awsTarget, STACK_NAME, type StackOutputs } from "../targets/aws";
import type { GroupState, ShiftSetting, ShiftTarget } from "./shift";

/** Settings of {@link awsShiftTarget}. */
export interface AwsShiftTargetOptions {
  readonly config: AppConfig;
  readonly outputs: StackOutputs;
  /** @default new GlobalAcceleratorClient({ region: "us-west-2" }) */
  readonly client?: GlobalAcceleratorClient;
  /** Base URL to probe instead of the accelerator's DNS name (e.g. http://<static IP>); required with HTTPS on. */
  readonly acceleratorUrl?: string;
  /** ms between DescribeAccelerator polls while a change deploys. @default 5000 */
  readonly deployPollMs?: number;
  /** ms a change may take to deploy. @default 900000 (15 min) */
  readonly deployTimeoutMs?: number;
  /** Seconds between health reads during a hold. @default 5 */
  readonly healthPollSeconds?: number;
  /** The clock the shift reads and waits on (real time on AWS; tests pass one they drive). @default systemClock */
  readonly clock?: Clock;
}

/**
 * The accelerator's ARN from an endpoint group's
 * (`arn:aws:globalaccelerator::<account>:accelerator/<id>/listener/<id>/endpoint-group/<id>`).
 * @throws naming the ARN when it has another form
 */
export function acceleratorArnOf(endpointGroupArn: string): string {
  const match = /^(arn:[^:]+:globalaccelerator::\d{12}:accelerator\/[^/]+)\/listener\/[^/]+\/endpoint-group\/[^/]+$/.exec(endpointGroupArn);
  if (!match) throw new Error(`not a Global Accelerator endpoint group ARN: "${endpointGroupArn}"`);
  return match[1];
}

/** region → endpoint group ARN of the accelerator whose DNS name is `dnsName`, from the API. */
export async function findEndpointGroups(client: GlobalAcceleratorClient, dnsName: string): Promise<Record<string, string>> {
  let acceleratorArn: string | undefined;
  for await (const page of paginateListAccelerators({ client }, {})) {
    acceleratorArn ??= page.Accelerators?.find((a) => a.DnsName?.toLowerCase() === dnsName.toLowerCase())?.AcceleratorArn;
  }
  if (!acceleratorArn) throw new Error(`no accelerator named ${dnsName} in this account: are these the outputs of the deployed stack?`);
  const groups: Record<string, string> = {};
  for await (const listeners of paginateListListeners({ client }, { AcceleratorArn: acceleratorArn })) {
    for (const listener of listeners.Listeners ?? []) {
      for await (const page of paginateListEndpointGroups({ client }, { ListenerArn: listener.ListenerArn })) {
        for (const g of page.EndpointGroups ?? []) {
          if (!g.EndpointGroupRegion || !g.EndpointGroupArn) continue;
          if (groups[g.EndpointGroupRegion]) throw new Error(`${acceleratorArn} has two endpoint groups for ${g.EndpointGroupRegion}: pass the outputs of this stack (endpoint_group_arns)`);
          groups[g.EndpointGroupRegion] = g.EndpointGroupArn;
        }
      }
    }
  }
  return groups;
}

/** The group as the shift sees it. */
function groupState(region: string, g: EndpointGroup): GroupState {
  const endpoints = g.EndpointDescriptions ?? [];
  const states = endpoints.map((e) => `${e.HealthState ?? "UNKNOWN"}${e.HealthReason ? `: ${e.HealthReason}` : ""}`);
  return {
    region,
    dial: g.TrafficDialPercentage ?? 100,
    weight: endpoints[0]?.Weight ?? 128,
    endpoints: endpoints.length,
    healthy: endpoints.length > 0 && endpoints.every((e) => e.HealthState === "HEALTHY"),
    health: states.length > 0 ? [...new Set(states)].join(", ") : "without endpoints",
  };
}

/** The deployed accelerator as a shift target. */
export async function awsShiftTarget(options: AwsShiftTargetOptions): Promise<ShiftTarget> {
  const { config, outputs } = options;
  // The AWS target (targets/aws.ts) decides where to probe (DNS name, --url, HTTPS needing --url)
  // and checks the outputs belong to this config; it makes no AWS call.
  const acceleratorUrl = awsTarget({ config, outputs, acceleratorUrl: options.acceleratorUrl }).acceleratorUrl;
  // Traffic dials and weights are Global Accelerator's: routing route53 deploys none.
  if (!acceleratorUrl) throw new Error(`routing ${config.routing} has no accelerator: there are no traffic dials to shift`);
  const client = options.client ?? new GlobalAcceleratorClient({ region: GLOBAL_ACCELERATOR_REGION });
  const owned = !options.client;
  const pollMs = options.deployPollMs ?? 5000;
  const timeoutMs = options.deployTimeoutMs ?? 900_000;
  const clock = options.clock ?? systemClock;

  let arns = outputs.endpointGroupArns;
  if (!arns) {
    if (!outputs.acceleratorDnsName) throw new Error(`the stack outputs name neither endpoint_group_arns nor accelerator_dns_name: deploy the stack first (npx cdktf deploy ${STACK_NAME})`);
    arns = await findEndpointGroups(client, outputs.acceleratorDnsName);
  }
  const missing = config.regions.filter((r) => !arns[r]);
  if (missing.length > 0) throw new Error(`the accelerator has no endpoint group for ${missing.join(", ")}: is the deployed stack built from this config?`);
  const groupArns = arns;
  const acceleratorArn = acceleratorArnOf(groupArns[config.regions[0]]);

  const describe = async (region: string, signal?: AbortSignal): Promise<EndpointGroup> => {
    const out = await client.send(new DescribeEndpointGroupCommand({ EndpointGroupArn: groupArns[region] }), { abortSignal: signal });
    if (!out.EndpointGroup) throw new Error(`DescribeEndpointGroup answered no group for ${groupArns[region]}`);
    return out.EndpointGroup;
  };

  /** Resolves once the accelerator is DEPLOYED (no change in progress). */
  async function deployed(signal?: AbortSignal): Promise<void> {
    const limit = clock.now() + timeoutMs;
    for (;;) {
      const out = await client.send(new DescribeAcceleratorCommand({ AcceleratorArn: acceleratorArn }), { abortSignal: signal });
      const status = out.Accelerator?.Status;
      if (status === "DEPLOYED") return;
      if (clock.now() > limit) throw new Error(`accelerator ${acceleratorArn} still ${status ?? "without a status"} after ${timeoutMs / 1000} s`);
      await clock.sleep(pollMs, signal);
    }
  }

  const configured = (region: string, setting: ShiftSetting) => (setting === "dial" ? trafficDial(config, region) : endpointWeight(config, region));
  return {
    kind: "aws",
    regions: config.regions,
    acceleratorUrl,
    timeScale: timeScale(1, clock),
    healthPollSeconds: options.healthPollSeconds ?? 5,
    // A change someone else started (a deploy) finishes first: its groups are what the shift starts from.
    waitReady: (signal) => deployed(signal),
    groups: (signal) => Promise.all(config.regions.map(async (r) => groupState(r, await describe(r, signal)))),
    async apply(region, setting, value, signal) {
      await deployed(signal);
      const g = await describe(region, signal);
      await client.send(
        new UpdateEndpointGroupCommand({
          EndpointGroupArn: groupArns[region],
          EndpointConfigurations: (g.EndpointDescriptions ?? []).map((e) => ({
            EndpointId: e.EndpointId,
            Weight: setting === "weight" ? value : e.Weight,
            ClientIPPreservationEnabled: e.ClientIPPreservationEnabled,
          })),
          TrafficDialPercentage: setting === "dial" ? value : g.TrafficDialPercentage,
          HealthCheckPort: g.HealthCheckPort,
          HealthCheckProtocol: g.HealthCheckProtocol,
          HealthCheckPath: g.HealthCheckPath,
          HealthCheckIntervalSeconds: g.HealthCheckIntervalSeconds,
          ThresholdCount: g.ThresholdCount,
          PortOverrides: g.PortOverrides,
        }),
        { abortSignal: signal },
      );
      await deployed(signal);
    },
    describeChange: (region, setting, values) => {
      const name = setting === "dial" ? "traffic dial" : "endpoint weight";
      const key = setting === "dial" ? "accelerator.trafficDials" : "accelerator.endpointWeights";
      return [
        `set the ${name} of ${region}'s endpoint group ${values.join(" → ")} with UpdateEndpointGroup`,
        `(${groupArns[region]}), waiting for the accelerator to be DEPLOYED after each step, then holding;`,
        `roll back to ${values[0]} if errors pass the limit or a region in the path turns unhealthy, Ctrl-C included.`,
        `Terraform sees the new value as drift: the next \`npx cdktf deploy ${STACK_NAME}\` sets it back to ${configured(region, setting)} unless ${key} says otherwise.`,
      ];
    },
    async close() {
      if (owned) client.destroy();
    },
  };
}
