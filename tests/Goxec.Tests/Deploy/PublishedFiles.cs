using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Goxec.AppHost;
using Goxec.AppHost.Publishing;
using Goxec.Graph;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Goxec.Tests.Deploy;

/// <summary>
/// Publishes the real graph — the AppHost's own model, built by its Program in publish mode — into a temp
/// folder, as its publish-compose/publish-k8s pipeline steps do, and reads the YAML back as plain maps.
/// </summary>
internal sealed class PublishedFiles : IDisposable
{
    private PublishedFiles(string directory) => Directory = directory;

    public string Directory { get; }

    public static PublishedFiles Publish(
        string publisher, int workers, int apiReplicas = 1, string? into = null, string? imageTags = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = into ?? System.IO.Directory.CreateTempSubdirectory("goxec-publish-").FullName;
        var options = new GoxecGraphOptions
        {
            ApiPort = 0, Workers = workers, ApiReplicas = apiReplicas, Environment = new(environment ?? new Dictionary<string, string>()),
        };
        using var builder = DistributedApplicationTestingBuilder.CreateAsync(typeof(GoxecGraph),
            [.. RunningGraph.Arguments(options), "--operation", "publish", "--step", $"publish-{publisher}"], TestContext.Current.CancellationToken)
            .GetAwaiter().GetResult();
        Assert.True(builder.ExecutionContext.IsPublishMode);
        try
        {
            Publisher.Publish(builder.Resources, publisher, directory, imageTags);
        }
        catch when (into is null)
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
        return new PublishedFiles(directory);
    }

    public string Path(string relative) => System.IO.Path.Combine(Directory, relative);

    public IReadOnlyList<Dictionary<object, object>> Documents(string relative)
    {
        var parser = new Parser(new StringReader(File.ReadAllText(Path(relative))));
        var deserializer = new DeserializerBuilder().Build();
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _)) documents.Add(deserializer.Deserialize<Dictionary<object, object>>(parser));
        return documents;
    }

    public Dictionary<string, string> Env(string relative) =>
        File.ReadAllLines(Path(relative)).Where(l => l.Contains('=')).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Walks nested YAML maps and lists by key or index: <c>Yaml.At(doc, "spec", "replicas")</c>.</summary>
internal static class YamlPath
{
    public static object At(object node, params object[] path)
    {
        foreach (var step in path)
        {
            node = (node, step) switch
            {
                (Dictionary<object, object> map, string key) => map.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no '{key}' in {string.Join(", ", map.Keys)}"),
                (List<object> list, int index) => list[index],
                _ => throw new InvalidOperationException($"cannot step '{step}' into {node.GetType().Name}"),
            };
        }
        return node;
    }

    public static string Text(object node, params object[] path) => (string)At(node, path);

    public static List<object> List(object node, params object[] path) => (List<object>)At(node, path);
}
