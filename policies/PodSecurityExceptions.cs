using System.Collections.Immutable;

namespace MlPlatform.Policies;

/// <summary>
/// The reviewed list of namespaces that may run at the Pod Security level <c>privileged</c>, each with the reason.
/// Nothing else may be privileged: configuration validation rejects any other privileged namespace, and the
/// scenario tests check every planned namespace against this list. Changing it is a security review.
/// </summary>
public static class PodSecurityExceptions
{
    /// <summary>Namespace name to the reason it needs host access.</summary>
    public static ImmutableDictionary<string, string> Privileged { get; } = new Dictionary<string, string>
    {
        ["gpu-operator"] =
            "The NVIDIA GPU operator installs the driver and container toolkit on the host and runs the device "
            + "plugin and DCGM exporter with host paths and privileged containers.",
        ["monitoring"] =
            "prometheus-node-exporter (kube-prometheus-stack) needs hostNetwork, hostPID and host path mounts "
            + "to read node metrics.",
        ["log-collector"] =
            "The node log collector (OpenTelemetry Collector DaemonSet, logsCollection preset) mounts the host paths "
            + "/var/log/pods and /var/lib/docker/containers read-only and runs as root to read every pod's log files.",
        ["tetragon"] =
            "The Tetragon agent (DaemonSet) loads eBPF programs into the kernel: it runs privileged on the host network "
            + "and mounts the host's /sys/fs/bpf, /proc and cgroup file system to observe every process of the node.",
        ["chaos-mesh"] =
            "The Chaos Mesh chaos daemon (DaemonSet) runs privileged in the host's PID namespace with the containerd "
            + "socket mounted, to enter target pods' network and process namespaces (delay, partition, stress, pod failure). "
            + "Only where addons.chaos is on: staging by default.",
    }.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>True when the namespace may be privileged; <paramref name="reason"/> says why.</summary>
    public static bool IsAllowed(string @namespace, out string reason)
    {
        if (Privileged.TryGetValue(@namespace, out var found))
        {
            reason = found;
            return true;
        }

        reason = string.Empty;
        return false;
    }
}
