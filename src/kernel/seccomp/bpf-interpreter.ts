// A classic BPF interpreter for the subset seccomp filters use, so tests can
// run a compiled program over any seccomp_data and read the action back.
// Semantics follow the kernel's __bpf_prog_run for cBPF (net/core/filter.c):
// unsigned 32-bit compares, jumps relative to the next instruction, loads
// from seccomp_data must be aligned 32-bit words inside the struct.

import {
  BPF_ABS, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_RET, BPF_W,
  SECCOMP_DATA_SIZE,
} from './bpf.ts';
import type { BpfInstruction } from './bpf.ts';

export interface SeccompData {
  nr: number;
  arch: number;
  instructionPointer?: bigint;
  /** Up to six 64-bit arguments. */
  args?: bigint[];
}

export function seccompDataBytes(data: SeccompData): Buffer {
  const bytes = Buffer.alloc(SECCOMP_DATA_SIZE);
  bytes.writeInt32LE(data.nr | 0, 0);
  bytes.writeUInt32LE(data.arch >>> 0, 4);
  bytes.writeBigUInt64LE(data.instructionPointer ?? 0n, 8);
  (data.args ?? []).slice(0, 6).forEach((arg, i) => bytes.writeBigUInt64LE(BigInt.asUintN(64, arg), 16 + 8 * i));
  return bytes;
}

/** Runs `program` and returns the 32-bit seccomp action it yields. */
export function runBpf(program: readonly BpfInstruction[], data: SeccompData): number {
  const bytes = seccompDataBytes(data);
  let acc = 0;
  let pc = 0;
  while (pc < program.length) {
    const { code, jt, jf, k } = program[pc];
    if (code === (BPF_LD | BPF_W | BPF_ABS)) {
      if (k % 4 !== 0 || k + 4 > SECCOMP_DATA_SIZE) throw new Error(`bpf: bad load offset ${k} at ${pc}`);
      acc = bytes.readUInt32LE(k);
      pc += 1;
    } else if (code === (BPF_RET | BPF_K)) {
      return k >>> 0;
    } else if (code === (BPF_JMP | BPF_JA)) {
      pc += 1 + k;
    } else if ((code & 0x07) === BPF_JMP && (code & 0x08) === BPF_K) {
      const op = code & 0xf0;
      let taken: boolean;
      if (op === BPF_JEQ) taken = acc === k >>> 0;
      else if (op === BPF_JGT) taken = acc > k >>> 0;
      else if (op === BPF_JGE) taken = acc >= k >>> 0;
      else if (op === BPF_JSET) taken = ((acc & k) >>> 0) !== 0;
      else throw new Error(`bpf: unsupported jump 0x${code.toString(16)} at ${pc}`);
      pc += 1 + (taken ? jt : jf);
    } else {
      throw new Error(`bpf: unsupported opcode 0x${code.toString(16)} at ${pc}`);
    }
  }
  throw new Error('bpf: fell off the end of the program');
}
