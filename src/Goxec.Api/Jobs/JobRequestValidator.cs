using System.Text;
using Goxec.Jobs;
using Goxec.Languages;
using Microsoft.Extensions.Options;

namespace Goxec.Api.Jobs;

/// <summary>
/// Turns a request into a job or into a list of problems keyed by the field at fault.
/// Nothing here trusts the client: every size, name and count is checked.
/// </summary>
internal sealed class JobRequestValidator(LanguageCatalog languages, IOptions<SubmissionOptions> options)
{
    private SubmissionOptions Limits => options.Value;

    public (JobSpec? Spec, Dictionary<string, string[]> Errors) Validate(SubmitJobRequest request, string id, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [message];

        var language = languages.Find(request.Language);
        if (string.IsNullOrWhiteSpace(request.Language)) Fail("language", "A language is required.");
        else if (language is null) Fail("language", UnknownLanguage(request.Language));

        var files = ValidateSource(request, language, Fail);

        if (request.Stdin is { } stdin && Encoding.UTF8.GetByteCount(stdin) > Limits.MaxStdinBytes)
            Fail("stdin", $"stdin is larger than the limit of {Limits.MaxStdinBytes} bytes.");

        var args = request.Args ?? [];
        if (args.Count > Limits.MaxArgs) Fail("args", $"At most {Limits.MaxArgs} arguments are allowed.");
        else if (args.Any(a => a is null || a.Length > Limits.MaxArgLength || a.Contains('\0')))
            Fail("args", $"Each argument must be a string of at most {Limits.MaxArgLength} characters without NUL.");

        if (request.ExpectedOutput is { } expected && Encoding.UTF8.GetByteCount(expected) > Limits.MaxExpectedOutputBytes)
            Fail("expectedOutput", $"expectedOutput is larger than the limit of {Limits.MaxExpectedOutputBytes} bytes.");

        var run = ResolveLimits("limits", request.Limits, Limits.RunDefaults, Limits.RunMaxima, Fail);
        var compile = ResolveLimits("compileLimits", request.CompileLimits, Limits.CompileDefaults, Limits.CompileMaxima, Fail);
        if (request.CompileLimits is not null && language is { Compiled: false })
            Fail("compileLimits", $"{language.Name} is not compiled; leave compileLimits out.");

        if (errors.Count > 0 || language is null || files is null) return (null, errors);
        return (new JobSpec(id, language.Id, files, request.Stdin ?? "", args, now, run,
            language.Compiled ? compile : null, request.ExpectedOutput), errors);
    }

    private List<SourceFile>? ValidateSource(SubmitJobRequest request, LanguageDefinition? language, Action<string, string> fail)
    {
        if (request.Code is not null && request.Files is not null)
        {
            fail("code", "Give either code or files, not both.");
            return null;
        }
        if (request.Files is null)
        {
            if (string.IsNullOrWhiteSpace(request.Code)) { fail("code", "The code must not be empty."); return null; }
            if (Encoding.UTF8.GetByteCount(request.Code) > Limits.MaxSourceBytes)
            {
                fail("code", $"The code is larger than the limit of {Limits.MaxSourceBytes} bytes.");
                return null;
            }
            return language is null ? null : [new SourceFile(language.File, request.Code)];
        }

        var files = request.Files;
        if (files.Count == 0 || files.Count > Limits.MaxFiles) { fail("files", $"Give between 1 and {Limits.MaxFiles} files."); return null; }
        for (var i = 0; i < files.Count; i++)
        {
            if (files[i] is null) { fail($"files[{i}]", "A file must be an object with name and content."); return null; }
            if (FileNameProblem(files[i].Name) is { } problem) { fail($"files[{i}].name", problem); return null; }
            if (files[i].Content is null) { fail($"files[{i}].content", "The content is required."); return null; }
        }
        if (files.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count() != files.Count) { fail("files", "File names must be unique."); return null; }
        if (files.Sum(f => (long)Encoding.UTF8.GetByteCount(f.Content)) > Limits.MaxSourceBytes)
        {
            fail("files", $"The files are larger than the limit of {Limits.MaxSourceBytes} bytes in total.");
            return null;
        }
        if (files.All(f => string.IsNullOrWhiteSpace(f.Content))) { fail("files", "The files must not all be empty."); return null; }
        if (language is null) return null;

        // The first file is the entry point; it is saved under the name the language runs.
        var entry = files.Any(f => f.Name == language.File) ? [] : new[] { files[0] with { Name = language.File } };
        return [.. entry, .. files.Skip(entry.Length)];
    }

    /// <summary>Fills what the request leaves out from the defaults; every value must be within 1..maximum.</summary>
    private static StageLimits ResolveLimits(string field, JobLimits? requested, StageLimits defaults, StageLimits maxima, Action<string, string> fail)
    {
        var resolved = defaults.With(requested);
        foreach (var ((name, value), (_, max)) in resolved.Fields().Zip(maxima.Fields()))
        {
            if (value < 1 || value > max) fail($"{field}.{name}", $"{field}.{name} must be between 1 and {max}.");
        }
        return resolved;
    }

    internal static string? FileNameProblem(string? name) => name switch
    {
        null or "" => "A file name is required.",
        { Length: > 100 } => "A file name may have at most 100 characters.",
        "." or ".." => "A file name may not be '.' or '..'.",
        _ when name.StartsWith('.') => "A file name may not start with '.'.",
        _ when !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') =>
            "A file name may use only letters, digits, '.', '_' and '-' (no paths).",
        _ => null,
    };

    private string UnknownLanguage(string requested)
    {
        var close = languages.All
            .Select(l => (l.Id, Distance: l.Aliases.Prepend(l.Id).Min(n => EditDistance(n, requested.ToLowerInvariant()))))
            .Where(x => x.Distance <= 2).OrderBy(x => x.Distance).Select(x => x.Id).Take(3).ToList();
        var hint = close.Count > 0 ? $" Did you mean {string.Join(", ", close)}?" : "";
        return $"Unknown language '{requested}'.{hint} GET /api/v1/languages lists them.";
    }

    private static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
