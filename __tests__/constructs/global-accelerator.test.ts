import { GlobalacceleratorAccelerator } from "@cdktf/provider-aws/lib/globalaccelerator-accelerator";
import { GlobalacceleratorEndpointGroup } from "@cdktf/provider-aws/lib/globalaccelerator-endpoint-group";
import { GlobalacceleratorListener } from "@cdktf/provider-aws/lib/globalaccelerator-listener";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { AcceleratorEndpoint, GlobalAccelerator, GlobalAcceleratorProps } from "../../constructs/global-accelerator";
import { RegionalBackend } from "../../constructs/regional-backend";
import { ResourceGraph } from "../support/graph";
import { buildBackends } from "../support/regional";
import { resourcesOf, synthGlobalApp } from "../support/synth";

function build(props: Partial<GlobalAcceleratorProps> = {}, mapEndpoints?: (backends: RegionalBackend[]) => AcceleratorEndpoint[]) {
  const { stack, backends, providers } = buildBackends({}, ["us-west-2", "eu-central-1"]);
  const ga = new GlobalAccelerator(stack, "ga", {
    provider: providers["us-west-2"],
    name: "globalapp-dev",
    endpoints: mapEndpoints ? mapEndpoints(backends) : backends.map((backend) => ({ backend })),
    ...props,
  });
  const json = Testing.synth(stack);
  return { ga, json, tf: JSON.parse(json), stack };
}

describe("GlobalAccelerator", () => {
  const { json, tf } = build();
  const groups = Object.values(tf.resource.aws_globalaccelerator_endpoint_group) as Array<Record<string, unknown>>;

  it("is an IPv4 accelerator on the us-west-2 provider", () => {
    expect(json).toHaveResourceWithProperties(GlobalacceleratorAccelerator, { name: "globalapp-dev", ip_address_type: "IPV4", enabled: true, provider: "aws.us-west-2" });
  });
  it("listens on TCP 80 with no client affinity by default", () => {
    expect(json).toHaveResourceWithProperties(GlobalacceleratorListener, { protocol: "TCP", client_affinity: "NONE", port_range: [{ from_port: 80, to_port: 80 }] });
  });
  it("has one endpoint group per region, each naming its region explicitly, all on the us-west-2 provider", () => {
    expect(groups.map((g) => g.endpoint_group_region).sort()).toEqual(["eu-central-1", "us-west-2"]);
    expect(groups.every((g) => g.provider === "aws.us-west-2")).toBe(true);
  });
  it("points each group at its own region's ALB, weight 128, preserving client IPs, dial 100", () => {
    const lbIds = Object.entries(tf.resource.aws_lb).map(([id, b]) => [(b as { provider: string }).provider, id]);
    for (const g of groups) {
      const lbId = lbIds.find(([p]) => p === `aws.${g.endpoint_group_region}`)![1];
      expect(g.endpoint_configuration).toEqual([{ endpoint_id: `\${aws_lb.${lbId}.arn}`, weight: 128, client_ip_preservation_enabled: true }]);
      expect(g.traffic_dial_percentage).toBe(100);
    }
  });
  it("does not set endpoint-group health checks (GA uses the ALB target group's health)", () => {
    expect(groups.every((g) => !("health_check_path" in g) && !("health_check_interval_seconds" in g))).toBe(true);
  });
  it("takes traffic dials and weights per region", () => {
    const { json: j } = build({}, (bs) => bs.map((backend, i) => ({ backend, trafficDial: i === 0 ? 0 : 50, weight: 200 })));
    expect(j).toHaveResourceWithProperties(GlobalacceleratorEndpointGroup, { endpoint_group_region: "us-west-2", traffic_dial_percentage: 0 });
    expect(j).toHaveResourceWithProperties(GlobalacceleratorEndpointGroup, {
      endpoint_group_region: "eu-central-1",
      traffic_dial_percentage: 50,
      endpoint_configuration: [expect.objectContaining({ weight: 200 })],
    });
  });
  it("supports SOURCE_IP affinity, DUAL_STACK and extra ports", () => {
    const { json: j } = build({ clientAffinity: "SOURCE_IP", ipAddressType: "DUAL_STACK", ports: [80, 443] });
    expect(j).toHaveResourceWithProperties(GlobalacceleratorListener, { client_affinity: "SOURCE_IP", port_range: [{ from_port: 80, to_port: 80 }, { from_port: 443, to_port: 443 }] });
    expect(j).toHaveResourceWithProperties(GlobalacceleratorAccelerator, { ip_address_type: "DUAL_STACK" });
  });
  it("exposes the static IPs as flatten(ip_sets[*].ip_addresses)", () => {
    const { ga, stack } = build();
    new TerraformOutput(stack, "ips", { value: ga.staticIps });
    const out = JSON.parse(Testing.synth(stack)).output.ips.value as string;
    expect(out).toMatch(/^\$\{flatten\(aws_globalaccelerator_accelerator\.[^.]+\.ip_sets\[\*\]\.ip_addresses\)\}$/);
  });
  it("rejects a provider outside us-west-2", () => {
    expect(() => build({ provider: new AwsProvider(new TerraformStack(Testing.app(), "x"), "p", { region: "eu-central-1" }) })).toThrow(/provider region must be us-west-2/);
  });
  it("rejects no endpoints", () => {
    expect(() => build({}, () => [])).toThrow(/at least one region/);
  });
  it("rejects two groups for one region", () => {
    expect(() => build({}, (bs) => [{ backend: bs[0] }, { backend: bs[0] }])).toThrow(/two endpoint groups for region "us-west-2"/);
  });
  it("rejects a traffic dial over 100 and a weight over 255", () => {
    expect(() => build({}, (bs) => [{ backend: bs[0], trafficDial: 101 }])).toThrow(/trafficDial for us-west-2 is 101; allowed 0-100/);
    expect(() => build({}, (bs) => [{ backend: bs[0], weight: 256 }])).toThrow(/weight for us-west-2 is 256; allowed 0-255/);
  });
  it("rejects an invalid port", () => {
    expect(() => build({ ports: [0] })).toThrow(/port 0 is not 1-65535/);
  });
});

describe("GlobalAccelerator: switching to DUAL_STACK on an existing stack", () => {
  it("updates the accelerator only after every ALB is dual-stack (it accepts no IPv4-only endpoint)", () => {
    const { tf } = synthGlobalApp({ accelerator: { ipAddressType: "DUAL_STACK" } });
    const graph = new ResourceGraph(tf);
    const [accelerator] = resourcesOf(tf, "aws_globalaccelerator_accelerator").map(([id]) => `aws_globalaccelerator_accelerator.${id}`);
    const albs = resourcesOf(tf, "aws_lb").map(([id]) => `aws_lb.${id}`);
    expect(albs).toHaveLength(2);
    for (const alb of albs) expect(graph.dependsOn(accelerator, alb)).toBe(true);
  });
  it("an IPV4 accelerator is created beside the ALBs, not after them", () => {
    const { tf } = synthGlobalApp();
    const graph = new ResourceGraph(tf);
    const [accelerator] = resourcesOf(tf, "aws_globalaccelerator_accelerator").map(([id]) => `aws_globalaccelerator_accelerator.${id}`);
    for (const [id] of resourcesOf(tf, "aws_lb")) expect(graph.dependsOn(accelerator, `aws_lb.${id}`)).toBe(false);
  });
});
