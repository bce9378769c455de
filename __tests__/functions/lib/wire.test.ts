import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { InternalError } from "../../../functions/lib/errors";
import { attributesFromResponse, valueFromWire } from "../../../functions/lib/wire";

const BODY = '{"Item":{"item_id":{"S":"p"},"__proto__":{"M":{"__proto__":{"L":[{"N":"1.10"},{"B":"AAE="}]},"constructor":{"BS":["/w=="]}}},"ss":{"SS":["a"]},"ns":{"NS":["2"]},"t":{"BOOL":true},"z":{"NULL":true}}}';

describe("attributesFromResponse", () => {
  test("reads every type of DynamoDB JSON, __proto__ keys included, into prototype-free maps", () => {
    const item = attributesFromResponse(BODY, "Item");
    expect(item && Object.keys(item)).toEqual(["item_id", "__proto__", "ss", "ns", "t", "z"]);
    expect(item && Object.getPrototypeOf(item)).toBeNull();
    const proto = (item?.__proto__ as { M: Record<string, unknown> }).M;
    expect(Object.keys(proto)).toEqual(["__proto__", "constructor"]);
    expect(proto.__proto__).toEqual({ L: [{ N: "1.10" }, { B: new Uint8Array([0, 1]) }] });
    expect(proto.constructor).toEqual({ BS: [new Uint8Array([255])] });
    expect(item?.ss).toEqual({ SS: ["a"] });
    expect([item?.ns, item?.t, item?.z]).toEqual([{ NS: ["2"] }, { BOOL: true }, { NULL: true }]);
  });

  test("no item: undefined", () => {
    expect(attributesFromResponse("{}", "Item")).toBeUndefined();
    expect(attributesFromResponse('{"Attributes":{"item_id":{"S":"x"}}}', "Attributes")).toEqual({ item_id: { S: "x" } });
  });

  test("an unknown type is a 500, not a guess", () => {
    expect(() => valueFromWire({ Q: 1 })).toThrow(InternalError);
  });

  // Why wire.ts exists: if this starts failing, the SDK keeps __proto__ values and wire.ts could go.
  test("the SDK's own parse of the same body loses the value under __proto__", async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end(BODY));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const client = new DynamoDBClient({
      region: "us-east-1",
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
    try {
      const out = await client.send(new GetItemCommand({ TableName: "GlobalApp", Key: { item_id: { S: "p" } } }));
      expect(Object.keys(out.Item ?? {})).toContain("__proto__");
      expect(Object.getOwnPropertyDescriptor(out.Item, "__proto__")?.value).toBeUndefined();
    } finally {
      client.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
