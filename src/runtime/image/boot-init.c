/*
 * boot-init: the initramfs's /init (docs/image.md, "Boot chain").
 *
 * Its only job is to open the verified root and hand over to `/octant init`.
 * In one straight line it:
 *
 *   1. mounts /proc, /sys and /dev (devtmpfs) for itself
 *   2. loads the kernel modules listed in /etc/modules, in order
 *      (virtio, dm-verity, squashfs, ext4: the image build resolved their
 *      dependencies), with finit_module(2)
 *   3. waits for the root and data disks named on the kernel command line;
 *      on an A/B machine (octant.slots=) reads the slot table, picks the
 *      slot to boot and takes one try from it (choose_slot, below)
 *   4. creates the dm-verity device "octant-root" over the root disk with
 *      the root hash from the command line (Documentation/admin-guide/
 *      device-mapper/verity.rst, the table format), read-only
 *   5. reads the whole verified device once: a single changed byte anywhere
 *      in the root image fails that read (EIO) and the boot is refused,
 *      instead of failing later when the damaged block happens to be read
 *   6. mounts it (squashfs, read-only) on /newroot, the data disk (ext4) on
 *      /newroot/data, creates the state directories there on first boot (and
 *      the system-layout marker, /etc/octant/system) and binds them on /etc/octant, /var/lib/octant, /var/log/octant and
 *      /opt/octant; a tmpfs on /tmp
 *   7. moves /dev, /proc and /sys into the new root, makes it `/`
 *      (switch_root: MS_MOVE + chroot) and execve()s `/octant init`.
 * Any failure prints one line naming the step and the errno, records them
 * in the slot table (A/B: octant init puts them in the ledger at the next
 * good boot) and restarts the machine: a machine whose root does not verify
 * never runs it, and once the slot's tries are spent the other slot boots.
 *
 * Kernel command line:
 *   octant.root=/dev/vda          the root slot: squashfs, then its hash tree
 *   octant.verity=BLOCKS,HASHSTART,ROOTHASH,SALT
 *                                 data blocks (4096 bytes), first hash block,
 *                                 sha256 root hash and salt (hex)
 *   octant.data=/dev/vdb          the writable data disk (ext4)
 * or, on an A/B machine, instead of octant.root= and octant.verity=:
 *   octant.slots=/dev/vda         the system disk: slot table at byte 4096,
 *                                 slot a = /dev/vda1, slot b = /dev/vda2
 *                                 (runtime/image/slots.ts has the layout)
 *
 * C without libc for the same reasons as exec-guard.c: static, tiny, no
 * loader. Build: cc -static -nostdlib -ffreestanding -Os ... (boot-init-binary.ts).
 */

#include "../../kernel/freestanding.h" /* types, sys5/sys, memset, memcpy, length */

/* ---- Linux UAPI numbers (asm/unistd_64.h and the headers named) ---- */
#define SYS_read 0
#define SYS_write 1
#define SYS_close 3
#define SYS_pread64 17
#define SYS_pwrite64 18
#define SYS_ioctl 16
#define SYS_nanosleep 35
#define SYS_execve 59
#define SYS_fsync 74
#define SYS_chdir 80
#define SYS_mkdir 83
#define SYS_chroot 161
#define SYS_sync 162
#define SYS_mount 165
#define SYS_reboot 169
#define SYS_openat 257
#define SYS_mknodat 259
#define SYS_newfstatat 262
#define SYS_finit_module 313

#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_RDWR 2
#define O_WRONLY 1
#define O_CREAT 0100
#define O_CLOEXEC 02000000
#define EEXIST 17
#define S_IFBLK 0060000

#define MS_RDONLY 1 /* <linux/mount.h> */
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_BIND 4096
#define MS_MOVE 8192

#define LINUX_REBOOT_MAGIC1 0xfee1dead /* <linux/reboot.h> */
#define LINUX_REBOOT_MAGIC2 672274793
#define LINUX_REBOOT_CMD_RESTART 0x01234567

