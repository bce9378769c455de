/**
 * An in-memory DynamoDB (dynalite) on 127.0.0.1, for tests, benchmarks and the local system.
 *
 * ```ts
 * const db = await startDynalite({ tableName: "GlobalApp", items: [{ item_id: "1", name: "a" }] });
 * process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
 * await db.stop();      // outage: connections are cut, the port refuses
 * await db.start();     // back on the same port, with the items it held when stopped
 * await db.close();     // for good
 * ```
 */
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** dynalite's factory (the package ships no types). */
type DynaliteFactory = (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;

/** Options of {@link startDynalite}. */
export interface DynaliteOptions {
  /** Table to create, key `item_id` (S), on-demand. */
  readonly tableName: string;
  /** Items to put after the table exists; each needs a string `item_id`. @default [] */
  readonly items?: readonly Record<string, unknown>[];
  /** Port on 127.0.0.1. @default 0 (a free port chosen by the OS) */
  readonly port?: number;
}

/** A running (or stopped) local DynamoDB. */
export interface LocalDynamo {
  /** `http://127.0.0.1:<port>`: the value for `AWS_ENDPOINT_URL_DYNAMODB`. Stable across stop/start. */
  readonly endpoint: string;
  /** The TCP port; stable across stop/start. */
  readonly port: number;
  /** The table name. */
  readonly tableName: string;
  /** True between start and stop. */
  readonly running: boolean;
  /** Credentials-free SDK settings for clients of this endpoint (any key is accepted). */
  readonly clientConfig: { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Puts items into the table. */
  put(items: readonly Record<string, unknown>[]): Promise<void>;
  /** All items in the table. */
  scan(): Promise<Record<string, unknown>[]>;
  /** Simulates an outage: remembers the items, cuts open connections and frees the port. */
  stop(): Promise<void>;
  /** Ends the outage: listens on the same port again, recreates the table and the items it held. */
  start(): Promise<void>;
  /** Stops for good (no snapshot). */
  close(): Promise<void>;
}

const FAKE_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function shutdown(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // Keep-alive sockets would hold close() open and keep answering: cut them, like a real outage.
    server.closeAllConnections();
  });
}

/** Starts dynalite on 127.0.0.1, creates the table and puts the items. */
export async function startDynalite(options: DynaliteOptions): Promise<LocalDynamo> {
  const dynalite = require("dynalite") as DynaliteFactory;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server, options.port ?? 0);
  const endpoint = `http://127.0.0.1:${port}`;
  const clientConfig = { region: "us-east-1", endpoint, credentials: FAKE_CREDENTIALS };
  // A fresh client per start: the old one's keep-alive sockets died with the outage.
  const connect = () => {
    // A few attempts: a kept-alive socket that dynalite closed meanwhile fails once with ECONNRESET.
    const raw = new DynamoDBClient({ ...clientConfig, maxAttempts: 3 });
    return { client: raw, docs: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }) };
  };
  let { client, docs } = connect();
  const { tableName } = options;
  let running = true;
  let snapshot: Record<string, unknown>[] = [];

  const db: LocalDynamo = {
    endpoint,
    port,
    tableName,
    clientConfig,
    get running() {
      return running;
    },
    async put(items) {
      for (const item of items) {
        await docs.send(new PutCommand({ TableName: tableName, Item: item }));
      }
    },
    async scan() {
      const items: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await docs.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items;
    },
    async stop() {
      if (!running) return;
      snapshot = await db.scan();
      running = false;
      client.destroy();
      await shutdown(server);
    },
    async start() {
      if (running) return;
      // dynalite recreates its in-memory store when it listens again: table and items are restored here.
      await listen(server, port);
      running = true;
      ({ client, docs } = connect());
      await createTable();
      await db.put(snapshot);
    },
    async close() {
      client.destroy();
      if (running) {
        running = false;
        await shutdown(server);
      }
    },
  };

  async function createTable(): Promise<void> {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: "item_id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "item_id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  }

  await createTable();
  await db.put(options.items ?? []);
  return db;
}
