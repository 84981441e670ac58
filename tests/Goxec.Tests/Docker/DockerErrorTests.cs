using Goxec.Docker;

namespace Goxec.Tests.Docker;

public sealed class DockerErrorTests
{
    [Theory]
    [InlineData(404, """{"message":"No such container: x"}""", typeof(DockerNotFoundException), "No such container: x")]
    [InlineData(409, """{"message":"Conflict. The container name \"/a\" is already in use"}""", typeof(DockerConflictException), "Conflict. The container name \"/a\" is already in use")]
    [InlineData(500, "plain text from a proxy\n", typeof(DockerException), "plain text from a proxy")]
    [InlineData(503, "", typeof(DockerException), "The Docker Engine answered 503.")]
    public void Maps_engine_errors_to_exceptions(int status, string body, Type expected, string message)
    {
        var error = DockerClient.ToException(status, body);

        Assert.IsType(expected, error);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(message, error.Message);
    }
}
