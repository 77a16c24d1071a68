#!/usr/bin/env python3
"""Runs a command where io_uring is refused, as a container runtime's seccomp profile or the sysctl
kernel.io_uring_disabled=2 refuse it: a seccomp filter makes io_uring_setup(2) fail with EPERM (every other system call
is allowed), then the command replaces this process, so its pid is the command's. x86-64 Linux only.

    without_io_uring.py COMMAND [ARG...]
"""
import ctypes
import os
import platform
import struct
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
AUDIT_ARCH_X86_64 = 0xC000003E
NR_IO_URING_SETUP = 425
EPERM = 1
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
BPF_LD_W_ABS = 0x20   # BPF_LD | BPF_W | BPF_ABS
BPF_JEQ_K = 0x15      # BPF_JMP | BPF_JEQ | BPF_K
BPF_RET_K = 0x06      # BPF_RET | BPF_K


def instruction(code, jt, jf, k):
    return struct.pack("HBBI", code, jt, jf, k)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    if platform.machine() != "x86_64":
        sys.exit("without_io_uring.py: only x86-64 is supported, not " + platform.machine())
    program = b"".join([
        instruction(BPF_LD_W_ABS, 0, 0, 4),                  # seccomp_data.arch
        instruction(BPF_JEQ_K, 0, 3, AUDIT_ARCH_X86_64),     # another ABI: allow
        instruction(BPF_LD_W_ABS, 0, 0, 0),                  # seccomp_data.nr
        instruction(BPF_JEQ_K, 0, 1, NR_IO_URING_SETUP),
        instruction(BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM),
        instruction(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
    ])
    filters = ctypes.create_string_buffer(program, len(program))
    fprog = struct.pack("HxxxxxxQ", len(program) // 8, ctypes.addressof(filters))
    fprog_buffer = ctypes.create_string_buffer(fprog, len(fprog))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        sys.exit("without_io_uring.py: PR_SET_NO_NEW_PRIVS: " + os.strerror(ctypes.get_errno()))
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog_buffer), 0, 0) != 0:
        sys.exit("without_io_uring.py: PR_SET_SECCOMP: " + os.strerror(ctypes.get_errno()))
    os.execvp(sys.argv[1], sys.argv[1:])


if __name__ == "__main__":
    main()
