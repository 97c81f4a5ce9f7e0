/*
 * What every libc-free helper of OctantOS starts with (exec-guard.c, the
 * sandbox's last step; boot-init.c, the initramfs's /init): integer types,
 * the raw x86_64 system call, and the two memory functions gcc may emit
 * calls to even in a freestanding build. Compiled in by #include, so each
 * helper stays one static binary with no loader (freestanding.ts builds them).
 */

#if !defined(__x86_64__)
#error "only x86_64 is supported (the syscall ABI below, and the seccomp tables)"
#endif

typedef unsigned long u64;
typedef unsigned int u32;
typedef long i64;

/* ---- raw system calls: the x86_64 syscall ABI (rax, rdi, rsi, rdx, r10, r8) ---- */
static i64 sys5(i64 n, i64 a, i64 b, i64 c, i64 d, i64 e) {
  register i64 r10 __asm__("r10") = d;
  register i64 r8 __asm__("r8") = e;
  i64 ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8) : "rcx", "r11", "memory");
  return ret;
}
#define sys(n, a, b, c) sys5((n), (i64)(a), (i64)(b), (i64)(c), 0, 0)

/* gcc may emit calls to these even when freestanding. */
void *memset(void *dst, int c, unsigned long n) {
  unsigned char *d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}
void *memcpy(void *dst, const void *src, unsigned long n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

static unsigned long length(const char *s) {
  unsigned long n = 0;
  while (s[n]) n++;
  return n;
}
