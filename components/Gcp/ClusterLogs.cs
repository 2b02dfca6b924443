using Pulumi;
using Pulumi.Gcp.Logging;

namespace MlPlatform.Components.Gcp;

/// <summary>Inputs of <see cref="ClusterLogs"/>.</summary>
public sealed class ClusterLogsArgs
{
    /// <summary>The cluster whose logs are kept.</summary>
    public required string ClusterName { get; init; }

    /// <summary>The cluster's subnet, whose flow logs are kept too.</summary>
    public required Input<string> SubnetworkName { get; init; }

    /// <summary>The project.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The region the logs are stored in.</summary>
    public required string Location { get; init; }

    /// <summary>Retention in days (1 to 3650).</summary>
    public required int RetentionDays { get; init; }
}

/// <summary>
/// A Cloud Logging bucket of the cluster with the configured retention, in the cluster's region: a sink routes the
/// cluster's control-plane, node and workload logs and its subnet's flow logs there, and an exclusion keeps them out
/// of the project's <c>_Default</c> bucket, so they are stored (and billed) once. Audit logs stay in <c>_Required</c>.
/// </summary>
public sealed class ClusterLogs : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:gcp:ClusterLogs";

    /// <summary>Creates the bucket, sink and exclusion.</summary>
    public ClusterLogs(string name, ClusterLogsArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var bucket = new ProjectBucketConfig($"{name}-bucket", new ProjectBucketConfigArgs
        {
            Project = args.ProjectId,
            Location = args.Location,
            BucketId = args.ClusterName,
            RetentionDays = args.RetentionDays,
            Description = $"Logs of GKE cluster {args.ClusterName} and its subnet",
        }, child);
        BucketId = bucket.Id;

        Filter = args.SubnetworkName.ToOutput().Apply(subnet => LogFilter(args.ClusterName, subnet));
        var sink = new ProjectSink($"{name}-sink", new ProjectSinkArgs
        {
            Name = $"{args.ClusterName}-logs",
            Project = args.ProjectId,
            Description = $"Routes the logs of {args.ClusterName} to its own bucket",
            Destination = bucket.Id.Apply(id => $"logging.googleapis.com/{id}"),
            Filter = Filter,
            // A sink into a log bucket of the same project needs no grant to its writer identity.
            UniqueWriterIdentity = true,
        }, child);

        _ = new ProjectExclusion($"{name}-exclusion", new ProjectExclusionArgs
        {
            Name = $"{args.ClusterName}-logs",
            Project = args.ProjectId,
            Description = $"The logs of {args.ClusterName} are kept in its own bucket",
            Filter = Filter,
        }, new CustomResourceOptions { Parent = this, DependsOn = { sink } });

        RegisterOutputs(new Dictionary<string, object?> { ["bucket"] = BucketId, ["filter"] = Filter });
    }

    /// <summary>The log bucket's ID.</summary>
    public Output<string> BucketId { get; }

    /// <summary>The logs routed to the bucket.</summary>
    public Output<string> Filter { get; }

    /// <summary>The Logging query of a cluster's logs and its subnet's flow logs.</summary>
    public static string LogFilter(string clusterName, string subnetworkName) =>
        $"(resource.type=(\"k8s_cluster\" OR \"k8s_node\" OR \"k8s_pod\" OR \"k8s_container\" OR \"k8s_control_plane_component\") AND resource.labels.cluster_name=\"{clusterName}\")"
        + $" OR (resource.type=\"gce_subnetwork\" AND resource.labels.subnetwork_name=\"{subnetworkName}\")";
}
