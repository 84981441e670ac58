using System.Formats.Tar;
using System.Text;
using Goxec.Jobs;

namespace Goxec.Worker.Sandbox;

/// <summary>The job's files as a tar, owned by the sandbox user. Names were validated by the Api (no paths).</summary>
internal static class SourceArchive
{
    public static byte[] Create(IReadOnlyList<SourceFile> files)
    {
        using var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in files)
            {
                if (file.Name.Contains('/') || file.Name.StartsWith('.'))
                    throw new ArgumentException($"Refusing file name '{file.Name}'.", nameof(files));
                var entry = new PaxTarEntry(TarEntryType.RegularFile, file.Name)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(file.Content)),
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    Uid = 1000,
                    Gid = 1000,
                };
                tar.WriteEntry(entry);
            }
        }
        return buffer.ToArray();
    }
}
