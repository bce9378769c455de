/** The local zone's answers, question by question (no sockets: local/edge/dns-zone.ts is pure). */
import type { Question } from "dns-packet";
import { answerQuestion, canonicalName, type NameAnswer, RCODE, type ZoneOptions, zoneOf } from "../../../local/edge/dns-zone";

const latency = (clientRegion: string): NameAnswer =>
  clientRegion.startsWith("eu-")
    ? { address: "127.0.0.3", port: 8080, region: "eu-central-1", ttl: 6 }
    : { address: "127.0.0.2", port: 8080, region: "us-west-2", ttl: 6 };
const zone: ZoneOptions = {
  zone: "example.com",
  names: new Map<string, (clientRegion: string) => NameAnswer>([
    ["latency.api.example.com", latency],
    ["api.example.com", () => ({ address: "127.0.0.1", port: 8080, ttl: 6 })],
  ]),
  soaTtl: 90,
};
const ask = (name: string, type = "A", clientRegion = "us-west-2") => answerQuestion(zone, { name, type, class: "IN" } as Question, clientRegion);

describe("served names", () => {
  it("answers the latency name with the client's region's address, its TTL, and a TXT note of region and port", () => {
    const r = ask("latency.api.example.com");
    expect(r).toMatchObject({ rcode: RCODE.NOERROR, authoritative: true });
    expect(r.answers).toEqual([{ type: "A", name: "latency.api.example.com", ttl: 6, class: "IN", data: "127.0.0.2" }]);
    expect(r.additionals).toEqual([{ type: "TXT", name: "latency.api.example.com", ttl: 6, class: "IN", data: ["region=us-west-2", "port=8080"] }]);
    expect(ask("latency.api.example.com", "A", "eu-west-1").answers[0]).toMatchObject({ data: "127.0.0.3" });
  });

  it("answers the accelerator's name with its address and no region", () => {
    const r = ask("api.example.com");
    expect(r.answers).toEqual([expect.objectContaining({ type: "A", data: "127.0.0.1" })]);
    expect(r.additionals[0]).toMatchObject({ type: "TXT", data: ["port=8080"] });
  });

  it("compares names case-insensitively and answers in the question's spelling", () => {
    const r = ask("LaTeNcY.Api.Example.COM.");
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(r.answers[0]).toMatchObject({ name: "LaTeNcY.Api.Example.COM.", data: "127.0.0.2" });
  });

  it("answers TXT with the note alone and ANY with both", () => {
    expect(ask("latency.api.example.com", "TXT").answers.map((a) => a.type)).toEqual(["TXT"]);
    expect(ask("latency.api.example.com", "ANY").answers.map((a) => a.type)).toEqual(["A", "TXT"]);
  });

  it("answers another type of a served name with NODATA: no answer, the SOA in the authority section", () => {
    for (const type of ["AAAA", "MX", "UNKNOWN_65"]) {
      const r = ask("latency.api.example.com", type);
      expect(r).toMatchObject({ rcode: RCODE.NOERROR, answers: [], authoritative: true });
      expect(r.authorities).toEqual([expect.objectContaining({ type: "SOA", name: "example.com", ttl: 90 })]);
    }
  });
});

describe("the rest of the zone", () => {
  it("answers NXDOMAIN with the SOA for any other name in the zone", () => {
    for (const name of ["www.example.com", "other.api.example.com", "x.latency.api.example.com"]) {
      const r = ask(name);
      expect(r).toMatchObject({ rcode: RCODE.NXDOMAIN, authoritative: true, answers: [] });
      expect(r.authorities[0]).toMatchObject({ type: "SOA", data: expect.objectContaining({ mname: "ns.example.com", minimum: 90 }) });
    }
  });

  it("answers the apex's SOA and NS", () => {
    expect(ask("example.com", "SOA").answers[0]).toMatchObject({ type: "SOA", data: expect.objectContaining({ serial: 1, refresh: 7200, retry: 900, expire: 1209600 }) });
    expect(ask("example.com", "NS").answers[0]).toMatchObject({ type: "NS", data: "ns.example.com" });
    expect(ask("example.com", "A")).toMatchObject({ rcode: RCODE.NOERROR, answers: [] });
  });

  it("answers NODATA, not NXDOMAIN, for a name above a served one", () => {
    const deep: ZoneOptions = { ...zone, names: new Map([["a.b.example.com", () => ({ address: "127.0.0.2", port: 1, ttl: 1 })]]) };
    expect(answerQuestion(deep, { name: "b.example.com", type: "A" }, "us-west-2")).toMatchObject({ rcode: RCODE.NOERROR, answers: [] });
  });

  it("refuses names outside the zone, zone transfers and other classes", () => {
    for (const [name, type] of [["www.google.com", "A"], ["example.org", "A"], ["notexample.com", "A"], ["example.com", "AXFR"], ["example.com", "IXFR"]]) {
      expect(ask(name, type)).toMatchObject({ rcode: RCODE.REFUSED, authoritative: false, answers: [] });
    }
    expect(answerQuestion(zone, { name: "api.example.com", type: "A", class: "CH" }, "us-west-2").rcode).toBe(RCODE.REFUSED);
  });
});

describe("zoneOf", () => {
  it("is the parent of a name of three or more labels, else the name itself", () => {
    expect(zoneOf("api.example.com")).toBe("example.com");
    expect(zoneOf("a.b.example.co.uk")).toBe("b.example.co.uk");
    expect(zoneOf("example.com")).toBe("example.com");
    expect(canonicalName("API.Example.com.")).toBe("api.example.com");
  });
});
