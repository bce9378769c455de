import { ResourceGraph } from "../support/graph";
import { resourcesOf, synthGlobalApp, type SynthResult } from "../support/synth";

/**
 * Routing: the accelerator (today's system), Route 53 latency records, or both side by side, with a
 * custom domain and optionally issued certificates. What each mode builds, and what it must not.
 */
const DOMAIN = { name: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };
const count = (r: SynthResult, type: string) => resourcesOf(r.tf, type).length;
const records = (r: SynthResult) => resourcesOf(r.tf, "aws_route53_record").map(([, b]) => b);

describe("routing accelerator (the default)", () => {
  it("without a domain: no DNS at all", () => {
    const r = synthGlobalApp();
    expect(count(r, "aws_route53_record") + count(r, "aws_route53_health_check") + count(r, "aws_acm_certificate")).toBe(0);
    expect(Object.keys(r.tf.output)).not.toContain("latency_record_name");
    expect(Object.keys(r.tf.output)).not.toContain("accelerator_record_name");
  });
  it("with a domain: one alias A record to the accelerator, evaluating nothing (GA's IPs never move)", () => {
    const r = synthGlobalApp({ domain: DOMAIN });
    const [accelerator] = resourcesOf(r.tf, "aws_globalaccelerator_accelerator").map(([id]) => `aws_globalaccelerator_accelerator.${id}`);
    expect(records(r)).toEqual([
      expect.objectContaining({
        name: "api.example.com",
        type: "A",
        zone_id: DOMAIN.hostedZoneId,
        alias: { name: `\${${accelerator}.dns_name}`, zone_id: `\${${accelerator}.hosted_zone_id}`, evaluate_target_health: false },
      }),
    ]);
    expect(r.tf.output.accelerator_record_name.value).toBe("api.example.com");
  });
  it("DUAL_STACK: A and AAAA, both to the accelerator's dual-stack name (its plain name carries only IPv4)", () => {
    const r = synthGlobalApp({ domain: DOMAIN, accelerator: { ipAddressType: "DUAL_STACK" } });
    expect(records(r).map((b) => [b.type, (b.alias as { name: string }).name])).toEqual([
      ["A", expect.stringMatching(/\.dual_stack_dns_name\}$/)],
      ["AAAA", expect.stringMatching(/\.dual_stack_dns_name\}$/)],
    ]);
  });
});

describe.each([
  [2, ["us-west-2", "eu-central-1"]],
  [3, ["us-west-2", "eu-central-1", "ap-northeast-1"]],
])("routing route53 with %i regions", (_n, regions) => {
  const r = synthGlobalApp({ routing: "route53", domain: DOMAIN, regions });

  it("has no accelerator, no endpoint groups and no tear-down helpers (no GA interfaces to clean up)", () => {
    for (const type of ["aws_globalaccelerator_accelerator", "aws_globalaccelerator_listener", "aws_globalaccelerator_endpoint_group", "aws_lambda_invocation"]) {
      expect(count(r, type)).toBe(0);
    }
    expect(resourcesOf(r.tf, "aws_lambda_function").every(([, b]) => String(b.function_name).endsWith("-get"))).toBe(true);
    expect(Object.keys(r.tf.output)).not.toContain("accelerator_ips");
    expect(Object.keys(r.tf.output)).not.toContain("accelerator_dns_name");
    expect(Object.keys(r.tf.output)).not.toContain("endpoint_group_arns");
  });
  it("has one latency record per region on the domain, set_identifier = region, alias to that region's ALB with target health", () => {
    const albs = Object.fromEntries(resourcesOf(r.tf, "aws_lb").map(([id, b]) => [String(b.provider).slice(4), `aws_lb.${id}`]));
    const byRegion = Object.fromEntries(records(r).map((b) => [b.set_identifier, b]));
    expect(Object.keys(byRegion).sort()).toEqual([...regions].sort());
    for (const region of regions) {
      expect(byRegion[region]).toEqual(
        expect.objectContaining({
          name: "api.example.com",
          type: "A",
          zone_id: DOMAIN.hostedZoneId,
          latency_routing_policy: { region },
          alias: { name: `\${${albs[region]}.dns_name}`, zone_id: `\${${albs[region]}.zone_id}`, evaluate_target_health: true },
        }),
      );
      expect(byRegion[region].health_check_id).toBeUndefined();
    }
    expect(count(r, "aws_route53_health_check")).toBe(0);
    expect(r.tf.output.latency_record_name.value).toBe("api.example.com");
  });
});

