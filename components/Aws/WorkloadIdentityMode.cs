namespace MlPlatform.Components.Aws;

/// <summary>How pods get the IAM role of their service account (<c>mlplatform:aws.identity</c>).</summary>
public enum WorkloadIdentityMode
{
    /// <summary>
    /// EKS Pod Identity: the role trusts <c>pods.eks.amazonaws.com</c> (scoped by session tags to one cluster,
    /// namespace and service account) and an EKS PodIdentityAssociation binds it; no OIDC trust, no annotation.
    /// </summary>
    PodIdentity,

    /// <summary>IAM roles for service accounts: the role trusts the cluster's OIDC provider for one service account, which carries its ARN.</summary>
    Irsa,
}
