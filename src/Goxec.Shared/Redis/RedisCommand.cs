namespace Goxec.Redis;

/// <summary>A command name and its arguments, e.g. <c>new RedisCommand("XADD", key, "*", "id", id)</c>.</summary>
public sealed record RedisCommand(string Name, params RedisArg[] Args)
{
    public override string ToString() => $"{Name} ({Args.Length} args)";
}
