using Goxec.Docker;

namespace Goxec.Tests.Docker;

/// <summary>Container lifecycle calls and the Engine errors they map to.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerContainerTests(BusyboxImage image) : DockerTestBase(image)
{
    [Fact]
    public async Task Negotiates_api_version_141()
    {
        await Image.EnsureAsync(Client, Ct);

        var version = await Client.GetVersionAsync(Ct);

        Assert.Equal("1.41", version.ApiVersion);
        Assert.False(string.IsNullOrEmpty(version.Version));
    }

    [Fact]
    public async Task Lists_containers_by_label()
    {
        var id = await StartHardenedAsync();

        var found = await Client.ListContainersAsync(["goxec.test=1", $"goxec.test.run={RunId}"], Ct);

        var container = Assert.Single(found);
        Assert.Equal(id, container.Id);
        Assert.Equal("running", container.State);
        Assert.Equal(BusyboxImage.Reference, container.Image);
    }

    [Fact]
    public async Task Removed_container_is_not_found_and_removing_again_is_fine()
    {
        var id = await StartHardenedAsync();

        await Client.RemoveContainerAsync(id, Ct);

        await Assert.ThrowsAsync<DockerNotFoundException>(() => Client.InspectContainerAsync(id, Ct));
        await Client.RemoveContainerAsync(id, Ct);
    }

    [Fact]
    public async Task Killing_a_stopped_container_is_not_an_error()
    {
        var id = await StartHardenedAsync();

        await Client.KillContainerAsync(id, cancellationToken: Ct);
        await WaitUntilAsync(async () => !(await Client.InspectContainerAsync(id, Ct)).Running);
        await Client.KillContainerAsync(id, cancellationToken: Ct);
    }

    [Fact]
    public async Task Duplicate_name_is_a_conflict()
    {
        await Image.EnsureAsync(Client, Ct);
        var name = $"goxec-test-{RunId}";
        await Client.CreateContainerAsync(Hardened(BusyboxImage.Reference), name, Ct);

        await Assert.ThrowsAsync<DockerConflictException>(() => Client.CreateContainerAsync(Hardened(BusyboxImage.Reference), name, Ct));
    }

    [Fact]
    public async Task Missing_image_is_not_found()
    {
        await Image.EnsureAsync(Client, Ct);

        var error = await Assert.ThrowsAsync<DockerNotFoundException>(
            () => Client.CreateContainerAsync(Hardened($"goxec-test/missing-{RunId}:latest"), cancellationToken: Ct));
        Assert.Contains("No such image", error.Message);
        Assert.False(await Client.ImageExistsAsync($"goxec-test/missing-{RunId}:latest", Ct));
    }

    [Fact]
    public async Task Renamed_container_answers_to_its_new_name_and_a_taken_name_conflicts()
    {
        var id = await StartHardenedAsync();
        var other = await StartHardenedAsync();
        var name = $"goxec-test-{RunId}";

        await Client.RenameContainerAsync(id, name, Ct);

        Assert.Equal(name, (await Client.InspectContainerAsync(id, Ct)).Name);
        Assert.Equal(id, (await Client.InspectContainerAsync(name, Ct)).Id);
        await Assert.ThrowsAsync<DockerConflictException>(() => Client.RenameContainerAsync(other, name, Ct));
    }

    [Fact]
    public async Task Image_id_is_the_content_id_and_null_when_missing()
    {
        await Image.EnsureAsync(Client, Ct);

        var id = await Client.GetImageIdAsync(BusyboxImage.Reference, Ct);

        Assert.StartsWith("sha256:", id);
        Assert.Null(await Client.GetImageIdAsync($"goxec-test/missing-{RunId}:latest", Ct));
    }

    [Fact]
    public async Task Images_are_listed_in_one_call_with_their_ids_and_tags_filtered_by_name()
    {
        await Image.EnsureAsync(Client, Ct);

        var matching = await Client.ListImagesAsync("goxec-test/busy*", Ct);
        var all = await Client.ListImagesAsync(cancellationToken: Ct);

        var busybox = Assert.Single(matching, i => i.RepoTags.Contains(BusyboxImage.Reference));
        Assert.Equal(await Client.GetImageIdAsync(BusyboxImage.Reference, Ct), busybox.Id);
        Assert.All(matching, i => Assert.Contains(i.RepoTags, t => t.StartsWith("goxec-test/busy")));
        Assert.Contains(all, i => i.Id == busybox.Id);
        Assert.Empty(await Client.ListImagesAsync($"goxec-test/missing-{RunId}", Ct));
    }
}
