namespace Goxec.Docker;

public sealed partial class DockerClient
{
    public async Task UpdateContainerAsync(string id, ContainerUpdateRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{Escape(id)}/update",
            Json(request, DockerJsonContext.Default.ContainerUpdateRequest), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }
}
