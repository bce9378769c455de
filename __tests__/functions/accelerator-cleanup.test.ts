import {
  DeleteSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { ec2Api } from "../../functions/accelerator-cleanup";
import {
  type CleanupClock,
  CleanupInputError,
  CleanupTimeoutError,
  GA_SECURITY_GROUP_NAME,
  handleCleanup,
  POLL_MS,
} from "../../functions/lib/accelerator-cleanup";

/**
 * The tear-down logic against a mocked EC2 API (the one AWS control-plane dependency), through the
 * same EC2Client adapter the function uses. Time is simulated: `sleep` advances a counter.
 */
const ec2 = mockClient(EC2Client);
const VPC = "vpc-0a1b2c3d4e5f60718";
const SG = "sg-0123456789abcdef0";
const api = () => ec2Api(new EC2Client({ region: "eu-central-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } }));

function clock(budgetMs = 800_000): CleanupClock & { slept: number } {
  const c = {
    slept: 0,
    remainingMs: () => budgetMs - c.slept,
    sleep: async (ms: number) => {
      c.slept += ms;
    },
  };
  return c;
}

const dependencyViolation = Object.assign(new Error("resource sg has a dependent object"), { name: "DependencyViolation" });

beforeEach(() => ec2.reset());

describe("accelerator cleanup: delete", () => {
  it("finds the VPC's GlobalAccelerator group, waits until GA has released its interfaces, then deletes it", async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: SG, GroupName: GA_SECURITY_GROUP_NAME }] });
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: "eni-1" }, { NetworkInterfaceId: "eni-2" }] })
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: "eni-2" }] })
      .resolves({ NetworkInterfaces: [] });
    ec2.on(DeleteSecurityGroupCommand).resolves({});
    const c = clock();
    const result = await handleCleanup({ vpcId: VPC, tf: { action: "delete" } }, api(), c);

    expect(result).toEqual({ action: "delete", vpcId: VPC, deleted: [SG], waitedSeconds: (2 * POLL_MS) / 1000 });
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)[0].args[0].input).toEqual({
      Filters: [{ Name: "vpc-id", Values: [VPC] }, { Name: "group-name", Values: ["GlobalAccelerator"] }],
    });
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand).every((call) => call.args[0].input.Filters?.[0].Values?.[0] === SG)).toBe(true);
    // deleted only once nothing used it
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(3);
    expect(ec2.commandCalls(DeleteSecurityGroupCommand).map((call) => call.args[0].input)).toEqual([{ GroupId: SG }]);
  });

  it("retries DependencyViolation (EC2 can answer it a moment after the last interface is gone)", async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: SG }] });
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
    ec2.on(DeleteSecurityGroupCommand).rejectsOnce(dependencyViolation).resolves({});
    const result = await handleCleanup({ vpcId: VPC, tf: { action: "delete" } }, api(), clock());
    expect(result.deleted).toEqual([SG]);
    expect(ec2.commandCalls(DeleteSecurityGroupCommand)).toHaveLength(2);
  });

  it("follows NextToken when GA has many interfaces", async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: SG }] });
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [], NextToken: "page2" })
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: "eni-9" }] })
      .resolves({ NetworkInterfaces: [] });
    ec2.on(DeleteSecurityGroupCommand).resolves({});
    const c = clock();
    await handleCleanup({ vpcId: VPC, tf: { action: "delete" } }, api(), c);
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)[1].args[0].input.NextToken).toBe("page2");
    expect(c.slept).toBe(POLL_MS); // the interface on page 2 counted: it waited once
  });

  it("does nothing when GA never created a group (no endpoint ever, or already cleaned)", async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    const result = await handleCleanup({ vpcId: VPC, tf: { action: "delete" } }, api(), clock());
    expect(result).toEqual({ action: "delete", vpcId: VPC, deleted: [], waitedSeconds: 0 });
    expect(ec2.commandCalls(DeleteSecurityGroupCommand)).toHaveLength(0);
  });

  it("treats a group that vanished meanwhile as done", async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: SG }] });
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
    ec2.on(DeleteSecurityGroupCommand).rejects(Object.assign(new Error("gone"), { name: "InvalidGroup.NotFound" }));
    await expect(handleCleanup({ vpcId: VPC, tf: { action: "delete" } }, api(), clock())).resolves.toMatchObject({ deleted: [] });
  });

  it("gives up before Lambda's timeout with a message that says to run the destroy again", async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: SG }] });
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [{ NetworkInterfaceId: "eni-1" }] });
    const c = clock(5 * POLL_MS);
    const run = handleCleanup({ vpcId: VPC, tf: { action: "delete" } }, api(), c);
    await expect(run).rejects.toThrow(CleanupTimeoutError);
    await expect(handleCleanup({ vpcId: VPC, tf: { action: "delete" } }, api(), clock(5 * POLL_MS))).rejects.toThrow(
      /sg-0123456789abcdef0 \(GlobalAccelerator\) in vpc-0a1b2c3d4e5f60718 is still in use by 1 network interface\(s\) after \d+ s: .*run the destroy again/,
    );
    expect(ec2.commandCalls(DeleteSecurityGroupCommand)).toHaveLength(0);
  });

  it("passes other EC2 errors on (e.g. AccessDenied: the role is wrong), failing the terraform run with the cause", async () => {
    ec2.on(DescribeSecurityGroupsCommand).rejects(Object.assign(new Error("not authorized"), { name: "UnauthorizedOperation" }));
    await expect(handleCleanup({ vpcId: VPC, tf: { action: "delete" } }, api(), clock())).rejects.toThrow(/not authorized/);
  });
});

