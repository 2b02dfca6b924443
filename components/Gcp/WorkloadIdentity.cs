using Pulumi;
using Pulumi.Gcp.ServiceAccount;

namespace MlPlatform.Components.Gcp;

/// <summary>Inputs of <see cref="WorkloadIdentity"/>.</summary>
public sealed class WorkloadIdentityArgs
{
    /// <summary>The Google service account's ID (6 to 30 characters, see <see cref="GcpNames.ServiceAccountId"/>).</summary>
    public required string AccountId { get; init; }

    /// <summary>The project of the account and of the cluster's workload identity pool.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The namespace of the only Kubernetes service account that may act as it.</summary>
    public required string Namespace { get; init; }

    /// <summary>The name of the only Kubernetes service account that may act as it.</summary>
    public required string ServiceAccount { get; init; }

    /// <summary>What the account is for (its description).</summary>
    public required string Description { get; init; }
}

/// <summary>
/// A Google service account for one Kubernetes service account (GKE workload identity): only
/// <c>serviceAccount:&lt;project&gt;.svc.id.goog[&lt;namespace&gt;/&lt;name&gt;]</c> holds
/// <c>roles/iam.workloadIdentityUser</c> on it, and it has no roles of its own: the resources it may use grant
/// them (a bucket, a secret). No key is ever created.
/// </summary>
public sealed class WorkloadIdentity : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:gcp:WorkloadIdentity";

    /// <summary>The annotation that binds a Kubernetes service account to its Google service account.</summary>
    public const string ServiceAccountAnnotation = "iam.gke.io/gcp-service-account";

    /// <summary>The role that lets a Kubernetes service account act as the Google one.</summary>
    public const string WorkloadIdentityUserRole = "roles/iam.workloadIdentityUser";

    /// <summary>Creates the account and its binding.</summary>
    public WorkloadIdentity(string name, WorkloadIdentityArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var account = new Account(name, new AccountArgs
        {
            AccountId = args.AccountId,
            Project = args.ProjectId,
            DisplayName = $"{args.Namespace}/{args.ServiceAccount}",
            Description = args.Description,
        }, child);
        Email = account.Email;
        Member = account.Email.Apply(email => $"serviceAccount:{email}");
        KubernetesMember = GcpNames.WorkloadIdentityMember(args.ProjectId, args.Namespace, args.ServiceAccount);

        Binding = new IAMMember($"{name}-workload-identity", new IAMMemberArgs
        {
            ServiceAccountId = account.Name,
            Role = WorkloadIdentityUserRole,
            Member = KubernetesMember,
        }, child);

        ServiceAccountKey = $"{args.Namespace}/{args.ServiceAccount}";
        RegisterOutputs(new Dictionary<string, object?> { ["email"] = Email, ["member"] = KubernetesMember });
    }

    /// <summary>The Google service account's email.</summary>
    public Output<string> Email { get; }

    /// <summary>The IAM member of the Google service account (<c>serviceAccount:&lt;email&gt;</c>), for resource grants.</summary>
    public Output<string> Member { get; }

    /// <summary>The workload identity member of the Kubernetes service account.</summary>
    public string KubernetesMember { get; }

    /// <summary>The workload identity binding.</summary>
    public IAMMember Binding { get; }

    /// <summary>The Kubernetes service account, as <c>namespace/name</c>.</summary>
    public string ServiceAccountKey { get; }

    /// <summary>The Kubernetes service account annotations that bind it to this account.</summary>
    public InputMap<string> Annotations => new() { { ServiceAccountAnnotation, Email } };
}
