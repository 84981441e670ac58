using System.Globalization;

namespace Goxec.Hosting;

/// <summary>
/// <c>--publisher compose|k8s --output-path DIR [--image-tags FILE] [--workers N] [--api-replicas N]</c>:
/// write deployment files from the graph instead of running it.
/// </summary>
public sealed record PublishOptions(string Publisher, string OutputPath)
{
    public static readonly string[] Publishers = ["compose", "k8s"];

    /// <summary>Lines "goxec/api=goxec/api:3f2a…" as written by scripts/app-images.sh; null for ":latest".</summary>
    public string? ImageTagsFile { get; init; }

    public int? Workers { get; init; }

    public int? ApiReplicas { get; init; }

    /// <summary>Null when the arguments do not ask to publish; throws <see cref="ArgumentException"/> naming a bad one.</summary>
    public static PublishOptions? Parse(IReadOnlyList<string> args)
    {
        if (!args.Contains("--publisher")) return null;
        string? publisher = null, output = null, tags = null;
        int? workers = null, apiReplicas = null;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--publisher": publisher = value; break;
                case "--output-path": output = value; break;
                case "--image-tags": tags = value; break;
                case "--workers": workers = Count(args[i], value); break;
                case "--api-replicas": apiReplicas = Count(args[i], value); break;
                default: throw new ArgumentException($"Unknown option '{args[i]}' for publishing.");
            }
            i++;
        }
        if (!Publishers.Contains(publisher)) throw new ArgumentException($"--publisher must be one of {string.Join(", ", Publishers)}, not '{publisher}'.");
        if (string.IsNullOrWhiteSpace(output)) throw new ArgumentException("--output-path DIR is required.");
        if (tags is not null && !File.Exists(tags)) throw new ArgumentException($"--image-tags: no file '{tags}' (./goxec images --apps writes it).");
        return new PublishOptions(publisher!, Path.GetFullPath(output)) { ImageTagsFile = tags, Workers = workers, ApiReplicas = apiReplicas };
    }

    public IReadOnlyDictionary<string, string> ReadImageTags() =>
        ImageTagsFile is null ? new Dictionary<string, string>() : EnvFile.Read(ImageTagsFile);

    private static int Count(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1000
            ? n
            : throw new ArgumentException($"{option} must be a whole number from 1 to 1000, not '{value}'.");
}
