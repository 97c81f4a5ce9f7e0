/*
 * exec-guard: the last step of every bubblewrap sandbox before the agent's
 * program runs (docs/isolation.md, "Exec control and Landlock").
 *
 * bwrap executes this program instead of the agent's command, with two
 * capabilities of the sandbox's user namespace (CAP_SYS_ADMIN, CAP_SETPCAP)
 * and nothing else. In one straight line it:
 *
 *   1. makes every writable mount noexec   (-n PATH; -N PATH with every
 *      mount below it) in a mount namespace of its own               exit 121
 *   2. drops every capability              (bounding, ambient, all) exit 122
 *   3. sets no_new_privs                                             exit 122
 *   4. builds and enforces a Landlock ruleset from the -x/-r/-w/-d
 *      rules, with the newest ABI the kernel has; no Landlock = no run exit 123/124
 *   5. installs the agent's seccomp filter read from -s FD          exit 125
 *   6. execve()s the command after `--`                             exit 127
 * A malformed command line exits 120. Every failure writes one line naming
 * the step and the errno to stderr: the sandbox never starts half-guarded.
 *
 * Why here and not in bwrap: bwrap 0.8 can neither mount noexec nor apply
 * Landlock. Why C without libc: it runs once per spawn, so it must start in
 * microseconds (a static binary with no loader, no relocations, no libc
 * init), and it must be small enough to read in one sitting. Why it installs
 * the seccomp filter itself: steps 1-4 need mount_setattr, capset, prctl and
 * the landlock_* calls, which the agent's filter must not allow; once the
 * filter is in place only execve is left to do.
 *
 * The agent's final argv is exactly the command: the rules travel in this
 * program's own argv, which nobody sees once execve replaced it.
 *
 * Build (scripts/build.ts and src/kernel/landlock/exec-guard-binary.ts):
 *   cc -static -nostdlib -ffreestanding -Os ... exec-guard.c
 * x86_64 only (the seccomp tables are x86_64 too).
 */

#include "../freestanding.h" /* types, sys5/sys, memset, memcpy, length */

/* ---- Linux UAPI numbers (asm/unistd_64.h and the headers named) ---- */
#define SYS_read 0
#define SYS_write 1
#define SYS_close 3
#define SYS_fstat 5
#define SYS_execve 59
#define SYS_exit 60
#define SYS_capset 126
#define SYS_prctl 157
#define SYS_exit_group 231
#define SYS_unshare 272
#define SYS_openat 257
#define SYS_seccomp 317
#define SYS_mount_setattr 442
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446

#define CLONE_NEWNS 0x00020000 /* <linux/sched.h> */
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_RECURSIVE 0x8000
#define O_PATH 010000000
#define O_CLOEXEC 02000000
#define S_IFMT 0170000
#define S_IFDIR 0040000
#define ENOENT 2
#define EINTR 4
#define EINVAL 22

#define MOUNT_ATTR_NOEXEC 0x00000008 /* <linux/mount.h> */

#define PR_CAPBSET_DROP 24 /* <linux/prctl.h> */
#define PR_SET_NO_NEW_PRIVS 38
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#define LINUX_CAPABILITY_VERSION_3 0x20080522 /* <linux/capability.h> */

#define SECCOMP_SET_MODE_FILTER 1 /* <linux/seccomp.h> */

