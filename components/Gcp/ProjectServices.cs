using System.Collections.Immutable;
using Pulumi;
using Pulumi.Gcp.Projects;

namespace MlPlatform.Components.Gcp;

/// <summary>Inputs of <see cref="ProjectServices"/>.</summary>
public sealed class ProjectServicesArgs
{
    /// <summary>The project.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The APIs to enable; <see cref="ProjectServices.Platform"/> by default.</summary>
    public ImmutableArray<string> Services { get; init; } = ProjectServices.Platform;
}

/// <summary>
/// Enables the Google Cloud APIs the platform calls. Destroying the stack leaves them enabled: other workloads
/// of the project may use them, and disabling an API deletes what depends on it.
/// </summary>
public sealed class ProjectServices : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:gcp:ProjectServices";

    /// <summary>
    /// The APIs of a GKE platform: clusters and their VMs, private services access and Cloud SQL, secrets, keys,
    /// images, workload identity token exchange, and the logs and metrics the nodes write.
    /// </summary>
    public static ImmutableArray<string> Platform { get; } =
    [
        "compute.googleapis.com", "container.googleapis.com", "servicenetworking.googleapis.com", "sqladmin.googleapis.com",
        "secretmanager.googleapis.com", "cloudkms.googleapis.com", "artifactregistry.googleapis.com", "iam.googleapis.com",
        "iamcredentials.googleapis.com", "sts.googleapis.com", "logging.googleapis.com", "monitoring.googleapis.com",
        "storage.googleapis.com",
    ];

    /// <summary>Enables the services.</summary>
    public ProjectServices(string name, ProjectServicesArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        Services = [.. args.Services.Select(service => new Service($"{name}-{service.Split('.')[0]}", new ServiceArgs
        {
            Project = args.ProjectId,
            ServiceName = service,
            DisableOnDestroy = false,
            DisableDependentServices = false,
        }, new CustomResourceOptions { Parent = this }))];

        RegisterOutputs(new Dictionary<string, object?> { ["services"] = args.Services.ToArray() });
    }

    /// <summary>The enabled services: every other GCP resource of the stack waits for them.</summary>
    public ImmutableArray<Service> Services { get; }
}
