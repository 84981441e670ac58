using Goxec.Docker;

namespace Goxec.Tests.Docker;

public sealed class DockerClientOptionsTests
{
    [Theory]
    [InlineData(null, "/var/run/docker.sock")]
    [InlineData("", "/var/run/docker.sock")]
    [InlineData("unix:///var/run/docker.sock", "/var/run/docker.sock")]
    [InlineData("unix:///run/user/1000/docker.sock", "/run/user/1000/docker.sock")]
    public void Reads_the_socket_path_from_DOCKER_HOST(string? dockerHost, string expected)
    {
        Assert.Equal(expected, DockerClientOptions.FromDockerHost(dockerHost).SocketPath);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:2375")]
    [InlineData("npipe:////./pipe/docker_engine")]
    [InlineData("unix://relative.sock")]
    [InlineData("/var/run/docker.sock")]
    public void Rejects_endpoints_other_than_absolute_unix_sockets(string dockerHost)
    {
        Assert.Throws<ArgumentException>(() => DockerClientOptions.FromDockerHost(dockerHost));
    }

    [Fact]
    public void Defaults_are_strict()
    {
        var options = new DockerClientOptions();

        Assert.Equal("unix:///var/run/docker.sock", options.Endpoint);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RequestTimeout);
    }
}