/* <linux/landlock.h> */
#define LANDLOCK_CREATE_RULESET_VERSION 1
#define LANDLOCK_RULE_PATH_BENEATH 1
#define FS_EXECUTE (1UL << 0)
#define FS_WRITE_FILE (1UL << 1)
#define FS_READ_FILE (1UL << 2)
#define FS_READ_DIR (1UL << 3)
#define FS_REMOVE_DIR (1UL << 4)
#define FS_REMOVE_FILE (1UL << 5)
#define FS_MAKE_CHAR (1UL << 6)
#define FS_MAKE_DIR (1UL << 7)
#define FS_MAKE_REG (1UL << 8)
#define FS_MAKE_SOCK (1UL << 9)
#define FS_MAKE_FIFO (1UL << 10)
#define FS_MAKE_BLOCK (1UL << 11)
#define FS_MAKE_SYM (1UL << 12)
#define FS_REFER (1UL << 13)    /* ABI 2 */
#define FS_TRUNCATE (1UL << 14) /* ABI 3 */
#define FS_IOCTL_DEV (1UL << 15) /* ABI 5 */
#define SCOPE_ABSTRACT_UNIX_SOCKET (1UL << 0) /* ABI 6 */
#define SCOPE_SIGNAL (1UL << 1)               /* ABI 6 */

/* What a rule may grant on a non-directory (landlock.rst, "Filesystem flags"). */
#define FS_FILE_RIGHTS (FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV)
#define RIGHTS_READ (FS_READ_FILE | FS_READ_DIR)
/* Writable trees: create, remove, rename inside; never execute, never
 * device nodes (the mounts are nodev as well). */
#define RIGHTS_WRITE (RIGHTS_READ | FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_DIR | FS_MAKE_REG | \
                      FS_MAKE_SOCK | FS_MAKE_FIFO | FS_MAKE_SYM | FS_REFER | FS_TRUNCATE)
#define RIGHTS_DEV (RIGHTS_WRITE | FS_IOCTL_DEV)
#define RIGHTS_EXEC (FS_EXECUTE | FS_READ_FILE)

struct landlock_ruleset_attr {
  u64 handled_access_fs;
  u64 handled_access_net;
  u64 scoped;
};

struct landlock_path_beneath_attr {
  u64 allowed_access;
  int parent_fd;
} __attribute__((packed));

struct mount_attr {
  u64 attr_set, attr_clr, propagation, userns_fd;
};

struct cap_header {
  u32 version;
  int pid;
};
struct cap_data {
  u32 effective, permitted, inheritable;
};

struct sock_fprog {
  unsigned short len; /* number of 8-byte BPF instructions */
  const void *filter;
};


