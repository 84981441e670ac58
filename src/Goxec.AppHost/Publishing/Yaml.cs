using YamlDotNet.Serialization;

namespace Goxec.AppHost.Publishing;

/// <summary>
/// Manifests are built as ordered maps and lists (the shape the files have) and serialized here.
/// Strings that YAML would read as another type ("yes", "8080") are quoted.
/// </summary>
internal static class Yaml
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .WithIndentedSequences()
        .DisableAliases()
        .Build();

    public static string Serialize(object document) => Serializer.Serialize(document);

    /// <summary>Several documents in one file, as kubectl reads them.</summary>
    public static string SerializeAll(IEnumerable<object> documents) =>
        string.Join("---\n", documents.Select(Serialize));

    /// <summary>A map that drops null values, so optional keys are simply absent.</summary>
    public static Dictionary<string, object> Map(params (string Key, object? Value)[] entries)
    {
        var map = new Dictionary<string, object>();
        foreach (var (key, value) in entries)
            if (value is not null) map[key] = value;
        return map;
    }
}
