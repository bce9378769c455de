/** Counting threads: the host's own count of live worker threads, checked against the OS's. */
import { existsSync, readdirSync } from "node:fs";

/** Threads of this process as the OS counts them (Linux), or undefined elsewhere. */
export function osThreads(): number | undefined {
  return existsSync("/proc/self/task") ? readdirSync("/proc/self/task").length : undefined;
}
