namespace Goxec;

/// <summary>An exception that knows whether trying again could help (e.g. a Docker 5xx but not a 404).</summary>
public interface ITransientFault
{
    bool IsTransient { get; }
}