static int same(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

static void say(const char *s) {
  sys(SYS_write, 2, s, length(s));
}

/* One line on stderr: "octant exec-guard: STEP PATH: errno N", then exit. */
static void __attribute__((noreturn)) fail(int code, const char *step, const char *path, i64 err) {
  char digits[24];
  int i = sizeof digits;
  u64 e = (u64)(err < 0 ? -err : err);
  digits[--i] = 0;
  do digits[--i] = (char)('0' + e % 10); while ((e /= 10) && i > 0);
  say("octant exec-guard: ");
  say(step);
  if (path) {
    say(" ");
    say(path);
  }
  if (err) {
    say(": errno ");
    say(digits + i);
  }
  say("\n");
  sys(SYS_exit_group, code, 0, 0);
  /* Only reached when the agent's filter (already installed) refuses
   * exit_group: then exit, and failing that an invalid instruction. */
  sys(SYS_exit, code, 0, 0);
  __builtin_trap();
}

/* The parsed command line. */
#define MAX_RULES 512
static struct {
  char kind; /* 'x', 'r', 'w', 'd' */
  const char *path;
} rules[MAX_RULES];
static int rule_count;
static struct {
  const char *path;
  int flags; /* AT_RECURSIVE for -N */
} noexec[MAX_RULES];
static int noexec_count;

/* The seccomp program: at most BPF_MAXINSNS (4096) instructions of 8 bytes. */
static unsigned char filter[4096 * 8 + 1];

static u64 fs_rights_of_abi(i64 abi) {
  u64 handled = (FS_MAKE_SYM << 1) - 1; /* ABI 1: bits 0..12 */
  if (abi >= 2) handled |= FS_REFER;
  if (abi >= 3) handled |= FS_TRUNCATE;
  if (abi >= 5) handled |= FS_IOCTL_DEV;
  return handled;
}

static u64 rights_of(char kind) {
  switch (kind) {
    case 'x': return RIGHTS_EXEC;
    case 'r': return RIGHTS_READ;
    case 'w': return RIGHTS_WRITE;
    default: return RIGHTS_DEV;
  }
}

/* 4. Landlock: everything the ABI can restrict is restricted, except what the rules grant. */
static void enforce_landlock(void) {
  i64 abi = sys(SYS_landlock_create_ruleset, 0, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi < 1) fail(123, "landlock unavailable (kernel without Landlock, or disabled at boot)", 0, abi);
  struct landlock_ruleset_attr attr = { .handled_access_fs = fs_rights_of_abi(abi) };
  /* Signals and abstract Unix sockets stay inside the sandbox's domain. */
  if (abi >= 6) attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL;
  i64 ruleset = sys(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (ruleset < 0) fail(123, "landlock_create_ruleset", 0, ruleset);
  for (int i = 0; i < rule_count; i++) {
    i64 fd = sys5(SYS_openat, AT_FDCWD, (i64)rules[i].path, O_PATH | O_CLOEXEC, 0, 0);
    /* A grant that is not in the sandbox has nothing to allow. */
    if (fd == -ENOENT) continue;
    if (fd < 0) fail(124, "open rule path", rules[i].path, fd);
    u64 st[18]; /* struct stat on x86_64 is 144 bytes; st_mode is at byte 24 */
    i64 err = sys(SYS_fstat, fd, st, 0);
    if (err < 0) fail(124, "fstat rule path", rules[i].path, err);
    u64 allowed = rights_of(rules[i].kind) & attr.handled_access_fs;
    if ((((u32 *)st)[6] & S_IFMT) != S_IFDIR) allowed &= FS_FILE_RIGHTS;
    struct landlock_path_beneath_attr beneath = { .allowed_access = allowed, .parent_fd = (int)fd };
    err = sys5(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, (i64)&beneath, 0, 0);
    if (err < 0) fail(124, "landlock_add_rule", rules[i].path, err);
    sys(SYS_close, fd, 0, 0);
  }
  i64 err = sys(SYS_landlock_restrict_self, ruleset, 0, 0);
  if (err < 0) fail(123, "landlock_restrict_self", 0, err);
  sys(SYS_close, ruleset, 0, 0);
}

/* 5. Read the whole program from fd (the launcher writes it and closes the pipe), then install it. */
static void install_seccomp(int fd) {
  unsigned long size = 0;
  for (;;) {
    i64 got = sys(SYS_read, fd, filter + size, sizeof filter - size);
    if (got == -EINTR) continue;
    if (got < 0) fail(125, "read seccomp filter", 0, got);
    if (got == 0) break;
    size += (unsigned long)got;
    if (size == sizeof filter) fail(125, "seccomp filter longer than 4096 instructions", 0, 0);
  }
  sys(SYS_close, fd, 0, 0);
  if (size == 0 || size % 8 != 0) fail(125, "seccomp filter is not a whole number of BPF instructions", 0, 0);
  struct sock_fprog prog = { .len = (unsigned short)(size / 8), .filter = filter };
  i64 err = sys(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
  if (err < 0) fail(125, "seccomp(SECCOMP_SET_MODE_FILTER)", 0, err);
}

__attribute__((noreturn, used)) void guard_main(i64 *sp) {
  int argc = (int)sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = argv + argc + 1;

  /* Parse everything before acting, so a bad command line changes nothing. */
  int seccomp_fd = -1;
  int i = 1;
  for (; i < argc && !same(argv[i], "--"); i += 2) {
    const char *flag = argv[i];
    if (i + 1 >= argc || flag[0] != '-' || flag[1] == 0 || flag[2] != 0) fail(120, "usage: bad option", flag, 0);
    const char *value = argv[i + 1];
    if (flag[1] == 's') {
      if (value[0] < '0' || value[0] > '9' || value[1] != 0) fail(120, "usage: -s takes one digit", value, 0);
      seccomp_fd = value[0] - '0';
    } else if (flag[1] == 'n' || flag[1] == 'N') {
      if (noexec_count == MAX_RULES) fail(120, "usage: too many -n", 0, 0);
      noexec[noexec_count].flags = flag[1] == 'N' ? AT_RECURSIVE : 0;
      noexec[noexec_count++].path = value;
    } else if (flag[1] == 'x' || flag[1] == 'r' || flag[1] == 'w' || flag[1] == 'd') {
      if (rule_count == MAX_RULES) fail(120, "usage: too many rules", 0, 0);
      rules[rule_count].kind = flag[1];
      rules[rule_count++].path = value;
    } else {
      fail(120, "usage: unknown option", flag, 0);
    }
  }
  if (i + 1 >= argc) fail(120, "usage: exec-guard [-s FD] [-n|-N|-x|-r|-w|-d PATH]... -- COMMAND [ARG]...", 0, 0);
  char **command = argv + i + 1;

  /* 1. Writable mounts become noexec: a file the agent writes can neither be
   *    execve'd nor mmap'd PROT_EXEC (the kernel's path_noexec check). -N
   *    covers the mounts below too (/dev; rw binds, which bring the host's
   *    mounts below them); -n only the mount itself (/tmp), so a read-only
   *    grant bound below it (say, a granted program) keeps executing. bwrap's --disable-userns leaves this process in a
   *    user namespace nested below the one owning bwrap's mount namespace, so
   *    its CAP_SYS_ADMIN cannot touch those mounts: it first copies them into
   *    a mount namespace of its own (owned by its user namespace). Copied
   *    mounts are locked: flags can be added, never cleared, and no mount can
   *    be removed to uncover what lies below it. */
  i64 err = sys(SYS_unshare, CLONE_NEWNS, 0, 0);
  if (err < 0) fail(121, "unshare(CLONE_NEWNS)", 0, err);
  for (int n = 0; n < noexec_count; n++) {
    struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOEXEC };
    err = sys5(SYS_mount_setattr, AT_FDCWD, (i64)noexec[n].path, noexec[n].flags | AT_SYMLINK_NOFOLLOW, (i64)&attr, sizeof attr);
    if (err < 0) fail(121, "mount_setattr(MOUNT_ATTR_NOEXEC)", noexec[n].path, err);
  }

  /* 2. No capability survives: the bounding set first (needs CAP_SETPCAP),
   *    then the ambient set, then permitted/effective/inheritable. With an
   *    empty bounding set and no_new_privs, no later execve can gain one,
   *    even as uid 0 of the namespace. */
  for (int cap = 0; cap < 64; cap++) {
    i64 err = sys(SYS_prctl, PR_CAPBSET_DROP, cap, 0);
    if (err == -EINVAL) break; /* past the kernel's last capability */
    if (err < 0) fail(122, "prctl(PR_CAPBSET_DROP)", 0, err);
  }
  err = sys5(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  if (err < 0) fail(122, "prctl(PR_CAP_AMBIENT_CLEAR_ALL)", 0, err);
  struct cap_header header = { .version = LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct cap_data none[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
  err = sys(SYS_capset, &header, none, 0);
  if (err < 0) fail(122, "capset", 0, err);

  /* 3. Required by landlock_restrict_self and seccomp without privilege,
   *    and inherited by everything the agent starts. */
  err = sys5(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (err < 0) fail(122, "prctl(PR_SET_NO_NEW_PRIVS)", 0, err);

  enforce_landlock();
  if (seccomp_fd >= 0) install_seccomp(seccomp_fd);

  /* 6. Landlock now checks EXECUTE on the command (and on its ELF interpreter). */
  err = sys(SYS_execve, command[0], command, envp);
  fail(127, "execve", command[0], err);
}

/* The entry point: the kernel leaves argc, argv, envp on the stack. */
__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "  xor %rbp, %rbp\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call guard_main\n"
        "  hlt\n");
