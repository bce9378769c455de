import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { isAzId } from "../model/regions";

/** Props of {@link RegionalNetwork}. */
export interface RegionalNetworkProps {
  /** Provider aliased to the network's region. */
  readonly provider: AwsProvider;
  /** Name prefix for tags, e.g. "globalapp-dev". */
  readonly namePrefix: string;
  /** VPC CIDR, a /16. @default "10.0.0.0/16" */
  readonly cidr?: string;
  /**
   * The two availability zones of the public subnets, as AZ IDs ("usw2-az1") or zone names
   * ("us-west-2a"). Named explicitly (no `aws_availability_zones` lookup), so the stack synthesizes
   * and plans without AWS API calls.
   */
  readonly availabilityZones: readonly [string, string];
  /** Also give the VPC and subnets IPv6 (an Amazon-provided /56; a /64 per subnet) for a dual-stack ALB. @default false */
  readonly ipv6?: boolean;
}

/**
 * The network an internet-facing ALB needs and nothing more: a VPC, an internet gateway and two
 * public subnets in two availability zones (an ALB requires two). The Lambda function runs outside
 * the VPC (it only talks to DynamoDB), so there are no private subnets and no NAT gateways to pay for.
 * The VPC's default security group is emptied so nothing can use it by accident.
 */
export class RegionalNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: Vpc;
  /** Public subnets, one per availability zone, for the ALB. */
  public readonly publicSubnets: readonly Subnet[];

  constructor(scope: Construct, id: string, props: RegionalNetworkProps) {
    super(scope, id);
    const cidr = props.cidr ?? "10.0.0.0/16";
    const match = /^10\.(\d{1,3})\.0\.0\/16$/.exec(cidr);
    if (!match || Number(match[1]) > 255) {
      throw new Error(`RegionalNetwork: cidr "${cidr}" must be a /16 of the form 10.N.0.0/16`);
    }
    const [azA, azB] = props.availabilityZones;
    if (azA === azB) throw new Error(`RegionalNetwork: availabilityZones must differ, got "${azA}" twice`);
    const { provider } = props;

    this.vpc = new Vpc(this, "vpc", {
      provider,
      cidrBlock: cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      assignGeneratedIpv6CidrBlock: props.ipv6 ?? false,
      tags: { Name: props.namePrefix },
    });
    // Deny-all default security group (nothing in, nothing out) so it cannot be used by accident.
    new DefaultSecurityGroup(this, "default-sg", { provider, vpcId: this.vpc.id, ingress: [], egress: [] });

    const igw = new InternetGateway(this, "igw", { provider, vpcId: this.vpc.id, tags: { Name: props.namePrefix } });
    const routes = new RouteTable(this, "public-routes", {
      provider,
      vpcId: this.vpc.id,
      route: [
        { cidrBlock: "0.0.0.0/0", gatewayId: igw.id },
        ...(props.ipv6 ? [{ ipv6CidrBlock: "::/0", gatewayId: igw.id }] : []),
      ],
      tags: { Name: `${props.namePrefix}-public` },
    });

    const second = match[1];
    this.publicSubnets = [azA, azB].map((az, i) => {
      const subnet = new Subnet(this, `public-${i}`, {
        provider,
        vpcId: this.vpc.id,
        // AZ IDs name the same zone in every account; zone names are accepted when configured.
        ...(isAzId(az) ? { availabilityZoneId: az } : { availabilityZone: az }),
        cidrBlock: `10.${second}.${i}.0/24`,
        ...(props.ipv6 ? { ipv6CidrBlock: Fn.cidrsubnet(this.vpc.ipv6CidrBlock, 8, i) } : {}),
        // The ALB gets its addresses from AWS; nothing launched here needs a public IP by default.
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.namePrefix}-public-${az}` },
      });
      new RouteTableAssociation(this, `public-${i}-routes`, { provider, subnetId: subnet.id, routeTableId: routes.id });
      return subnet;
    });
  }
}
