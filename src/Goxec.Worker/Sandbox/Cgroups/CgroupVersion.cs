namespace Goxec.Worker.Sandbox.Cgroups;

/// <summary>The cgroup hierarchy a host runs: v1 (one tree per controller) or v2 (one unified tree).</summary>
public enum CgroupVersion
{
    V1 = 1,
    V2 = 2,
}
