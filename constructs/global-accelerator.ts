import { GlobalacceleratorAccelerator } from "@cdktf/provider-aws/lib/globalaccelerator-accelerator";
import { GlobalacceleratorEndpointGroup } from "@cdktf/provider-aws/lib/globalaccelerator-endpoint-group";
import { GlobalacceleratorListener } from "@cdktf/provider-aws/lib/globalaccelerator-listener";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { AcceleratorVpcCleanup } from "./accelerator-vpc-cleanup";
import { PrivateBucket } from "./private-bucket";
import { GLOBAL_ACCELERATOR_REGION } from "../model/regions";
import { RegionalBackend } from "./regional-backend";

/** One region behind the accelerator. */
export interface AcceleratorEndpoint {
  /** The region's backend; its ALB becomes the endpoint. */
  readonly backend: RegionalBackend;
  /** Share of this region's traffic the group accepts, 0-100. @default 100 */
  readonly trafficDial?: number;
  /** Endpoint weight within the group, 0-255. @default 128 */
  readonly weight?: number;
  /**
   * Removes what GA leaves in the endpoint's VPC (client IP preservation); the endpoint group depends
   * on it, so it runs after the group is destroyed and before the VPC. @default none
   */
  readonly cleanup?: AcceleratorVpcCleanup;
}

/** Props of {@link GlobalAccelerator}. */
export interface GlobalAcceleratorProps {
  /** Provider for us-west-2, where the Global Accelerator API lives. */
  readonly provider: AwsProvider;
  /** Accelerator name, e.g. "globalapp-dev". */
  readonly name: string;
  /** One endpoint group per region. */
  readonly endpoints: readonly AcceleratorEndpoint[];
  /** NONE spreads each new connection by 5-tuple; SOURCE_IP keeps a client on one endpoint. @default "NONE" */
  readonly clientAffinity?: "NONE" | "SOURCE_IP";
  /** @default "IPV4" */
  readonly ipAddressType?: "IPV4" | "DUAL_STACK";
  /** TCP ports the listener accepts. @default [80] */
  readonly ports?: readonly number[];
  /** Flow logs into this bucket (any region; ours is in us-west-2) under `flowLogsPrefix`. @default off */
  readonly flowLogsBucket?: PrivateBucket;
  /** Key prefix of the flow logs. @default "flow-logs" */
  readonly flowLogsPrefix?: string;
  /**
   * Terraform `prevent_destroy` on the accelerator: its two static anycast IPs are what clients and DNS
   * records point at, and a new accelerator gets new ones, so a plan that would delete it fails. @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * AWS Global Accelerator in front of the regional ALBs: two static anycast IPv4 addresses, a TCP
 * listener, and one endpoint group per region. Traffic goes to the closest healthy group; a group's
 * health is its ALB target group's health (GA ignores the endpoint group's own health-check settings
 * for ALB endpoints), so the target group's health check is what drives failover.
 */
export class GlobalAccelerator extends Construct {
  /** The accelerator. */
  public readonly accelerator: GlobalacceleratorAccelerator;
  /** The TCP listener. */
  public readonly listener: GlobalacceleratorListener;
  /** Endpoint groups keyed by region. */
  public readonly endpointGroups: Readonly<Record<string, GlobalacceleratorEndpointGroup>>;

  constructor(scope: Construct, id: string, props: GlobalAcceleratorProps) {
    super(scope, id);
    GlobalAccelerator.validate(props);

    const dualStack = props.ipAddressType === "DUAL_STACK";
    this.accelerator = new GlobalacceleratorAccelerator(this, "accelerator", {
      provider: props.provider,
      name: props.name,
      ipAddressType: props.ipAddressType ?? "IPV4",
      enabled: true,
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
      ...(props.flowLogsBucket
        ? {
            attributes: {
              flowLogsEnabled: true,
              flowLogsS3Bucket: props.flowLogsBucket.bucket.bucket,
              flowLogsS3Prefix: props.flowLogsPrefix ?? "flow-logs",
            },
          }
        : {}),
      dependsOn: [
        // Delivery is checked when flow logs are switched on: the bucket policy must exist first.
        ...(props.flowLogsBucket ? [props.flowLogsBucket.policy] : []),
        // A dual-stack accelerator accepts only dual-stack endpoints: when an existing stack switches
        // IPV4 → DUAL_STACK, every ALB must have become dual-stack before the accelerator is updated.
        ...(dualStack ? props.endpoints.map((e) => e.backend.loadBalancer) : []),
      ],
    });

    const ports = props.ports ?? [80];
    this.listener = new GlobalacceleratorListener(this, "listener", {
      provider: props.provider,
      acceleratorArn: this.accelerator.id,
      protocol: "TCP",
      clientAffinity: props.clientAffinity ?? "NONE",
      portRange: ports.map((port) => ({ fromPort: port, toPort: port })),
    });

    const groups: Record<string, GlobalacceleratorEndpointGroup> = {};
    for (const endpoint of props.endpoints) {
      const region = endpoint.backend.region;
      groups[region] = new GlobalacceleratorEndpointGroup(this, `endpoint-group-${region}`, {
        provider: props.provider,
        listenerArn: this.listener.id,
        endpointGroupRegion: region,
        trafficDialPercentage: endpoint.trafficDial ?? 100,
        endpointConfiguration: [
          {
            endpointId: endpoint.backend.loadBalancer.arn,
            weight: endpoint.weight ?? 128,
            clientIpPreservationEnabled: true,
          },
        ],
        ...(endpoint.cleanup ? { dependsOn: [endpoint.cleanup.invocation] } : {}),
      });
    }
    this.endpointGroups = groups;
  }

  /** The two static anycast IPv4 addresses (a Terraform list). */
  public get staticIps(): string[] {
    // flatten(ip_sets[*].ip_addresses): one set for IPV4, two for DUAL_STACK.
    return Token.asList(Fn.flatten(Token.asList(this.accelerator.interpolationForAttribute("ip_sets[*].ip_addresses"))));
  }

  private static validate(props: GlobalAcceleratorProps): void {
    if (props.provider.region !== GLOBAL_ACCELERATOR_REGION) {
      throw new Error(
        `GlobalAccelerator: provider region must be ${GLOBAL_ACCELERATOR_REGION} (the Global Accelerator API), got "${props.provider.region}"`,
      );
    }
    if (props.endpoints.length === 0) throw new Error("GlobalAccelerator: endpoints must name at least one region");
    const regions = props.endpoints.map((e) => e.backend.region);
    const dup = regions.find((r, i) => regions.indexOf(r) !== i);
    if (dup) throw new Error(`GlobalAccelerator: two endpoint groups for region "${dup}"`);
    for (const e of props.endpoints) {
      const dial = e.trafficDial ?? 100;
      if (!Number.isInteger(dial) || dial < 0 || dial > 100) {
        throw new Error(`GlobalAccelerator: trafficDial for ${e.backend.region} is ${dial}; allowed 0-100`);
      }
      const weight = e.weight ?? 128;
      if (!Number.isInteger(weight) || weight < 0 || weight > 255) {
        throw new Error(`GlobalAccelerator: weight for ${e.backend.region} is ${weight}; allowed 0-255`);
      }
    }
    for (const port of props.ports ?? [80]) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`GlobalAccelerator: port ${port} is not 1-65535`);
    }
  }
}
