using Goxec.Jobs;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Goxec.Api.OpenApi;

/// <summary>
/// Makes the generated schemas say what Goxec actually sends, so clients generated from the document (the web app's
/// types, say) need no hand-made corrections.
/// </summary>
internal static class OpenApiSchemas
{
    /// <summary>
    /// Types Goxec only writes, with every property (its JSON never leaves one out): the document lists them all as
    /// required. The generator would call a property with a default value optional, which is true of requests only.
    /// </summary>
    private static readonly HashSet<Type> WrittenInFull = [typeof(JobView), typeof(StageResult), typeof(StageLimits)];

    public static OpenApiOptions DescribeWhatIsSent(this OpenApiOptions options) =>
        options.AddSchemaTransformer((schema, context, _) =>
        {
            // The web JSON defaults also read numbers written as strings ("5"), so the generator says "integer | string"
            // for every number. Goxec always writes numbers as numbers: that is the contract to code against.
            if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (type & JsonSchemaType.String) != 0)
            {
                schema.Type = type & ~JsonSchemaType.String;
                schema.Pattern = null;
            }
            if (WrittenInFull.Contains(context.JsonTypeInfo.Type) && schema.Properties is { Count: > 0 } properties)
                schema.Required = new HashSet<string>(properties.Keys);
            return Task.CompletedTask;
        });
}
