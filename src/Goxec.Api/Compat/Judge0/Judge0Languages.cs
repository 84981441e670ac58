using Goxec.Languages;

namespace Goxec.Api.Compat.Judge0;

/// <summary>
/// Judge0 language ids, read from each language's <c>runtime.yaml</c> (<c>judge0:</c>): Judge0 CE's own ids and
/// names where Judge0 has the language (several may map to one Goxec language: C is GCC 7/8/9/14 there), Goxec's
/// ids from 1001 for the rest, so every language answers in the Judge0 API. The first id a language lists is the
/// one a submission reports back. Not offered: 44 (Executable), 47 (FreeBASIC; Goxec's BASIC is Yabasic, another
/// dialect), 83 Swift, 89 (multi-file), 90 Dart, 96 JavaFX.
/// </summary>
internal sealed class Judge0Languages
{
    private readonly Dictionary<int, Judge0Language> _byId;
    private readonly Dictionary<string, Judge0Language> _byGoxec;

    public Judge0Languages(LanguageCatalog catalog)
    {
        Catalog = catalog;
        All = [.. catalog.All.SelectMany(l => l.Judge0.Select(j => new Judge0Language(j.Id, j.Name, l))).OrderBy(l => l.Id)];
        _byId = All.ToDictionary(l => l.Id);
        _byGoxec = catalog.All.Where(l => l.Judge0.Count > 0).ToDictionary(l => l.Id, l => _byId[l.Judge0[0].Id]);
    }

    public LanguageCatalog Catalog { get; }

    /// <summary>Every id, in Judge0's order (by id).</summary>
    public IReadOnlyList<Judge0Language> All { get; }

    public Judge0Language? Find(int id) => _byId.GetValueOrDefault(id);

    /// <summary>The id a job of this Goxec language reports.</summary>
    public Judge0Language? Of(string goxecLanguage) => _byGoxec.GetValueOrDefault(goxecLanguage);
}

internal sealed record Judge0Language(int Id, string Name, LanguageDefinition Goxec);
