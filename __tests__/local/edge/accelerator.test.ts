import { clientRegionOf } from "../../../local/edge/accelerator";

describe("the accelerator's client location", () => {
  it("reads the x-client-region header of the first request, any case, known regions only", () => {
    expect(clientRegionOf(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\nX-Client-Region: eu-central-1\r\n\r\n"))).toBe("eu-central-1");
    expect(clientRegionOf(Buffer.from("GET / HTTP/1.1\r\nx-client-region: mars-1\r\n\r\n"))).toBeUndefined();
    expect(clientRegionOf(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\nx-client-region: eu-central-1\r\n"))).toBeUndefined();
  });
});
