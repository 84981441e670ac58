namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>
/// The syscalls a stage may make (x86-64 names; everything else fails with EPERM, and any call through
/// another ABI — i386's <c>int 0x80</c>, x32 — kills the process). It is Docker's default policy for a
/// process without capabilities, made stricter: the same namespace, mount, module, clock, keyring, BPF,
/// perf and reboot calls are refused, and on top of that io_uring, modify_ldt, the clock adjusters,
/// name_to_handle_at, memfd_secret, the obsolete epoll_*_old calls and every socket family but
/// Unix, IPv4/IPv6 and route netlink are refused too. Reviewed against Docker's public profile; the
/// behaviour is proven by a probe in tests/Goxec.Tests/Namespaces.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class SeccompPolicy
{
    /// <summary>Allowed whatever the arguments.</summary>
    public static readonly IReadOnlyList<string> Allowed =
    [
        // Files, directories and descriptors.
        "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2",
        "open", "openat", "openat2", "creat", "close", "close_range", "lseek", "dup", "dup2", "dup3", "pipe", "pipe2",
        "fcntl", "flock", "fsync", "fdatasync", "sync", "syncfs", "sync_file_range", "truncate", "ftruncate", "fallocate",
        "fadvise64", "readahead", "sendfile", "splice", "tee", "vmsplice", "copy_file_range", "ioctl",
        "stat", "fstat", "lstat", "newfstatat", "statx", "statfs", "fstatfs", "access", "faccessat", "faccessat2",
        "getdents", "getdents64", "getcwd", "chdir", "fchdir", "rename", "renameat", "renameat2", "mkdir", "mkdirat", "rmdir",
        "link", "linkat", "unlink", "unlinkat", "symlink", "symlinkat", "readlink", "readlinkat",
        "chmod", "fchmod", "fchmodat", "chown", "fchown", "fchownat", "lchown", "umask", "utime", "utimes", "utimensat", "futimesat",
        "mknod", "mknodat", "getxattr", "lgetxattr", "fgetxattr", "listxattr", "llistxattr", "flistxattr",
        "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr",
        "inotify_init", "inotify_init1", "inotify_add_watch", "inotify_rm_watch",
        "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents",
        // Memory.
        "brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "mincore", "msync", "mlock", "mlock2", "munlock",
        "mlockall", "munlockall", "membarrier", "memfd_create", "remap_file_pages", "pkey_alloc", "pkey_free", "pkey_mprotect",
        // Processes and credentials (inside the stage's own user namespace, without capabilities).
        "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "kill", "tkill", "tgkill",
        "getpid", "getppid", "gettid", "getpgid", "setpgid", "getpgrp", "getsid", "setsid",
        "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid", "getgroups", "setuid", "setgid", "setreuid",
        "setregid", "setresuid", "setresgid", "setgroups", "setfsuid", "setfsgid", "capget", "capset", "prctl", "arch_prctl",
        "set_tid_address", "set_robust_list", "get_robust_list", "rseq", "get_thread_area", "set_thread_area",
        "getrlimit", "setrlimit", "prlimit64", "getrusage", "times", "getpriority", "setpriority", "getcpu",
        "sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getparam", "sched_setparam", "sched_getscheduler",
        "sched_setscheduler", "sched_getattr", "sched_setattr", "sched_get_priority_max", "sched_get_priority_min",
        "sched_rr_get_interval", "ioprio_get", "ioprio_set", "pidfd_open", "pidfd_send_signal",
        // Debugging the stage's own processes (its pid namespace is all it can see), as Docker allows.
        "ptrace", "process_vm_readv", "process_vm_writev",
        // Signals and time.
        "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigtimedwait", "rt_sigsuspend",
        "rt_sigqueueinfo", "rt_tgsigqueueinfo", "sigaltstack", "signalfd", "signalfd4", "pause", "alarm", "getitimer",
        "setitimer", "restart_syscall", "nanosleep", "clock_nanosleep", "clock_gettime", "clock_getres", "gettimeofday", "time",
        "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun", "timer_delete",
        "timerfd_create", "timerfd_settime", "timerfd_gettime",
        // Waiting and events.
        "futex", "futex_waitv", "eventfd", "eventfd2", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait",
        "epoll_pwait", "epoll_pwait2", "poll", "ppoll", "select", "pselect6",
        // System V and POSIX IPC (the stage's own IPC namespace).
        "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop", "semctl", "msgget", "msgsnd", "msgrcv", "msgctl",
        "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
        // Sockets (the stage's network namespace has only lo); socket() itself is below.
        "socketpair", "bind", "listen", "accept", "accept4", "connect", "getsockname", "getpeername", "sendto", "recvfrom",
        "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown", "setsockopt", "getsockopt",
        // Miscellaneous.
        "uname", "sysinfo", "getrandom", "seccomp", "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self",
    ];

    public const int AfUnix = 1, AfInet = 2, AfInet6 = 10, AfNetlink = 16, NetlinkRoute = 0;

    /// <summary>clone's namespace flags (CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET).</summary>
    public const ulong CloneNamespaceFlags = 0x7E020000;

    /// <summary>personality values that only select the Linux ABI (or query): never ADDR_NO_RANDOMIZE and the like.</summary>
    public static readonly IReadOnlyList<ulong> Personalities = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

    public sealed record Rule(string Syscall, uint Action, params Libseccomp.ArgCompare[] Args);

    /// <summary>Every rule of the policy: the plain allow list, then the calls allowed only with certain arguments.</summary>
    public static IEnumerable<Rule> Rules()
    {
        foreach (var name in Allowed) yield return new Rule(name, Libseccomp.ActAllow);
        // New threads and processes, never new namespaces.
        yield return new Rule("clone", Libseccomp.ActAllow, new Libseccomp.ArgCompare(0, Libseccomp.Compare.MaskedEqual, CloneNamespaceFlags, 0));
        // clone3 passes its flags in memory a filter cannot read: "not implemented" makes the C library fall back to clone.
        yield return new Rule("clone3", Libseccomp.ActErrno(38));
        foreach (var value in Personalities)
            yield return new Rule("personality", Libseccomp.ActAllow, new Libseccomp.ArgCompare(0, Libseccomp.Compare.Equal, value));
        foreach (var family in (int[])[AfUnix, AfInet, AfInet6])
            yield return new Rule("socket", Libseccomp.ActAllow, new Libseccomp.ArgCompare(0, Libseccomp.Compare.Equal, (ulong)family));
        // Route netlink only (what if_nameindex and getifaddrs use).
        yield return new Rule("socket", Libseccomp.ActAllow, new Libseccomp.ArgCompare(0, Libseccomp.Compare.Equal, AfNetlink),
            new Libseccomp.ArgCompare(2, Libseccomp.Compare.Equal, NetlinkRoute));
    }
}