/* <linux/dm-ioctl.h>, interface version 4 */
struct dm_ioctl {
  u32 version[3];
  u32 data_size;
  u32 data_start;
  u32 target_count;
  int open_count;
  u32 flags;
  u32 event_nr;
  u32 padding;
  u64 dev;
  char name[128];
  char uuid[129];
  char data[7];
};
struct dm_target_spec {
  u64 sector_start;
  u64 length;
  int status;
  u32 next;
  char target_type[16];
};
#define DM_READONLY_FLAG (1 << 0)
#define DM_IOCTL_NR(cmd) ((3UL << 30) | ((u64)sizeof(struct dm_ioctl) << 16) | (0xfdUL << 8) | (cmd))
#define DM_DEV_CREATE DM_IOCTL_NR(3)
#define DM_DEV_SUSPEND DM_IOCTL_NR(6)
#define DM_TABLE_LOAD DM_IOCTL_NR(9)


static void put(const char *s) { sys(SYS_write, 1, s, length(s)); }

/* ---- A/B slots: the slot table (runtime/image/slots.ts has the same layout) ---- */
#define TABLE_AT 4096 /* byte offset on the system disk, in the gap before slot a */
#define NONE 0xffffffffu
#define EMPTY 0
#define GOOD 1
#define TRYING 2
#define BAD 3
struct slot {
  u64 data_blocks, hash_start;
  char root_hash[64], salt[64]; /* hex, not NUL-terminated */
  u32 state, tries;
  u64 sequence, installed_at;
  char reserved[24];
};
struct table {
  char magic[8];
  u32 booted, failed_slot;
  int failed_errno;
  u32 reserved;
  char failed_step[104];
  struct slot slot[2];
};
_Static_assert(sizeof(struct table) == 512, "the slot table is one sector");
static struct table table;
static i64 table_fd = -1;
static int booting = -1; /* the slot this boot is trying, once the table says so */

/* One sector, then fsync: the table is replaced whole or not at all. */
static int write_table(void) {
  if (sys5(SYS_pwrite64, table_fd, (i64)&table, sizeof table, TABLE_AT, 0) != sizeof table) return -1;
  return (int)sys(SYS_fsync, table_fd, 0, 0);
}

/* The failure record `octant init` puts in the ledger at the next good boot. */
static void note_failure(int slot, const char *step, const char *what, i64 err) {
  table.failed_slot = (u32)slot;
  table.failed_errno = (int)-err;
  char *out = table.failed_step;
  char *end = out + sizeof table.failed_step - 1;
  memset(out, 0, sizeof table.failed_step);
  for (const char *s = step; *s && out < end; s++) *out++ = *s;
  if (what && out < end) *out++ = ' ';
  for (const char *s = what ? what : ""; *s && out < end; s++) *out++ = *s;
}

static void put_number(i64 v) {
  char digits[24];
  int i = 23;
  int negative = v < 0;
  u64 u = negative ? (u64)-v : (u64)v;
  digits[i] = 0;
  do digits[--i] = (char)('0' + u % 10), u /= 10; while (u && i > 1);
  if (negative) digits[--i] = '-';
  put(digits + i);
}

static void say(const char *a, const char *b) {
  put("octant-boot: ");
  put(a);
  if (b) put(" "), put(b);
  put("\n");
}

/* The one way out on failure: name the step, then restart the machine. */
__attribute__((noreturn)) static void refuse(const char *step, const char *what, i64 err) {
  put("octant-boot: refusing to boot: ");
  put(step);
  if (what) put(" "), put(what);
  if (err) put(": errno "), put_number(-err);
  put("\n");
  if (booting >= 0) {
    /* Recorded on the system disk: the ledger is on a data disk this boot never reached. */
    note_failure(booting, step, what, err);
    if (write_table() != 0) put("octant-boot: cannot record the failure in the slot table\n");
  }
  sys(SYS_sync, 0, 0, 0);
  sys5(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_RESTART, 0, 0);
  for (;;) sys(SYS_nanosleep, 0, 0, 0);
}

