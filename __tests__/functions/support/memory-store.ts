/** An ItemStore in a Map, for unit tests of the pure logic (integration tests use dynalite). */
import { itemId } from "../../../functions/lib/item-json";
import type { Item, ItemStore } from "../../../functions/lib/items";

export class MemoryStore implements ItemStore {
  public readonly items = new Map<string, Item>();
  public pings = 0;
  /** When set, every call rejects with it. */
  public failWith?: unknown;

  async get(id: string): Promise<Item | undefined> {
    this.fail();
    return this.items.get(id);
  }

  async put(item: Item): Promise<"created" | "replaced"> {
    this.fail();
    const id = itemId(item) ?? "";
    const existed = this.items.has(id);
    this.items.set(id, item);
    return existed ? "replaced" : "created";
  }

  async delete(id: string): Promise<Item | undefined> {
    this.fail();
    const item = this.items.get(id);
    this.items.delete(id);
    return item;
  }

  async ping(): Promise<void> {
    this.pings++;
    this.fail();
  }

  private fail(): void {
    if (this.failWith !== undefined) throw this.failWith;
  }
}
