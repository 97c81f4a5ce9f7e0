// Classic BPF as seccomp uses it: opcodes, seccomp return actions, the
// seccomp_data layout, and the `struct sock_filter` encoding bwrap reads.
// Sources: linux/filter.h, linux/bpf_common.h, linux/seccomp.h,
// linux/audit.h (AUDIT_ARCH_X86_64), Documentation/userspace-api/seccomp_filter.rst.

/** One classic BPF instruction (`struct sock_filter`). */
export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

// Opcode pieces (bpf_common.h).
export const BPF_LD = 0x00;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_W = 0x00;
export const BPF_ABS = 0x20;
export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;
export const BPF_K = 0x00;

/** The kernel refuses longer programs (BPF_MAXINSNS). */
export const BPF_MAXINSNS = 4096;

// seccomp return actions (seccomp.h). The low 16 bits carry data (errno).
export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
export const SECCOMP_RET_ACTION_FULL = 0xffff0000;
export const SECCOMP_RET_DATA = 0x0000ffff;

/** AUDIT_ARCH_X86_64 = EM_X86_64 (62) | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE. */
export const AUDIT_ARCH_X86_64 = 0xc000003e;
/** AUDIT_ARCH_I386, used by tests as the "wrong architecture". */
export const AUDIT_ARCH_I386 = 0x40000003;

// struct seccomp_data { int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]; }
export const SECCOMP_DATA_NR = 0;
export const SECCOMP_DATA_ARCH = 4;
export const SECCOMP_DATA_IP = 8;
/** Offset of the low 32 bits of args[i] (little-endian). */
export function argLow(index: number): number {
  return 16 + 8 * index;
}
export const SECCOMP_DATA_SIZE = 64;

export const EPERM = 1;
export const ENOSYS = 38;

export function errnoAction(errno: number): number {
  return (SECCOMP_RET_ERRNO | (errno & SECCOMP_RET_DATA)) >>> 0;
}

/** Load the 32-bit word at `offset` of seccomp_data into the accumulator. */
export function load(offset: number): BpfInstruction {
  return { code: BPF_LD | BPF_W | BPF_ABS, jt: 0, jf: 0, k: offset };
}

export function ret(action: number): BpfInstruction {
  return { code: BPF_RET | BPF_K, jt: 0, jf: 0, k: action >>> 0 };
}

/** Conditional jump on the accumulator against constant `k`. */
export function jump(op: number, k: number, jt: number, jf: number): BpfInstruction {
  return { code: BPF_JMP | op | BPF_K, jt, jf, k: k >>> 0 };
}

/** Unconditional jump: its offset is 32 bits, so it reaches anywhere. */
export function jumpAlways(offset: number): BpfInstruction {
  return { code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: offset >>> 0 };
}

/** Raw `struct sock_filter` array: u16 code, u8 jt, u8 jf, u32 k, little-endian. */
export function encodeProgram(program: readonly BpfInstruction[]): Buffer {
  const out = Buffer.alloc(program.length * 8);
  program.forEach((insn, i) => {
    out.writeUInt16LE(insn.code, i * 8);
    out.writeUInt8(insn.jt, i * 8 + 2);
    out.writeUInt8(insn.jf, i * 8 + 3);
    out.writeUInt32LE(insn.k >>> 0, i * 8 + 4);
  });
  return out;
}

export function decodeProgram(bytes: Buffer): BpfInstruction[] {
  const program: BpfInstruction[] = [];
  for (let at = 0; at + 8 <= bytes.length; at += 8) {
    program.push({ code: bytes.readUInt16LE(at), jt: bytes.readUInt8(at + 2), jf: bytes.readUInt8(at + 3), k: bytes.readUInt32LE(at + 4) });
  }
  return program;
}
