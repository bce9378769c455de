import { albErrorPage, refusalFor } from "../../../local/region/alb";

describe("refusalFor (what the ALB answers before the function is involved)", () => {
  const req = (over: Partial<{ method: string; url: string; rawHeaders: string[] }> = {}) => ({ method: "GET", url: "/health", rawHeaders: ["Host", "h"], ...over });
  it("lets a request within the limits through", () => {
    expect(refusalFor(req())).toBeUndefined();
    expect(refusalFor(req({ rawHeaders: ["X-A", "v".repeat(16 * 1024 - 5)] }))).toBeUndefined();
    expect(refusalFor(req({ rawHeaders: ["Transfer-Encoding", "chunked"] }))).toBeUndefined();
    expect(refusalFor(req({ rawHeaders: ["X-Forwarded-For", Array(30).fill("10.0.0.1").join(", ")] }))).toBeUndefined();
  });
  it.each([
    ["TRACE", req({ method: "TRACE" }), 405],
    ["a request line over 16 K", req({ url: `/${"a".repeat(16 * 1024)}` }), 414],
    ["a header line over 16 K", req({ rawHeaders: ["X-A", "v".repeat(16 * 1024 - 3)] }), 400],
    ["header lines over 64 K in all", req({ rawHeaders: Array.from({ length: 5 }, (_, i) => [`X-${i}`, "v".repeat(15_000)]).flat() }), 400],
    ["Transfer-Encoding gzip", req({ rawHeaders: ["Transfer-Encoding", "gzip, chunked"] }), 501],
    ["31 X-Forwarded-For addresses", req({ rawHeaders: ["X-Forwarded-For", Array(31).fill("10.0.0.1").join(", ")] }), 463],
  ])("refuses %s with %d", (_name, r, status) => {
    expect(refusalFor(r)).toBe(status);
  });
});

describe("the ALB's own answers", () => {
  it("are HTML pages naming the status", () => {
    expect(albErrorPage(502)).toContain("<title>502 Bad Gateway</title>");
    expect(albErrorPage(463)).toContain("<h1>463</h1>");
  });
});