static void must_mount(const char *src, const char *dst, const char *type, u64 flags, const char *data) {
  i64 err = sys5(SYS_mount, (i64)src, (i64)dst, (i64)type, (i64)flags, (i64)data);
  if (err < 0) refuse("mount", dst, err);
}

static void make_dir(const char *path, u32 mode) {
  i64 err = sys(SYS_mkdir, path, mode, 0);
  if (err < 0 && err != -EEXIST) refuse("mkdir", path, err);
}

static void sleep_ms(i64 ms) {
  i64 ts[2] = {ms / 1000, (ms % 1000) * 1000000};
  sys(SYS_nanosleep, ts, 0, 0);
}

/* ---- the kernel command line ---- */
static char cmdline[4096];

/* The value of `key=` on the command line, NUL-terminated in place, or 0. */
static char *param(const char *key) {
  unsigned long k = length(key);
  char *p = cmdline;
  while (*p) {
    while (*p == ' ') p++;
    char *word = p;
    while (*p && *p != ' ' && *p != '\n') p++;
    unsigned long i = 0;
    while (i < k && word + i < p && word[i] == key[i]) i++;
    if (i == k && word[k] == '=') {
      static char values[4][256];
      static int used;
      char *out = values[used++ & 3];
      unsigned long n = (unsigned long)(p - word) - k - 1;
      if (n > 255) refuse("command line", key, 0);
      memcpy(out, word + k + 1, n);
      out[n] = 0;
      return out;
    }
    if (*p) p++;
  }
  return 0;
}

/* A small text file into `buf`, NUL-terminated (one read: /proc files and
 * the initramfs's own files are read whole). */
static void read_text(const char *path, char *buf, unsigned long size) {
  i64 fd = sys(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) refuse("open", path, fd);
  i64 n = sys(SYS_read, fd, buf, size - 1);
  if (n < 0) refuse("read", path, n);
  buf[n] = 0;
  sys(SYS_close, fd, 0, 0);
}

/* ---- step 2: modules ---- */
static char modules[8192];

static void load_modules(void) {
  read_text("/etc/modules", modules, sizeof modules);
  char *p = modules;
  while (*p) {
    char *name = p;
    while (*p && *p != '\n') p++;
    if (*p) *p++ = 0;
    if (!*name) continue;
    i64 mod = sys(SYS_openat, AT_FDCWD, name, O_RDONLY | O_CLOEXEC);
    if (mod < 0) refuse("open module", name, mod);
    i64 err = sys(SYS_finit_module, mod, "", 0);
    /* EEXIST: built in, or already loaded as another's dependency. */
    if (err < 0 && err != -EEXIST) refuse("load module", name, err);
    sys(SYS_close, mod, 0, 0);
  }
}

/* ---- step 3: disks ---- */
static void wait_for(const char *path) {
  char st[256];
  for (int i = 0; i < 600; i++) {
    if (sys5(SYS_newfstatat, AT_FDCWD, (i64)path, (i64)st, 0, 0) == 0) return;
    sleep_ms(50);
  }
  refuse("wait for disk", path, 0);
}

/* ---- step 4: dm-verity ---- */
static u64 dm_buffer[2048]; /* 16 KiB, 8-byte aligned as the kernel expects */

static struct dm_ioctl *dm_request(u32 targets, u32 flags) {
  struct dm_ioctl *io = (struct dm_ioctl *)dm_buffer;
  memset(dm_buffer, 0, sizeof dm_buffer);
  io->version[0] = 4;
  io->data_size = sizeof dm_buffer;
  io->data_start = sizeof(struct dm_ioctl);
  io->target_count = targets;
  io->flags = flags;
  memcpy(io->name, "octant-root", 12);
  return io;
}

