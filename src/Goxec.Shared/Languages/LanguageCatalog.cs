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
        foreach (var language in All)
        {
            foreach (var name in language.Aliases.Prepend(language.Id))
            {
                if (!_byName.TryAdd(name, language))
                    throw new InvalidOperationException($"Language name '{name}' is claimed by both {_byName[name].Id} and {language.Id}.");
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

    private static LanguageDefinition Parse(IDeserializer yaml, string path)
    {
        try
        {
            var language = yaml.Deserialize<LanguageDefinition>(File.ReadAllText(path));
            return language with { Compile = language.Compile is { Count: > 0 } ? language.Compile : null };
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            throw new InvalidDataException($"Bad language descriptor {path}: {e.Message}", e);
        }
    }
}
