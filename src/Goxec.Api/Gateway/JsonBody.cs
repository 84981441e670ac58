using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Goxec.Api.Gateway;

/// <summary>
/// Reads a JSON body by hand rather than by parameter binding, so malformed JSON answers a problem
/// naming the field (<c>body</c>; the message gives the JSON path) instead of the framework's bare 400.
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Value, ValidationProblem? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken ct)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, type, ct);
            return value is null ? (null, Invalid("body", "The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException e)
        {
            // The key stays "body" (clients switch on it); the message carries the JSON path at fault.
            return (null, Invalid("body", $"The body is not valid JSON for this request: {e.Message}"));
        }
    }

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is not valid.");
}