static int only(const char *s, const char *allowed) {
  if (!*s) return 0;
  for (; *s; s++) {
    const char *a = allowed;
    while (*a && *a != *s) a++;
    if (!*a) return 0;
  }
  return 1;
}

static char *append(char *out, const char *s) {
  unsigned long n = length(s);
  memcpy(out, s, n);
  return out + n;
}

/* Splits "a,b,c,d" in place into four fields; each must use `allowed` chars. */
static void fields4(char *text, char **f, const char *digits, const char *hex) {
  for (int i = 0; i < 4; i++) {
    f[i] = text;
    while (*text && *text != ',') text++;
    if (i < 3) {
      if (*text != ',') refuse("command line", "octant.verity= needs BLOCKS,HASHSTART,ROOTHASH,SALT", 0);
      *text++ = 0;
    }
  }
  if (!only(f[0], digits) || !only(f[1], digits) || !only(f[2], hex) || !only(f[3], hex)) {
    refuse("command line", "octant.verity= has a malformed field", 0);
  }
}

static u64 decimal(const char *s) {
  u64 v = 0;
  while (*s) v = v * 10 + (u64)(*s++ - '0');
  return v;
}

/* Creates the verity device /dev/mapper/octant-root and returns its dev_t. */
static u64 open_verity(const char *root, char *verity) {
  char *f[4];
  fields4(verity, f, "0123456789", "0123456789abcdef");
  u64 blocks = decimal(f[0]);
  i64 control = sys(SYS_openat, AT_FDCWD, "/dev/mapper/control", O_RDWR | O_CLOEXEC);
  if (control < 0) refuse("open", "/dev/mapper/control", control);

  i64 err = sys(SYS_ioctl, control, DM_DEV_CREATE, dm_request(0, DM_READONLY_FLAG));
  if (err < 0) refuse("dm create", "octant-root", err);

  /* verity.rst: <version> <data_dev> <hash_dev> <data_block_size> <hash_block_size>
   *             <num_data_blocks> <hash_start_block> <algorithm> <digest> <salt> */
  struct dm_ioctl *io = dm_request(1, DM_READONLY_FLAG);
  struct dm_target_spec *spec = (struct dm_target_spec *)((char *)io + io->data_start);
  spec->sector_start = 0;
  spec->length = blocks * 8; /* 512-byte sectors */
  memcpy(spec->target_type, "verity", 7);
  char *t = (char *)(spec + 1);
  t = append(t, "1 "), t = append(t, root), t = append(t, " "), t = append(t, root);
  t = append(t, " 4096 4096 "), t = append(t, f[0]), t = append(t, " "), t = append(t, f[1]);
  t = append(t, " sha256 "), t = append(t, f[2]), t = append(t, " "), t = append(t, f[3]);
  *t = 0;
  err = sys(SYS_ioctl, control, DM_TABLE_LOAD, io);
  if (err < 0) refuse("dm table load", "verity", err);

  io = dm_request(0, 0); /* DM_DEV_SUSPEND without DM_SUSPEND_FLAG resumes */
  err = sys(SYS_ioctl, control, DM_DEV_SUSPEND, io);
  if (err < 0) refuse("dm resume", "octant-root", err);
  sys(SYS_close, control, 0, 0);
  /* devtmpfs names it dm-N; /dev/mapper/<name> is udev's job, and there is
   * no udev: make the node from the number DM_DEV_SUSPEND returned (the
   * kernel's new_encode_dev form, which mknod(2) takes). */
  err = sys5(SYS_mknodat, AT_FDCWD, (i64)"/dev/mapper/octant-root", S_IFBLK | 0600, (i64)(u32)io->dev, 0);
  if (err < 0) refuse("mknod", "/dev/mapper/octant-root", err);
  return io->dev;
}

/* ---- step 5: read every block once ---- */
static char chunk[1 << 20];

