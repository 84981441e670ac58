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
    /// <summary>The language's Judge0 ids: Judge0 CE's own where Judge0 has the language, else Goxec's (from 1001).</summary>
    public IReadOnlyList<Judge0Id> Judge0 { get; init; } = [];

    public bool Compiled => Compile is { Count: > 0 };

    /// <summary>The image the builder tags for this language (scripts/images.sh).</summary>
    public string Image => $"goxec/runtime-{Id}:latest";
}

/// <summary>A Judge0 language id and the name Judge0 shows for it.</summary>
public sealed record Judge0Id(int Id, string Name);
