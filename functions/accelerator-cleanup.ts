/**
 * The tear-down helper Lambda (one per region): a thin adapter over lib/accelerator-cleanup.ts.
 * Invoked only by Terraform (`aws_lambda_invocation`, lifecycle_scope CRUD): on delete it removes the
 * `GlobalAccelerator` security group from the region's VPC once GA has released its interfaces.
 * A thrown error fails the terraform run with its message; the run can then simply be repeated.
 */
import {
  DeleteSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import type { Context } from "aws-lambda";
import { type CleanupEvent, type CleanupResult, type Ec2Api, handleCleanup } from "./lib/accelerator-cleanup";

/** Seconds kept back from Lambda's remaining time to answer before the function times out. */
const ANSWER_MARGIN_MS = 15_000;

const client = new EC2Client({});

/** {@link Ec2Api} on the EC2 API of the function's own region. */
export function ec2Api(ec2: EC2Client): Ec2Api {
  return {
    async securityGroupIds(vpcId, name) {
      const out = await ec2.send(
        new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, { Name: "group-name", Values: [name] }] }),
      );
      return (out.SecurityGroups ?? []).flatMap((g) => (g.GroupId ? [g.GroupId] : []));
    },
    async interfacesUsing(groupId) {
      const ids: string[] = [];
      let NextToken: string | undefined;
      do {
        const out = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "group-id", Values: [groupId] }], NextToken }));
        ids.push(...(out.NetworkInterfaces ?? []).flatMap((n) => (n.NetworkInterfaceId ? [n.NetworkInterfaceId] : [])));
        NextToken = out.NextToken;
      } while (NextToken);
      return ids;
    },
    async deleteSecurityGroup(groupId) {
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
    },
  };
}

/** Entry point; `context` gives the time budget (the function's timeout is the wait's upper bound). */
export function handler(event: CleanupEvent, context?: Pick<Context, "getRemainingTimeInMillis">): Promise<CleanupResult> {
  const started = Date.now();
  return handleCleanup(
    event,
    ec2Api(client),
    {
      remainingMs: () => (context ? context.getRemainingTimeInMillis() : 60_000 - (Date.now() - started)) - ANSWER_MARGIN_MS,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    },
    (message, data) => console.log(JSON.stringify({ level: "INFO", message, ...data })),
  );
}
