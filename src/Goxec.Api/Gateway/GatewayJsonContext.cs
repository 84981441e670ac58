using System.Text.Json;
using System.Text.Json.Serialization;
using Goxec.Api.Keys;
using Microsoft.AspNetCore.Builder;

namespace Goxec.Api.Gateway;

/// <summary>Source-generated JSON for the gateway's own messages (keys, batches, webhooks).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApiKey))]
[JsonSerializable(typeof(IReadOnlyList<ApiKey>))]
[JsonSerializable(typeof(CreateApiKeyRequest))]
[JsonSerializable(typeof(CreatedApiKey))]
[JsonSerializable(typeof(BatchRequest))]
[JsonSerializable(typeof(BatchResult))]
[JsonSerializable(typeof(JobsLookup))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
