/**
 * Reads a Go executable (ELF, amd64, Go ≥ 1.20) the way `go tool objdump` does, for
 * scripts/provider-operations.ts: the function table of `.gopclntab` (every function's entry address,
 * name and source file), the build's VCS revision from `.go.buildinfo`, and each function's direct
 * calls and function references, disassembled with gdb (binutils' and gdb's disassembler know amd64;
 * Go's own toolchain is not needed).
 * Layout: https://go.dev/src/runtime/symtab.go (pcHeader, _func) and https://go.dev/src/debug/gosym/pclntab.go
 */
import { execFileSync } from "node:child_process";
import { closeSync, openSync, readSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One function of the binary. */
export interface GoFunction {
  readonly name: string;
  readonly entry: number;
  readonly end: number;
  /** Source file, as the build recorded it (module path + file). */
  readonly file: string;
}

interface Section {
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
}

/** A Go executable opened for reading. */
export class GoBinary {
  private readonly fd: number;
  private readonly sections = new Map<string, Section>();
  /** Functions sorted by entry address. */
  readonly functions: GoFunction[] = [];
  private readonly byName = new Map<string, GoFunction>();
  private readonly byEntry = new Map<number, GoFunction>();

  constructor(readonly path: string) {
    this.fd = openSync(path, "r");
    this.readSections();
    this.readFunctionTable();
  }

  close(): void {
    closeSync(this.fd);
  }

  private read(offset: number, size: number): Buffer {
    const buf = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const n = readSync(this.fd, buf, done, size - done, offset + done);
      if (n === 0) throw new Error(`${this.path}: unexpected end of file at ${offset + done}`);
      done += n;
    }
    return buf;
  }

  /** ELF64 section headers by name. */
  private readSections(): void {
    const h = this.read(0, 64);
    if (h.readUInt32BE(0) !== 0x7f454c46 || h[4] !== 2) throw new Error(`${this.path}: not a 64-bit ELF executable`);
    const shoff = Number(h.readBigUInt64LE(0x28));
    const shentsize = h.readUInt16LE(0x3a);
    const shnum = h.readUInt16LE(0x3c);
    const shstrndx = h.readUInt16LE(0x3e);
    const headers = this.read(shoff, shentsize * shnum);
    const at = (i: number) => ({
      name: headers.readUInt32LE(i * shentsize),
      addr: Number(headers.readBigUInt64LE(i * shentsize + 0x10)),
      offset: Number(headers.readBigUInt64LE(i * shentsize + 0x18)),
      size: Number(headers.readBigUInt64LE(i * shentsize + 0x20)),
    });
    const strtab = at(shstrndx);
    const names = this.read(strtab.offset, strtab.size);
    for (let i = 0; i < shnum; i++) {
      const s = at(i);
      const name = names.toString("latin1", s.name, names.indexOf(0, s.name));
      this.sections.set(name, { addr: s.addr, offset: s.offset, size: s.size });
    }
  }

  private section(name: string): Section {
    const s = this.sections.get(name);
    if (!s) throw new Error(`${this.path}: no ${name} section (not a Go executable?)`);
    return s;
  }

  /** pcHeader + functab + _func records: names, entries and each function's first source file. */
  private readFunctionTable(): void {
    const sec = this.section(".gopclntab");
    const tab = this.read(sec.offset, sec.size);
    if (tab.readUInt32LE(0) !== 0xfffffff1) throw new Error(`${this.path}: .gopclntab is not the Go 1.20+ format`);
    const word = (o: number) => Number(tab.readBigUInt64LE(o));
    const nfunc = word(8);
    const textStart = word(24);
    const funcnameOffset = word(32);
    const cuOffset = word(40);
    const filetabOffset = word(48);
    const pctabOffset = word(56);
    const pclnOffset = word(64);
    const cstring = (o: number) => tab.toString("latin1", o, tab.indexOf(0, o));
    const uvarint = (o: number): [number, number] => {
      let v = 0;
      let shift = 0;
      for (;;) {
        const b = tab[o++];
        v += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) return [v, o];
        shift += 7;
      }
    };
    const entries: Array<{ entry: number; name: string; file: string }> = [];
    for (let i = 0; i < nfunc; i++) {
      const ft = pclnOffset + i * 8;
      const funcOff = tab.readUInt32LE(ft + 4);
      const f = pclnOffset + funcOff;
      const entry = textStart + tab.readUInt32LE(f);
      const name = cstring(funcnameOffset + tab.readInt32LE(f + 4));
      const pcfile = tab.readUInt32LE(f + 20);
      const cu = tab.readUInt32LE(f + 32);
      let file = "";
      if (pcfile !== 0) {
        // The pcfile table's first value: a zig-zag varint delta from -1.
        const [uv] = uvarint(pctabOffset + pcfile);
        const delta = uv & 1 ? -((uv + 1) / 2) : uv / 2;
        const fileIndex = -1 + delta;
        const fileOff = tab.readUInt32LE(cuOffset + (cu + fileIndex) * 4);
        if (fileOff !== 0xffffffff) file = cstring(filetabOffset + fileOff);
      }
      entries.push({ entry, name, file });
    }
    const textEnd = textStart + this.section(".text").size;
    entries.sort((a, b) => a.entry - b.entry);
    entries.forEach((e, i) => {
      const fn: GoFunction = { ...e, end: entries[i + 1]?.entry ?? textEnd };
      this.functions.push(fn);
      if (!this.byName.has(e.name)) this.byName.set(e.name, fn);
      this.byEntry.set(e.entry, fn);
    });
  }

  /** A function by its full name (e.g. `github.com/…/internal/service/dynamodb.resourceTableCreate`). */
  function(name: string): GoFunction | undefined {
    return this.byName.get(name);
  }

  /** The function starting at an address. */
  functionAt(entry: number): GoFunction | undefined {
    return this.byEntry.get(entry);
  }

  /** `vcs.revision` and `vcs.time` from the build info (`go version -m` shows the same). */
  buildInfo(): { readonly revision?: string; readonly time?: string } {
    const sec = this.section(".go.buildinfo");
    const text = this.read(sec.offset, sec.size).toString("latin1");
    return { revision: /vcs\.revision=([0-9a-f]{40})/.exec(text)?.[1], time: /vcs\.time=(\S+)/.exec(text)?.[1] };
  }

  /** An 8-byte little-endian word at a virtual address in .rodata, .noptrdata or .data. */
  private wordAt(addr: number): number | undefined {
    for (const name of [".rodata", ".noptrdata", ".data"]) {
      const s = this.sections.get(name);
      if (s && addr >= s.addr && addr + 8 <= s.addr + s.size) return Number(this.read(s.offset + addr - s.addr, 8).readBigUInt64LE(0));
    }
    return undefined;
  }

  /**
   * The functions each given function calls directly or refers to (a closure or function value is
   * loaded with LEA, either of its code or of a static funcval in read-only data that points at it).
   * Disassembles them all in one gdb run.
   */
  references(fns: readonly GoFunction[]): Map<GoFunction, GoFunction[]> {
    const out = new Map<GoFunction, GoFunction[]>();
    if (fns.length === 0) return out;
    const script = join(tmpdir(), `go-binary-${process.pid}.gdb`);
    writeFileSync(script, fns.map((f) => `disassemble 0x${f.entry.toString(16)},0x${f.end.toString(16)}\n`).join(""));
    const text = execFileSync("gdb", ["-nx", "-batch", "-x", script, this.path], { encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] });
    const dumps = text.split(/^Dump of assembler code from /m).slice(1);
    if (dumps.length !== fns.length) throw new Error(`gdb disassembled ${dumps.length} of ${fns.length} functions`);
    dumps.forEach((dump, i) => {
      const targets = new Set<GoFunction>();
      for (const m of dump.matchAll(/\bcall\s+0x([0-9a-f]+)/g)) {
        const f = this.functionAt(parseInt(m[1], 16));
        if (f) targets.add(f);
      }
      for (const m of dump.matchAll(/\blea\s+0x[0-9a-f]+\(%rip\),%\w+\s+#\s+0x([0-9a-f]+)/g)) {
        const addr = parseInt(m[1], 16);
        const direct = this.functionAt(addr);
        const viaFuncval = direct ? undefined : this.functionAt(this.wordAt(addr) ?? -1);
        if (direct) targets.add(direct);
        if (viaFuncval) targets.add(viaFuncval);
      }
      out.set(fns[i], [...targets]);
    });
    return out;
  }
}
