namespace Goxec.Languages;

/// <summary>One language, read from <c>runtimes/&lt;id&gt;/runtime.yaml</c>. Adding a language touches no C#.</summary>
public sealed record LanguageDefinition
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];
    /// <summary>Monaco's language id for highlighting.</summary>
    public string Editor { get; init; } = "plaintext";
    /// <summary>The file the user's code is written to, inside the work dir.</summary>
    public required string File { get; init; }
    /// <summary>The compile argv, or null for an interpreted language.</summary>
    public IReadOnlyList<string>? Compile { get; init; }
    public required IReadOnlyList<string> Run { get; init; }
    public IReadOnlyList<string> Version { get; init; } = [];
    public string Template { get; init; } = "";

    public bool Compiled => Compile is { Count: > 0 };

    /// <summary>The image the builder tags for this language (scripts/images.sh).</summary>
    public string Image => $"goxec/runtime-{Id}:latest";
}
