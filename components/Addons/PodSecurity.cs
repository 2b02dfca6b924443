namespace MlPlatform.Components.Addons;

/// <summary>
/// Security contexts that pass the Pod Security Standards <c>restricted</c> level: non-root with a fixed UID,
/// the runtime's default seccomp profile, no privilege escalation and no Linux capabilities.
/// </summary>
public static class PodSecurity
{
    /// <summary>The UID and GID the platform's own containers run as when an image does not pick one.</summary>
    public const int DefaultUser = 1000;

    /// <summary>A restricted pod <c>securityContext</c>.</summary>
    public static Dictionary<string, object> RestrictedPod(int user = DefaultUser) => new()
    {
        ["runAsNonRoot"] = true,
        ["runAsUser"] = user,
        ["runAsGroup"] = user,
        ["fsGroup"] = user,
        ["seccompProfile"] = new Dictionary<string, object> { ["type"] = "RuntimeDefault" },
    };

    /// <summary>A restricted container <c>securityContext</c>.</summary>
    public static Dictionary<string, object> RestrictedContainer(int user = DefaultUser, bool readOnlyRootFilesystem = true) => new()
    {
        ["allowPrivilegeEscalation"] = false,
        ["privileged"] = false,
        ["readOnlyRootFilesystem"] = readOnlyRootFilesystem,
        ["runAsNonRoot"] = true,
        ["runAsUser"] = user,
        ["runAsGroup"] = user,
        ["capabilities"] = new Dictionary<string, object> { ["drop"] = new object[] { "ALL" } },
        ["seccompProfile"] = new Dictionary<string, object> { ["type"] = "RuntimeDefault" },
    };
}
