using Aspire.Hosting.ApplicationModel;

namespace Goxec.AppHost.Publishing;

/// <summary>What a published value may depend on: parameter values and the image tags to deploy.</summary>
public sealed class PublishContext(IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string> imageTags)
{
    public string Value(ParameterResource parameter) =>
        parameters.TryGetValue(parameter.Name, out var value)
            ? value
            : throw new InvalidOperationException($"Parameter '{parameter.Name}' has no value.");

    /// <summary>"goxec/api" → "goxec/api:3f2a…" when built by <c>./goxec images --apps</c>, else ":latest".</summary>
    public string ImageReference(string repository) =>
        imageTags.TryGetValue(repository, out var reference) ? reference : repository + ":latest";
}