describe("accelerator cleanup: create and update", () => {
  it("create: nothing to clean yet, no EC2 call", async () => {
    await expect(handleCleanup({ vpcId: VPC, tf: { action: "create" } }, api(), clock())).resolves.toEqual({ action: "create", deleted: [], waitedSeconds: 0 });
    expect(ec2.calls()).toHaveLength(0);
  });
  it("update with the same VPC: nothing to do", async () => {
    await expect(handleCleanup({ vpcId: VPC, tf: { action: "update", prev_input: { vpcId: VPC } } }, api(), clock())).resolves.toMatchObject({ deleted: [] });
    expect(ec2.calls()).toHaveLength(0);
  });
  it("update to a new VPC (the network was replaced): cleans the previous VPC", async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: SG }] });
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
    ec2.on(DeleteSecurityGroupCommand).resolves({});
    const result = await handleCleanup({ vpcId: VPC, tf: { action: "update", prev_input: { vpcId: "vpc-00000000000000001" } } }, api(), clock());
    expect(result).toMatchObject({ action: "update", vpcId: "vpc-00000000000000001", deleted: [SG] });
  });
});

describe("accelerator cleanup: bad input fails loudly (a broken configuration, not something to skip)", () => {
  it.each([
    ["no tf key (lifecycle_scope not CRUD)", { vpcId: VPC }, /tf.action = undefined: expected create, update or delete/],
    ["unknown action", { vpcId: VPC, tf: { action: "drop" } }, /tf.action = "drop"/],
    ["no VPC id", { tf: { action: "delete" } }, /vpcId = undefined: must be a VPC id/],
    ["not a VPC id", { vpcId: "sg-123", tf: { action: "delete" } }, /vpcId = "sg-123": must be a VPC id/],
    ["bad previous VPC id", { vpcId: VPC, tf: { action: "update", prev_input: { vpcId: 7 } } }, /tf.prev_input.vpcId = 7/],
  ])("%s", async (_name, event, message) => {
    await expect(handleCleanup(event, api(), clock())).rejects.toThrow(CleanupInputError);
    await expect(handleCleanup(event, api(), clock())).rejects.toThrow(message);
    expect(ec2.calls()).toHaveLength(0);
  });
});

describe("accelerator cleanup: the shipped bundle", () => {
  type CleanupHandler = (event: object, context?: { getRemainingTimeInMillis(): number }) => Promise<unknown>;

  /** A stand-in for the EC2 query API on 127.0.0.1: answers the calls the cleanup makes, records them. */
  async function fakeEc2(answers: Record<string, string>): Promise<{ url: string; actions: string[]; close(): Promise<void> }> {
    const { createServer } = await import("node:http");
    const actions: string[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const action = new URLSearchParams(body).get("Action") ?? "";
        actions.push(action);
        res.writeHead(200, { "content-type": "text/xml" });
        res.end(`<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>${answers[action] ?? ""}</${action}Response>`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, actions, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  it("bundles the EC2 client and deletes the group through the EC2 API", async () => {
    const server = await fakeEc2({
      DescribeSecurityGroups: `<securityGroupInfo><item><groupId>${SG}</groupId><groupName>GlobalAccelerator</groupName></item></securityGroupInfo>`,
      DescribeNetworkInterfaces: "<networkInterfaceSet/>",
      DeleteSecurityGroup: "<return>true</return>",
    });
    try {
      const { captureStdout, loadBundle } = await import("./support/bundled");
      const stdout = captureStdout();
      const handler = loadBundle<CleanupHandler>("functions/accelerator-cleanup.ts", { AWS_ENDPOINT_URL_EC2: server.url }, { stdout: stdout.stream });
      const result = await handler({ vpcId: VPC, tf: { action: "delete" } }, { getRemainingTimeInMillis: () => 900_000 });
      expect(result).toEqual({ action: "delete", vpcId: VPC, deleted: [SG], waitedSeconds: 0 });
      // It says what it did, one JSON line in the function's log.
      expect(stdout.lines.map((l) => JSON.parse(l) as unknown)).toContainEqual({ level: "INFO", message: "deleted Global Accelerator security group", vpcId: VPC, groupId: SG, waitedSeconds: 0 });
      expect(server.actions).toEqual(["DescribeSecurityGroups", "DescribeNetworkInterfaces", "DeleteSecurityGroup"]);
    } finally {
      await server.close();
    }
  });
});