describe("routing route53 with Route 53 health checks", () => {
  const r = synthGlobalApp({ routing: "route53", domain: DOMAIN, route53: { healthChecks: "route53", requestIntervalSeconds: 10, failureThreshold: 2 }, healthCheck: { path: "/healthz" } });
  it("checks each ALB's health path over HTTP, every 10 s, threshold 2, and attaches the check to that region's record", () => {
    const checks = resourcesOf(r.tf, "aws_route53_health_check");
    expect(checks).toHaveLength(2);
    for (const [id, check] of checks) {
      expect(check).toEqual(expect.objectContaining({ type: "HTTP", port: 80, resource_path: "/healthz", request_interval: 10, failure_threshold: 2 }));
      const record = records(r).find((b) => b.health_check_id === `\${aws_route53_health_check.${id}.id}`)!;
      // the record points at the same ALB its check probes, and only the check decides
      expect(String(check.fqdn)).toBe((record.alias as { name: string }).name);
      expect((record.alias as { evaluate_target_health: boolean }).evaluate_target_health).toBe(false);
    }
  });
  it("checks over HTTPS on 443 when HTTPS is on (port 80 only redirects, and Route 53 counts a 3xx as healthy)", () => {
    const https = synthGlobalApp({ routing: "route53", domain: DOMAIN, https: { issueCertificates: true }, route53: { healthChecks: "route53" } });
    expect(resourcesOf(https.tf, "aws_route53_health_check").every(([, c]) => c.type === "HTTPS" && c.port === 443)).toBe(true);
  });
});

describe("routing both", () => {
  const r = synthGlobalApp({ routing: "both", domain: DOMAIN });
  it("puts the accelerator on the domain and the latency records on latency.<domain>, from one deployment", () => {
    const names = records(r).map((b) => `${b.name} ${b.set_identifier ?? "accelerator"}`).sort();
    expect(names).toEqual(["api.example.com accelerator", "latency.api.example.com eu-central-1", "latency.api.example.com us-west-2"]);
    expect(count(r, "aws_globalaccelerator_endpoint_group")).toBe(2);
    expect(r.tf.output.accelerator_record_name.value).toBe("api.example.com");
    expect(r.tf.output.latency_record_name.value).toBe("latency.api.example.com");
  });
});

describe("issued certificates (https.issueCertificates)", () => {
  const r = synthGlobalApp({ routing: "both", domain: DOMAIN, https: { issueCertificates: true }, regions: ["us-west-2", "eu-central-1", "ap-northeast-1"] });
  const certs = resourcesOf(r.tf, "aws_acm_certificate");
  it("requests one DNS-validated certificate per region, for every name served", () => {
    expect(certs.map(([, c]) => c.provider).sort()).toEqual(["aws.ap-northeast-1", "aws.eu-central-1", "aws.us-west-2"]);
    for (const [, c] of certs) {
      expect(c).toEqual(expect.objectContaining({ domain_name: "api.example.com", subject_alternative_names: ["latency.api.example.com"], validation_method: "DNS" }));
      expect(c.lifecycle).toEqual({ create_before_destroy: true });
    }
  });
  it("creates the validation records once (the token is per account and name, not per region), for_each over one certificate's options", () => {
    const validation = records(r).filter((b) => b.for_each !== undefined);
    expect(validation).toHaveLength(1);
    expect(validation[0]).toEqual(expect.objectContaining({ zone_id: DOMAIN.hostedZoneId, allow_overwrite: true, ttl: 60, name: "${each.value.resource_record_name}" }));
    expect(String(validation[0].for_each)).toMatch(/aws_acm_certificate\.certificates_certificate-us-west-2_\w+\.domain_validation_options/);
  });
  it("validates each region's certificate on those records, and each region's HTTPS listener waits for its own validation", () => {
    const validations = resourcesOf(r.tf, "aws_acm_certificate_validation");
    expect(validations).toHaveLength(3);
    const graph = new ResourceGraph(r.tf);
    for (const [vid, v] of validations) {
      const region = String(v.provider).slice(4);
      const [certId] = certs.find(([, c]) => c.provider === v.provider)!;
      expect(v.certificate_arn).toBe(`\${aws_acm_certificate.${certId}.arn}`);
      const [listenerId, listener] = resourcesOf(r.tf, "aws_lb_listener").find(([, l]) => l.provider === `aws.${region}` && l.port === 443)!;
      expect(listener.certificate_arn).toBe(`\${aws_acm_certificate_validation.${vid}.certificate_arn}`);
      expect(graph.dependsOn(`aws_lb_listener.${listenerId}`, `aws_acm_certificate_validation.${vid}`)).toBe(true);
    }
  });
  it("turns HTTPS on everywhere: port 80 redirects, the accelerator listens on 443 too", () => {
    expect(resourcesOf(r.tf, "aws_lb_listener").filter(([, l]) => l.port === 80).every(([, l]) => JSON.stringify(l.default_action).includes("redirect"))).toBe(true);
    const [, listener] = resourcesOf(r.tf, "aws_globalaccelerator_listener")[0];
    expect((listener.port_range as Array<{ from_port: number }>).map((p) => p.from_port)).toEqual([80, 443]);
  });
  it("without a routing that needs the latency name, covers only the domain", () => {
    const one = synthGlobalApp({ domain: DOMAIN, https: { issueCertificates: true } });
    expect(resourcesOf(one.tf, "aws_acm_certificate").every(([, c]) => (c.subject_alternative_names as string[]).length === 0)).toBe(true);
  });
});
