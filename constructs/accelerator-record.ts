import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Construct } from "constructs";
import { GlobalAccelerator } from "./global-accelerator";

/** Props of {@link AcceleratorRecord}. */
export interface AcceleratorRecordProps {
  /** Any provider of the stack: Route 53 is a global service. */
  readonly provider: AwsProvider;
  /** The public hosted zone that holds `name`. */
  readonly zoneId: string;
  /** The record name, e.g. "api.example.com". */
  readonly name: string;
  /** The accelerator the name points at. */
  readonly accelerator: GlobalAccelerator;
  /** Also an AAAA record, to the accelerator's dual-stack name (a DUAL_STACK accelerator). @default false */
  readonly dualStack?: boolean;
}

/**
 * The custom domain in front of Global Accelerator: an alias A record (and AAAA for a dual-stack
 * accelerator) from `name` to the accelerator. The accelerator's own static anycast IPs do the
 * failing over, so the record never changes and needs no health evaluation.
 */
export class AcceleratorRecord extends Construct {
  /** The records: A, then AAAA when dual-stack. */
  public readonly records: readonly Route53Record[];

  constructor(scope: Construct, id: string, props: AcceleratorRecordProps) {
    super(scope, id);
    const accelerator = props.accelerator.accelerator;
    const record = (type: "A" | "AAAA", target: string) =>
      new Route53Record(this, type.toLowerCase(), {
        provider: props.provider,
        zoneId: props.zoneId,
        name: props.name,
        type,
        // GA's addresses never move: nothing for Route 53 to evaluate.
        alias: { name: target, zoneId: accelerator.hostedZoneId, evaluateTargetHealth: false },
      });
    // A dual-stack accelerator answers on its dual-stack name with both address families.
    const target = props.dualStack ? accelerator.dualStackDnsName : accelerator.dnsName;
    this.records = props.dualStack ? [record("A", target), record("AAAA", target)] : [record("A", target)];
  }
}
