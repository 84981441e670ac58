using System.Runtime.InteropServices;

namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>
/// The few calls of libseccomp (Debian's <c>libseccomp2</c>) that compile a syscall policy into the
/// classic BPF program bubblewrap loads with <c>--seccomp FD</c>. libseccomp knows every architecture's
/// syscall numbers and writes the architecture check, so none of that is ours.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static partial class Libseccomp
{
    private const string Library = "libseccomp.so.2";

    public const uint ActAllow = 0x7fff0000;
    public const uint ActKillProcess = 0x80000000;

    public static uint ActErrno(int errno) => 0x00050000u | ((uint)errno & 0x0000ffffu);

    /// <summary>SCMP_FLTATR_ACT_BADARCH: what a syscall made through another ABI (i386's int 0x80, x32) meets.</summary>
    public const int AttributeBadArch = 2;

    public enum Compare
    {
        NotEqual = 1,
        Equal = 4,
        /// <summary>(arg &amp; DatumA) == DatumB.</summary>
        MaskedEqual = 7,
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct ArgCompare
    {
        public uint Arg;
        public Compare Op;
        public ulong DatumA;
        public ulong DatumB;

        public ArgCompare(uint arg, Compare op, ulong a, ulong b = 0) => (Arg, Op, DatumA, DatumB) = (arg, op, a, b);
    }

    [LibraryImport(Library, EntryPoint = "seccomp_init")]
    public static partial IntPtr Init(uint defaultAction);

    [LibraryImport(Library, EntryPoint = "seccomp_release")]
    public static partial void Release(IntPtr context);

    [LibraryImport(Library, EntryPoint = "seccomp_attr_set")]
    public static partial int SetAttribute(IntPtr context, int attribute, uint value);

    /// <summary>The native number of a syscall by name; negative when this architecture has no such call.</summary>
    [LibraryImport(Library, EntryPoint = "seccomp_syscall_resolve_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ResolveName(string name);

    [LibraryImport(Library, EntryPoint = "seccomp_rule_add_array")]
    public static partial int AddRule(IntPtr context, uint action, int syscall, uint argCount, [In] ArgCompare[] args);

    [LibraryImport(Library, EntryPoint = "seccomp_export_bpf")]
    public static partial int ExportBpf(IntPtr context, int fd);
}
