/* cgroup v2 has no devices.allow: device access is decided by an eBPF
 * program of type BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup.  We
 * assemble it by hand (a few instructions per rule; no libbpf, no
 * compiler), load it without raising RLIMIT_MEMLOCK (kernels >= 5.11
 * account BPF memory to the cgroup), and attach it with BPF_F_ALLOW_MULTI.
 *
 * The context is struct bpf_cgroup_dev_ctx: access_type = (access << 16) |
 * type, major, minor.  Rules are checked last first: the first match in
 * that order is the last in the config, as v1's devices.allow/deny
 * sequence means.  No match: denied. */
#include "runtime/cgroup-internal.h"
#include "shared/cleanup.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(dst, src, off) INSN (BPF_LDX | BPF_W | BPF_MEM, dst, src, off, 0)
#define ALU32_IMM(op, dst, imm) INSN (BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV64_REG(dst, src) INSN (BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV64_IMM(dst, imm) INSN (BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, off) INSN (BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define JNE_REG(dst, src, off) INSN (BPF_JMP | BPF_JNE | BPF_X, dst, src, off, 0)
#define EXIT() INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* registers after the prologue */
enum
{
  R_TYPE = 2,
  R_ACCESS = 3,
  R_MAJOR = 4,
  R_MINOR = 5,
};

struct prog
{
  struct bpf_insn *v;
  size_t n, cap;
};

static int
emit (struct prog *p, struct bpf_insn insn)
{
  if (p->n == p->cap)
    {
      size_t cap = p->cap ? p->cap * 2 : 64;
      struct bpf_insn *v = realloc (p->v, cap * sizeof *v);
      if (v == NULL)
        return -1;
      p->v = v;
      p->cap = cap;
    }
  p->v[p->n++] = insn;
  return 0;
}

static int
access_bits (const char *access)
{
  int bits = 0;
  for (const char *a = access ? access : "rwm"; *a; a++)
    bits |= *a == 'r' ? BPF_DEVCG_ACC_READ : *a == 'w' ? BPF_DEVCG_ACC_WRITE : *a == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
  return bits;
}

/* A rule that matches every access to every device. */
static bool
matches_all (const struct bento_device_rule *d)
{
  int all = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
  return d->type == 'a' && access_bits (d->access) == all && d->major < 0 && d->minor < 0;
}

/* One rule: a block of checks that jump past it on a mismatch, then
 * `return allow`.  The jumps are patched once the block's length is known. */
static int
emit_rule (struct prog *p, const struct bento_device_rule *d)
{
  size_t start = p->n;
  int all = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
  int acc = access_bits (d->access);
  int r = 0;
  if (d->type != 'a')
    r |= emit (p, JNE_IMM (R_TYPE, d->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0));
  if (acc != all)
    {
      /* the access asked for must be within the rule's */
      r |= emit (p, MOV64_REG (1, R_ACCESS));
      r |= emit (p, ALU32_IMM (BPF_AND, 1, acc));
      r |= emit (p, JNE_REG (1, R_ACCESS, 0));
    }
  if (d->major >= 0)
    r |= emit (p, JNE_IMM (R_MAJOR, (int32_t) d->major, 0));
  if (d->minor >= 0)
    r |= emit (p, JNE_IMM (R_MINOR, (int32_t) d->minor, 0));
  r |= emit (p, MOV64_IMM (0, d->allow ? 1 : 0));
  r |= emit (p, EXIT ());
  if (r < 0)
    return -1;
  for (size_t i = start; i < p->n; i++)
    if (BPF_CLASS (p->v[i].code) == BPF_JMP && BPF_OP (p->v[i].code) == BPF_JNE)
      p->v[i].off = (int16_t) (p->n - i - 1);
  return 0;
}

static int
build (const struct bento_device_rule *rules, size_t n, struct prog *p)
{
  int r = 0;
  r |= emit (p, LDX_W (R_TYPE, 1, 0));
  r |= emit (p, ALU32_IMM (BPF_AND, R_TYPE, 0xffff));
  r |= emit (p, LDX_W (R_ACCESS, 1, 0));
  r |= emit (p, ALU32_IMM (BPF_RSH, R_ACCESS, 16));
  r |= emit (p, LDX_W (R_MAJOR, 1, 4));
  r |= emit (p, LDX_W (R_MINOR, 1, 8));
  /* Last rule first.  A rule that matches everything ends the program:
   * what comes after it could never run (and the verifier refuses
   * unreachable code). */
  for (size_t i = n; r == 0 && i-- > 0;)
    {
      r |= emit_rule (p, &rules[i]);
      if (matches_all (&rules[i]))
        return r;
    }
  r |= emit (p, MOV64_IMM (0, 0));
  r |= emit (p, EXIT ());
  return r;
}

int
cg_bpf_devices (int dirfd, const struct bento_device_rule *rules, size_t n, bento_err *err)
{
  struct prog p = { 0 };
  if (build (rules, n, &p) < 0)
    {
      free (p.v);
      return bento_err_make (err, ENOMEM, "device program");
    }
  static char log[65536];
  union bpf_attr load;
  memset (&load, 0, sizeof load);
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = (uint64_t) (uintptr_t) p.v;
  load.insn_cnt = (uint32_t) p.n;
  load.license = (uint64_t) (uintptr_t) "GPL";
  _cleanup_close_ int prog = (int) syscall (SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
  int saved = errno;
  if (prog < 0 && saved == EINVAL)
    {
      /* again with the verifier's log, for the message */
      log[0] = '\0';
      load.log_buf = (uint64_t) (uintptr_t) log;
      load.log_size = sizeof log;
      load.log_level = 1;
      prog = (int) syscall (SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
      log[strcspn (log, "\n")] = '\0';
    }
  free (p.v);
  if (prog < 0)
    return bento_err_make (err, saved, "load the device eBPF program%s%s", log[0] ? ": " : "", log);
  union bpf_attr attach;
  memset (&attach, 0, sizeof attach);
  attach.target_fd = (uint32_t) dirfd;
  attach.attach_bpf_fd = (uint32_t) prog;
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (syscall (SYS_bpf, BPF_PROG_ATTACH, &attach, sizeof attach) < 0)
    return bento_err_make (err, errno, "attach the device eBPF program");
  return 0;
}
