import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";

/** Props of {@link DomainCertificates}. */
export interface DomainCertificatesProps {
  /** Providers keyed by region (alias = region name); each region gets its own certificate. */
  readonly providers: Readonly<Record<string, AwsProvider>>;
  /** The regions whose ALBs need a certificate; the first one's validation records serve all. */
  readonly regions: readonly string[];
  /** The names the certificates cover: the first is the domain name, the rest subject alternative names. */
  readonly names: readonly string[];
  /** The public hosted zone the validation records go in. */
  readonly zoneId: string;
  /** Provider for the Route 53 records (a global service: any region's provider). */
  readonly dnsProvider: AwsProvider;
}

/**
 * A DNS-validated ACM certificate per region for the names the stack serves (an ALB only uses a
 * certificate from its own region). ACM's DNS validation token is per account and domain name, not
 * per region ("Since the CNAME validation token works for any AWS Region, you can re-create the same
 * certificate in multiple Regions", ACM user guide, DNS validation), so the validation records are
 * created once, from the first region's certificate, and every region's validation waits on them.
 * If ACM ever answered a region with another record, that region's validation would fail at apply
 * ("missing … DNS validation record"), not pass silently.
 */
export class DomainCertificates extends Construct {
  /** Validated certificate ARNs keyed by region: listeners that use them wait for the validation. */
  public readonly arns: Readonly<Record<string, string>>;
  /** The certificates keyed by region. */
  public readonly certificates: Readonly<Record<string, AcmCertificate>>;
  /** The validation records (one per name, for_each over the first certificate's validation options). */
  public readonly validationRecords: Route53Record;

  constructor(scope: Construct, id: string, props: DomainCertificatesProps) {
    super(scope, id);
    if (props.regions.length === 0) throw new Error("DomainCertificates: regions must name at least one region");
    if (props.names.length === 0) throw new Error("DomainCertificates: names must name at least one domain name");
    const certificates: Record<string, AcmCertificate> = {};
    for (const region of props.regions) {
      const provider = props.providers[region];
      if (!provider) throw new Error(`DomainCertificates: no provider for region "${region}"`);
      certificates[region] = new AcmCertificate(this, `certificate-${region}`, {
        provider,
        domainName: props.names[0],
        subjectAlternativeNames: props.names.slice(1),
        validationMethod: "DNS",
        // A replaced certificate must exist before the listener lets go of the old one.
        lifecycle: { createBeforeDestroy: true },
      });
    }
    this.certificates = certificates;

    // for_each over the first certificate's validation options, keyed by domain name (known at plan time).
    const options = TerraformIterator.fromComplexList(certificates[props.regions[0]].domainValidationOptions, "domain_name");
    this.validationRecords = new Route53Record(this, "validation", {
      provider: props.dnsProvider,
      forEach: options,
      zoneId: props.zoneId,
      name: options.getString("resource_record_name"),
      type: options.getString("resource_record_type"),
      records: [options.getString("resource_record_value")],
      ttl: 60,
      // Another certificate for the same name (this one's predecessor, another stack) may have created it.
      allowOverwrite: true,
    });
    const fqdns = Token.asList(TerraformIterator.fromResources(this.validationRecords).pluckProperty("fqdn"));

    const arns: Record<string, string> = {};
    for (const region of props.regions) {
      arns[region] = new AcmCertificateValidation(this, `validation-${region}`, {
        provider: props.providers[region],
        certificateArn: certificates[region].arn,
        validationRecordFqdns: fqdns,
      }).certificateArn;
    }
    this.arns = arns;
  }
}
