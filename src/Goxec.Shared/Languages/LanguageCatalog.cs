using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Goxec.Languages;

/// <summary>The languages Goxec knows, looked up by id or alias, case-insensitively.</summary>
public sealed class LanguageCatalog
{
    private readonly Dictionary<string, LanguageDefinition> _byName = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<LanguageDefinition> All { get; }

    public LanguageCatalog(IEnumerable<LanguageDefinition> languages)
    {
        All = [.. languages.OrderBy(l => l.Id, StringComparer.Ordinal)];
        var judge0 = new Dictionary<int, LanguageDefinition>();
        foreach (var language in All)
        {
            foreach (var name in language.Aliases.Prepend(language.Id))
            {
                if (!_byName.TryAdd(name, language))
                    throw new InvalidOperationException($"Language name '{name}' is claimed by both {_byName[name].Id} and {language.Id}.");
            }
            foreach (var id in language.Judge0)
            {
                if (!judge0.TryAdd(id.Id, language))
                    throw new InvalidOperationException($"Judge0 id {id.Id} is claimed by both {judge0[id.Id].Id} and {language.Id}.");
            }
        }
    }

    public LanguageDefinition? Find(string? idOrAlias) =>
        idOrAlias is not null && _byName.TryGetValue(idOrAlias.Trim(), out var language) ? language : null;

    /// <summary>Loads every <c>*/runtime.yaml</c> under <paramref name="directory"/>.</summary>
    public static LanguageCatalog Load(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"No language descriptors: '{directory}' does not exist.");
        var yaml = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).IgnoreUnmatchedProperties().Build();
        var languages = Directory.EnumerateFiles(directory, "runtime.yaml", SearchOption.AllDirectories)
            .Select(path => Parse(yaml, path));
        return new LanguageCatalog(languages);
    }

    /// <summary>The descriptors copied next to the running program (see Goxec.Shared.csproj).</summary>
    public static LanguageCatalog LoadDefault() => Load(Path.Combine(AppContext.BaseDirectory, "runtimes"));

    /// <summary><c>Languages:Path</c> when set (an operator's own descriptors), else the default.</summary>
    public static LanguageCatalog Load(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        configuration["Languages:Path"] is { Length: > 0 } path ? Load(path) : LoadDefault();

    private static LanguageDefinition Parse(IDeserializer yaml, string path)
    {
        try
        {
            var d = yaml.Deserialize<Descriptor>(File.ReadAllText(path))
                ?? throw new InvalidOperationException("the file is empty");
            if (string.IsNullOrWhiteSpace(d.Id) || string.IsNullOrWhiteSpace(d.File) || d.Run is not { Count: > 0 })
                throw new InvalidOperationException("id, file and run are required");
            var name = d.Name ?? d.Id;
            return new LanguageDefinition
            {
                Id = d.Id, Name = name, Aliases = d.Aliases ?? [], Editor = d.Editor ?? "plaintext", File = d.File,
                Compile = d.Compile is { Count: > 0 } ? d.Compile : null, Run = d.Run, Version = d.Version ?? [], Template = d.Template ?? "",
                Judge0 = [.. (d.Judge0 ?? []).Select(j => new Judge0Id(j.Id ?? throw new InvalidOperationException("every judge0 entry needs an id"), j.Name ?? name))],
            };
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            throw new InvalidDataException($"Bad language descriptor {path}: {e.Message}", e);
        }
    }

    /// <summary>The YAML shape; YamlDotNet fills mutable lists, the catalog hands out read-only records.</summary>
    private sealed class Descriptor
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public List<string>? Aliases { get; set; }
        public string? Editor { get; set; }
        public string? File { get; set; }
        public List<string>? Compile { get; set; }
        public List<string>? Run { get; set; }
        public List<string>? Version { get; set; }
        public string? Template { get; set; }
        public List<Judge0Descriptor>? Judge0 { get; set; }
    }

    private sealed class Judge0Descriptor
    {
        public int? Id { get; set; }
        public string? Name { get; set; }
    }
}
