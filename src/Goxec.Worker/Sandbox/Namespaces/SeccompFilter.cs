namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>Compiles <see cref="SeccompPolicy"/> with libseccomp into the BPF program bubblewrap loads before a stage's first instruction.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class SeccompFilter
{
    /// <summary>Writes the compiled filter to <paramref name="path"/> (replacing it atomically) and returns the path.</summary>
    public static string Export(string path)
    {
        const int EPERM = 1;
        IntPtr context;
        try
        {
            context = Libseccomp.Init(Libseccomp.ActErrno(EPERM));
        }
        catch (DllNotFoundException e)
        {
            throw new InvalidOperationException("libseccomp is missing (Debian: apt-get install libseccomp2).", e);
        }
        if (context == IntPtr.Zero) throw new InvalidOperationException("seccomp_init failed.");
        try
        {
            Check(Libseccomp.SetAttribute(context, Libseccomp.AttributeBadArch, Libseccomp.ActKillProcess), "seccomp_attr_set(ACT_BADARCH)");
            foreach (var rule in SeccompPolicy.Rules())
            {
                var number = Libseccomp.ResolveName(rule.Syscall);
                if (number < 0) continue; // not a syscall of this architecture
                Check(Libseccomp.AddRule(context, rule.Action, number, (uint)rule.Args.Length, rule.Args), $"seccomp_rule_add({rule.Syscall})");
            }
            var temporary = $"{path}.{Guid.NewGuid():N}";
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                Check(Libseccomp.ExportBpf(context, (int)file.SafeFileHandle.DangerousGetHandle()), "seccomp_export_bpf");
            }
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temporary, path, overwrite: true);
            return path;
        }
        finally
        {
            Libseccomp.Release(context);
        }
    }

    private static void Check(int result, string call)
    {
        if (result < 0) throw new InvalidOperationException($"{call} failed: errno {-result}.");
    }
}