static void verify_all(const char *device) {
  i64 fd = sys(SYS_openat, AT_FDCWD, device, O_RDONLY | O_CLOEXEC);
  if (fd < 0) refuse("open", device, fd);
  for (;;) {
    i64 n = sys(SYS_read, fd, chunk, sizeof chunk);
    if (n == 0) break;
    if (n < 0) refuse("verify root image: a block does not match its hash", device, n);
  }
  sys(SYS_close, fd, 0, 0);
}

/* ---- A/B: pick the slot to boot (boot counting as systemd-boot's automatic
 * boot assessment, https://systemd.io/AUTOMATIC_BOOT_ASSESSMENT/) ---- */
static char slot_root[64];
static char slot_verity[200];

static char *append_decimal(char *out, u64 v) {
  char digits[24];
  int i = 0;
  do digits[i++] = (char)('0' + v % 10), v /= 10; while (v);
  while (i) *out++ = digits[--i];
  return out;
}

static char *append_hex64(char *out, const char *hex) {
  for (int i = 0; i < 64; i++) {
    char c = hex[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) refuse("slot table", "a root hash or salt is not 64 hex digits", 0);
    *out++ = c;
  }
  return out;
}

static void choose_slot(const char *disk) {
  table_fd = sys(SYS_openat, AT_FDCWD, disk, O_RDWR | O_CLOEXEC);
  if (table_fd < 0) refuse("open", disk, table_fd);
  i64 n = sys5(SYS_pread64, table_fd, (i64)&table, sizeof table, TABLE_AT, 0);
  if (n != sizeof table) refuse("read slot table", disk, n < 0 ? n : 0);
  const char *magic = "OCTSLOT1";
  for (int i = 0; i < 8; i++) if (table.magic[i] != magic[i]) refuse("slot table", "no OCTSLOT1 magic at byte 4096", 0);
  /* A slot still trying with no tries left used them all without reaching
   * "system ready" (octant init would have marked it good): it is bad now. */
  for (int s = 0; s < 2; s++) {
    if (table.slot[s].state != TRYING || table.slot[s].tries != 0) continue;
    table.slot[s].state = BAD;
    if (table.failed_slot == NONE) note_failure(s, "did not reach system ready", 0, 0);
  }
  /* The newest slot with tries left, else the newest good one. */
  int pick = -1;
  for (int s = 0; s < 2; s++)
    if (table.slot[s].state == TRYING && (pick < 0 || table.slot[s].sequence > table.slot[pick].sequence)) pick = s;
  if (pick < 0)
    for (int s = 0; s < 2; s++)
      if (table.slot[s].state == GOOD && (pick < 0 || table.slot[s].sequence > table.slot[pick].sequence)) pick = s;
  if (pick < 0) {
    write_table();
    refuse("choose slot", "no slot is good or has tries left", 0);
  }
  struct slot *slot = &table.slot[pick];
  char *v = append_decimal(slot_verity, slot->data_blocks);
  *v++ = ',', v = append_decimal(v, slot->hash_start), *v++ = ',';
  v = append_hex64(v, slot->root_hash), *v++ = ',', v = append_hex64(v, slot->salt), *v = 0;
  if (slot->state == TRYING) slot->tries--; /* taken before the boot: a boot that dies counts */
  table.booted = (u32)pick;
  if (write_table() != 0) refuse("write slot table", disk, 0);
  booting = pick;
  char *r = append(slot_root, disk);
  *r++ = (char)('1' + pick), *r = 0; /* /dev/vda -> /dev/vda1 (slot a), /dev/vda2 (slot b) */
  say(pick ? "booting slot b" : "booting slot a", slot->state == TRYING ? "(trying)" : "(good)");
}

