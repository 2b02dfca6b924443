using System.Text.Json.Nodes;
using static MlPlatform.Policies.JsonFacts;

namespace MlPlatform.Policies;

/// <summary>
/// The gate's rules for the clusters and their identities on every cloud: a private API endpoint in production,
/// secrets encrypted with the stack's key, audit logs, workload identity, no static credentials, IMDSv2 on every
/// AWS launch template and node class, and key rotation.
/// </summary>
public static class ClusterRules
{
    private const string Eks = "aws:eks/cluster:Cluster";
    private const string Aks = "azure-native:containerservice:ManagedCluster";
    private const string Gke = "gcp:container/cluster:Cluster";

    /// <summary>Resource types that are static, long-lived credentials: the platform uses workload identities instead.</summary>
    public static IReadOnlySet<string> StaticCredentialTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "aws:iam/accessKey:AccessKey", "aws:iam/userLoginProfile:UserLoginProfile", "aws:iam/serviceSpecificCredential:ServiceSpecificCredential",
        "gcp:serviceaccount/key:Key", "gcp:storage/hmacKey:HmacKey",
        "azuread:index/applicationPassword:ApplicationPassword", "azuread:index/servicePrincipalPassword:ServicePrincipalPassword",
        "azure-native:containerregistry:Token",
    };

    /// <summary>In production the Kubernetes API has no public endpoint.</summary>
    public static IEnumerable<PolicyViolation> PrivateEndpointInProduction(IReadOnlyList<PlanItem> plan)
    {
        if (!DisruptionBudgetRule.IsProduction(plan))
        {
            yield break;
        }

        foreach (var cluster in plan)
        {
            string? problem = cluster.Type switch
            {
                Eks => !IsFalse(cluster.Inputs["vpcConfig"]?["endpointPublicAccess"]) || !IsTrue(cluster.Inputs["vpcConfig"]?["endpointPrivateAccess"])
                    ? "vpcConfig must set endpointPublicAccess: false and endpointPrivateAccess: true" : null,
                Aks => !IsTrue(cluster.Inputs["apiServerAccessProfile"]?["enablePrivateCluster"]) ? "apiServerAccessProfile.enablePrivateCluster is not true" : null,
                Gke => !IsTrue(cluster.Inputs["privateClusterConfig"]?["enablePrivateEndpoint"]) ? "privateClusterConfig.enablePrivateEndpoint is not true" : null,
                _ => null,
            };
            if (problem is not null)
            {
                yield return PolicyViolation.Of("cluster-private-endpoint", cluster, problem);
            }
        }
    }

    /// <summary>Kubernetes Secrets are envelope-encrypted with the stack's own key.</summary>
    public static IEnumerable<PolicyViolation> SecretsEncrypted(IReadOnlyList<PlanItem> plan)
    {
        foreach (var cluster in plan)
        {
            string? problem = cluster.Type switch
            {
                Eks => cluster.Inputs["encryptionConfig"] is not JsonObject config
                    || !(config["resources"] as JsonArray ?? []).Any(r => r?.ToString() == "secrets") || config["provider"]?["keyArn"] is null
                    ? "encryptionConfig must encrypt resources [secrets] with a KMS key (provider.keyArn)" : null,
                Aks => !IsTrue(cluster.Inputs["securityProfile"]?["azureKeyVaultKms"]?["enabled"])
                    ? "securityProfile.azureKeyVaultKms is not enabled: encrypt Secrets with a Key Vault key" : null,
                Gke => cluster.Inputs["databaseEncryption"]?["state"]?.ToString() != "ENCRYPTED" || cluster.Inputs["databaseEncryption"]?["keyName"] is null
                    ? "databaseEncryption must be ENCRYPTED with a Cloud KMS key (keyName)" : null,
                _ => null,
            };
            if (problem is not null)
            {
                yield return PolicyViolation.Of("cluster-secrets-encryption", cluster, problem);
            }
        }
    }

    /// <summary>The API server's audit log is kept: EKS control-plane log type <c>audit</c>, AKS <c>kube-audit</c> or <c>kube-audit-admin</c> diagnostics, GKE API server logs.</summary>
    public static IEnumerable<PolicyViolation> AuditLogs(IReadOnlyList<PlanItem> plan)
    {
        foreach (var cluster in plan)
        {
            string? problem = cluster.Type switch
            {
                Eks => !(cluster.Inputs["enabledClusterLogTypes"] as JsonArray ?? []).Any(t => t?.ToString() == "audit")
                    ? "enabledClusterLogTypes lacks audit" : null,
                Aks => !plan.Any(d => d.Type == "azure-native:monitor:DiagnosticSetting"
                        && d.Inputs["resourceUri"]?.ToString() is { } uri
                        && uri.EndsWith($"/managedClusters/{cluster.Inputs["resourceName"]}", StringComparison.OrdinalIgnoreCase)
                        && (d.Inputs["logs"] as JsonArray ?? []).Any(l => l?["category"]?.ToString() is "kube-audit" or "kube-audit-admin" && IsTrue(l["enabled"])))
                    ? "no DiagnosticSetting of the cluster keeps kube-audit or kube-audit-admin" : null,
                Gke => !(cluster.Inputs["loggingConfig"]?["enableComponents"] as JsonArray ?? []).Any(c => c?.ToString() == "APISERVER")
                    ? "loggingConfig.enableComponents lacks APISERVER" : null,
                _ => null,
            };
            if (problem is not null)
            {
                yield return PolicyViolation.Of("cluster-audit-logs", cluster, problem);
            }
        }
    }

    /// <summary>Pods reach the cloud through workload identity: EKS Pod Identity or IRSA, AKS workload identity with its OIDC issuer, GKE Workload Identity on every node pool.</summary>
    public static IEnumerable<PolicyViolation> WorkloadIdentity(IReadOnlyList<PlanItem> plan)
    {
        foreach (var item in plan)
        {
            string? problem = item.Type switch
            {
                Eks => !plan.Any(r => (r.Type == "aws:eks/addon:Addon" && r.Inputs["addonName"]?.ToString() == "eks-pod-identity-agent")
                        || r.Type == "aws:iam/openIdConnectProvider:OpenIdConnectProvider")
                    ? "has neither the eks-pod-identity-agent add-on nor an IAM OIDC provider for IRSA" : null,
                Aks => !IsTrue(item.Inputs["securityProfile"]?["workloadIdentity"]?["enabled"]) || !IsTrue(item.Inputs["oidcIssuerProfile"]?["enabled"])
                    ? "securityProfile.workloadIdentity and oidcIssuerProfile must both be enabled" : null,
                Gke => item.Inputs["workloadIdentityConfig"]?["workloadPool"] is null ? "workloadIdentityConfig.workloadPool is not set" : null,
                "gcp:container/nodePool:NodePool" => item.Inputs["nodeConfig"]?["workloadMetadataConfig"]?["mode"]?.ToString() != "GKE_METADATA"
                    ? "nodeConfig.workloadMetadataConfig.mode is not GKE_METADATA: pods would see the node's identity" : null,
                _ => null,
            };
            if (problem is not null)
            {
                yield return PolicyViolation.Of("cluster-workload-identity", item, problem);
            }
        }
    }

    /// <summary>No static credentials: no access keys or service account keys, no local cluster accounts, no registry admin user or storage shared keys.</summary>
    public static IEnumerable<PolicyViolation> NoStaticCredentials(IReadOnlyList<PlanItem> plan)
    {
        foreach (var item in plan)
        {
            string? problem = item.Type switch
            {
                _ when StaticCredentialTypes.Contains(item.Type) => "is a static credential: use a workload identity instead",
                Aks => !IsTrue(item.Inputs["disableLocalAccounts"]) ? "disableLocalAccounts is not true" : null,
                Gke => IsTrue(item.Inputs["masterAuth"]?["clientCertificateConfig"]?["issueClientCertificate"]) ? "issues a client certificate" : null,
                "azure-native:containerregistry:Registry" => IsTrue(item.Inputs["adminUserEnabled"]) ? "adminUserEnabled is true" : null,
                "azure-native:storage:StorageAccount" => !IsFalse(item.Inputs["allowSharedKeyAccess"]) ? "allowSharedKeyAccess is not false" : null,
                _ => null,
            };
            if (problem is not null)
            {
                yield return PolicyViolation.Of("no-static-credentials", item, problem);
            }
        }
    }

    /// <summary>Every AWS launch template and Karpenter EC2NodeClass requires IMDSv2 tokens.</summary>
    public static IEnumerable<PolicyViolation> ImdsV2(IReadOnlyList<PlanItem> plan)
    {
        foreach (var item in plan)
        {
            string? problem = item.Type switch
            {
                "aws:ec2/launchTemplate:LaunchTemplate" => item.Inputs["metadataOptions"]?["httpTokens"]?.ToString() != "required"
                    ? "metadataOptions.httpTokens is not required" : null,
                // Karpenter's own default is required; a node class that says otherwise is refused.
                "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass" => item.Inputs["spec"]?["metadataOptions"]?["httpTokens"]?.ToString() is { } tokens && tokens != "required"
                    ? $"spec.metadataOptions.httpTokens is {tokens}, not required" : null,
                _ => null,
            };
            if (problem is not null)
            {
                yield return PolicyViolation.Of("imdsv2", item, problem);
            }
        }
    }

    /// <summary>Customer-managed keys rotate: AWS KMS key rotation on, Cloud KMS keys with a rotation period of at most a year.</summary>
    public static IEnumerable<PolicyViolation> KeyRotation(IReadOnlyList<PlanItem> plan)
    {
        const double Year = 365 * 24 * 3600;
        foreach (var item in plan)
        {
            string? problem = item.Type switch
            {
                "aws:kms/key:Key" => (item.Inputs["customerMasterKeySpec"] ?? item.Inputs["keySpec"])?.ToString() is null or "SYMMETRIC_DEFAULT"
                    && !IsTrue(item.Inputs["enableKeyRotation"]) ? "enableKeyRotation is not true" : null,
                "gcp:kms/cryptoKey:CryptoKey" => item.Inputs["purpose"]?.ToString() is null or "ENCRYPT_DECRYPT"
                    && (item.Inputs["rotationPeriod"]?.ToString() is not { } period || Number(JsonValue.Create(period.TrimEnd('s'))) is not (> 0 and <= Year))
                    ? "rotationPeriod is not set to at most a year" : null,
                "azure-native:keyvault:Key" => item.Inputs["properties"]?["rotationPolicy"] is null ? "properties.rotationPolicy is not set" : null,
                _ => null,
            };
            if (problem is not null)
            {
                yield return PolicyViolation.Of("kms-rotation", item, problem);
            }
        }
    }
}
