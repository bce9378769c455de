import { AWS_REGIONS, azIdPrefix, defaultAzIds, isAzId, regionDistanceKm, regionInfo, zoneInRegion } from "../../model/regions";

describe("regions", () => {
  it.each([
    ["us-east-1", "use1"],
    ["us-west-2", "usw2"],
    ["eu-central-1", "euc1"],
    ["eu-north-1", "eun1"],
    ["ap-northeast-1", "apne1"],
    ["ap-southeast-2", "apse2"],
    ["ap-south-1", "aps1"],
    ["ap-east-1", "ape1"],
    ["ca-central-1", "cac1"],
    ["sa-east-1", "sae1"],
    ["me-central-1", "mec1"],
    ["il-central-1", "ilc1"],
    ["af-south-1", "afs1"],
    ["mx-central-1", "mxc1"],
  ])("the AZ-ID prefix of %s is %s", (region, prefix) => expect(azIdPrefix(region)).toBe(prefix));

  it("has an AZ-ID prefix and two distinct default AZ IDs for every region", () => {
    for (const r of AWS_REGIONS) {
      const [a, b] = defaultAzIds(r);
      expect(a).not.toBe(b);
      expect(isAzId(a) && isAzId(b)).toBe(true);
      expect(zoneInRegion(a, r) && zoneInRegion(b, r)).toBe(true);
    }
  });
  it("avoids zones closed to new accounts: us-west-1 uses az1 and az3", () => {
    expect(defaultAzIds("us-west-1")).toEqual(["usw1-az1", "usw1-az3"]);
    expect(defaultAzIds("us-east-1")).toEqual(["use1-az1", "use1-az2"]);
    expect(defaultAzIds("ap-northeast-1")).toEqual(["apne1-az1", "apne1-az2"]);
  });
  it("tells zone names from AZ IDs and checks the region of each", () => {
    expect(isAzId("usw2-az1")).toBe(true);
    expect(isAzId("us-west-2a")).toBe(false);
    expect(zoneInRegion("us-west-2a", "us-west-2")).toBe(true);
    expect(zoneInRegion("us-west-2a", "us-west-1")).toBe(false);
    expect(zoneInRegion("usw1-az3", "us-west-1")).toBe(true);
    expect(zoneInRegion("usw1-az3", "us-west-2")).toBe(false);
    expect(zoneInRegion("us-east-1-atl-1a", "us-east-1")).toBe(false);
  });
  it("rejects an unknown region", () => {
    expect(() => regionInfo("mars-north-1")).toThrow(/unknown AWS region "mars-north-1"/);
    expect(() => azIdPrefix("mars-north-1")).toThrow(/unknown AWS region/);
  });
  it("measures great-circle distances (Oregon is closer to Virginia than to Frankfurt)", () => {
    expect(regionDistanceKm("us-west-2", "us-west-2")).toBe(0);
    expect(regionDistanceKm("us-west-2", "us-east-1")).toBeLessThan(regionDistanceKm("us-west-2", "eu-central-1"));
    expect(regionDistanceKm("eu-central-1", "ap-northeast-1")).toBeCloseTo(regionDistanceKm("ap-northeast-1", "eu-central-1"), 6);
  });
});