/* ---- the straight line ---- */
void boot_main(void) {
  make_dir("/proc", 0555), make_dir("/sys", 0555), make_dir("/dev", 0755);
  must_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0);
  must_mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0);
  must_mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
  read_text("/proc/cmdline", cmdline, sizeof cmdline);
  /* Either one root (octant.root= + octant.verity=) or a system disk with
   * two slots and their table (octant.slots=). */
  char *slots = param("octant.slots");
  char *root = slots ? slot_root : param("octant.root");
  char *verity = slots ? slot_verity : param("octant.verity");
  char *data = param("octant.data");
  if ((!slots && (!root || !verity)) || !data) refuse("command line", "needs octant.slots= (or octant.root= and octant.verity=) and octant.data=", 0);
  const char *device = "/abcdefghijklmnopqrstuvwxyz0123456789";
  if ((slots ? !only(slots, device) || length(slots) > 48 : !only(root, device)) || !only(data, device)) {
    refuse("command line", "octant.slots=, octant.root= and octant.data= must be plain device paths", 0);
  }

  load_modules();
  if (slots) {
    wait_for(slots);
    choose_slot(slots);
  }
  wait_for(root);
  wait_for(data);
  say("verity root hash", verity + 0);
  open_verity(root, verity);
  verify_all("/dev/mapper/octant-root");
  say("root verified", root);

  make_dir("/newroot", 0755);
  must_mount("/dev/mapper/octant-root", "/newroot", "squashfs", MS_RDONLY | MS_NODEV, 0);
  must_mount(data, "/newroot/data", "ext4", MS_NOSUID | MS_NODEV, 0);
  /* First boot: the state directories do not exist yet. */
  make_dir("/newroot/data/etc", 0700), make_dir("/newroot/data/lib", 0700);
  make_dir("/newroot/data/log", 0700), make_dir("/newroot/data/opt", 0755);
  make_dir("/newroot/data/sandboxes", 0755); /* agents' scratch: every agent uid traverses it */
  /* The marker of a system-wide install (runtime/paths.ts SYSTEM_MARKER):
   * every octant command on this machine uses /etc/octant, /var/lib/octant... */
  i64 marker = sys5(SYS_openat, AT_FDCWD, (i64)"/newroot/data/etc/system", O_WRONLY | O_CREAT | O_CLOEXEC, 0644, 0);
  if (marker < 0) refuse("create", "/etc/octant/system", marker);
  sys(SYS_close, marker, 0, 0);
  must_mount("/newroot/data/etc", "/newroot/etc/octant", 0, MS_BIND, 0);
  must_mount("/newroot/data/lib", "/newroot/var/lib/octant", 0, MS_BIND, 0);
  must_mount("/newroot/data/log", "/newroot/var/log/octant", 0, MS_BIND, 0);
  must_mount("/newroot/data/opt", "/newroot/opt/octant", 0, MS_BIND, 0);
  must_mount("/newroot/data/sandboxes", "/newroot/var/lib/octant-sandboxes", 0, MS_BIND, 0);
  must_mount("tmpfs", "/newroot/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
  must_mount("/dev", "/newroot/dev", 0, MS_MOVE, 0);
  must_mount("/proc", "/newroot/proc", 0, MS_MOVE, 0);
  must_mount("/sys", "/newroot/sys", 0, MS_MOVE, 0);

  /* switch_root: the new root becomes `/` for us and everything we start. */
  i64 err = sys(SYS_chdir, "/newroot", 0, 0);
  if (err < 0) refuse("chdir", "/newroot", err);
  must_mount(".", "/", 0, MS_MOVE, 0);
  err = sys(SYS_chroot, ".", 0, 0);
  if (err < 0) refuse("chroot", "/newroot", err);
  sys(SYS_chdir, "/", 0, 0);

  say("handing over to", "/octant init");
  char *argv[] = {"octant", "init", 0};
  char *envp[] = {"PATH=/usr/bin:/bin", "HOME=/", "TERM=linux", 0};
  err = sys(SYS_execve, "/octant", argv, envp);
  refuse("execve", "/octant", err);
}

/* The entry point: the kernel leaves argc, argv, envp on the stack. */
__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "  xor %rbp, %rbp\n"
        "  and $-16, %rsp\n"
        "  call boot_main\n"
        "  hlt\n");
