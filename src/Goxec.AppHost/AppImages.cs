namespace Goxec.AppHost;

/// <summary>Facts about the app images that scripts/app-images.sh builds and the manifests rely on.</summary>
public static class AppImages
{
    /// <summary>The non-root user of the Api image.</summary>
    public const int AppUid = 10001;

    /// <summary>Debian's redis user, created with this fixed id so a volume's owner is known in advance.</summary>
    public const int RedisUid = 999;
}
