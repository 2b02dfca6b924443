using System.Collections.Immutable;
using System.Text.RegularExpressions;
using MlPlatform.Components.Gcp;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using Pulumi;
using Pulumi.Gcp;
using Pulumi.Gcp.Organizations;
using Pulumi.Gcp.Storage;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Stacks.Gcp;

/// <summary>
/// The <c>gcp</c> target: a custom VPC with Cloud NAT and private services access, a private GKE cluster (Dataplane
/// V2, workload identity, shielded nodes, KMS-encrypted secrets, Node Auto-Provisioning), explicit node pools for
/// the system and the configured pools, and the MLflow storage (GCS artifacts, Cloud SQL PostgreSQL, credentials in
/// Secret Manager) with workload identities; then the shared Kubernetes layers, through a provider built from the
/// cluster.
/// </summary>
public static partial class GcpStack
{
    /// <summary>The MLflow database and user name.</summary>
    public const string MlflowDatabase = "mlflow";

    /// <summary>The Kubernetes service account of MLflow (bound to the artifact bucket's writer).</summary>
    public const string MlflowServiceAccount = "mlflow";

    /// <summary>The Kubernetes service account of external-secrets (bound to the database secret's reader).</summary>
    public const string ExternalSecretsServiceAccount = "external-secrets";

    /// <summary>The key of application-layer secrets encryption.</summary>
    public const string SecretsKey = "gke-secrets";

    /// <summary>The key of the nodes' boot disks.</summary>
    public const string DiskKey = "node-disks";

    /// <summary>The key of the MLflow bucket (with <c>bucketCmek</c>).</summary>
    public const string BucketKey = "mlflow-artifacts";

    /// <summary>The key of the MLflow database (Cloud SQL CMEK).</summary>
    public const string DatabaseKey = "mlflow-database";

    /// <summary>The role cert-manager holds on the DNS-01 managed zone (Cloud DNS has no narrower predefined role for record sets).</summary>
    public const string DnsAdminRole = "roles/dns.admin";

    /// <summary>
    /// Namespaces GKE creates and manages itself (system agents, managed Prometheus and DCGM): the platform's
    /// admission policies leave them alone, as they do kube-system.
    /// </summary>
    public static ImmutableArray<string> GkeManagedNamespaces { get; } = ["gke-managed-system", "gke-managed-cim", "gmp-system", "gmp-public", "gke-gmp-system"];

    /// <summary>
    /// The GKE metadata server as pods see it: 169.254.169.254:80, and on Dataplane V2 169.254.169.252:988. Pods that
    /// use workload identity get their tokens there; a default-deny egress policy would cut them off.
    /// </summary>
    public static ImmutableArray<string> MetadataServerCidrs { get; } = ["169.254.169.254/32", "169.254.169.252/32"];

    /// <summary>The GKE cluster name of a stack.</summary>
    public static string ClusterName(string project, string stack) => $"{project}-{stack}";

    /// <summary>Deploys the platform on GCP: the cloud resources, then the shared Kubernetes layers.</summary>
    /// <param name="config">The validated configuration (cloud <c>gcp</c>).</param>
    /// <exception cref="ConfigValidationException">When the stack name cannot name the cluster's resources.</exception>
    public static Dictionary<string, object?> Deploy(PlatformConfig config)
    {
        var clusterName = ClusterName(Deployment.Instance.ProjectName, Deployment.Instance.StackName);
        if (!ValidClusterName().IsMatch(clusterName))
        {
            throw new ConfigValidationException([new ConfigProblem("stack name",
                $"the cluster is named '<project>-<stack>' = '{clusterName}': GKE needs lower-case letters, digits and '-', a letter first, no '-' last, and at most 40 characters")]);
        }

        var cloud = Provision(config, clusterName);
        var outputs = KubernetesPlatform.Deploy(WithGkeNamespacesExempt(config), cloud.Kubernetes, cloud.Integration);
        foreach (var (key, value) in cloud.Outputs)
        {
            outputs[key] = value;
        }

        return outputs;
    }

    /// <summary>The configuration the shared layers see on GKE: GKE's managed namespaces exempt from the admission policies.</summary>
    public static PlatformConfig WithGkeNamespacesExempt(PlatformConfig config) => config with
    {
        Policies = config.Policies with { ExemptNamespaces = [.. config.Policies.ExemptNamespaces.Union(GkeManagedNamespaces)] },
    };

    /// <summary>
    /// Creates the GCP resources and the Kubernetes provider of the cluster, and says what the shared layers get from
    /// them. Must run inside a Pulumi deployment.
    /// </summary>
    /// <param name="config">The validated configuration (cloud <c>gcp</c>).</param>
    /// <param name="clusterName">The GKE cluster name.</param>
    public static GcpPlatform Provision(PlatformConfig config, string clusterName)
    {
        var gcp = config.Gcp ?? throw new ArgumentException("The gcp stack needs the gcp settings.", nameof(config));
        var region = config.Region ?? throw new ArgumentException("The gcp stack needs a region.", nameof(config));
        var project = gcp.ProjectId;
        var location = gcp.Zone ?? region;

        // The project and region are mlplatform:gcp.projectId and mlplatform:region, not gcp:project: one explicit
        // provider for every GCP resource and invoke, labelling everything it creates.
        var provider = new Pulumi.Gcp.Provider("gcp", new ProviderArgs
        {
            Project = project,
            Region = region,
            DefaultLabels = Labels(config, clusterName).ToDictionary(l => l.Key, l => l.Value),
        });
        var invokeOptions = new InvokeOptions { Provider = provider };
        var services = new ProjectServices("services", new ProjectServicesArgs { ProjectId = project }, new ComponentResourceOptions { Provider = provider });
        ComponentResourceOptions After(params Resource[] resources)
        {
            var options = new ComponentResourceOptions { Provider = provider, DependsOn = { services } };
            options.DependsOn.AddRange(resources.Select(r => (Input<Resource>)r).ToList());
            return options;
        }

        // The Google service agents that use the stack's keys (GKE for secrets, Compute Engine for disks, GCS for
        // objects). Reading the GCS agent also creates it when the project has none yet.
        var projectNumber = GetProject.Invoke(new GetProjectInvokeArgs { ProjectId = project }, invokeOptions).Apply(p => p.Number);
        Output<string> Agent(string service) => projectNumber.Apply(n => $"serviceAccount:service-{n}@{service}.iam.gserviceaccount.com");
        var storageAgent = GetProjectServiceAccount.Invoke(new GetProjectServiceAccountInvokeArgs { Project = project }, invokeOptions).Apply(a => a.Member);

        var network = new GcpNetwork("network", new GcpNetworkArgs
        {
            ClusterName = clusterName,
            ProjectId = project,
            Region = region,
            SubnetCidr = gcp.SubnetCidr,
            PodsCidr = gcp.PodsCidr,
            ServicesCidr = gcp.ServicesCidr,
            PrivateServicesCidr = gcp.PrivateServicesCidr,
            FlowLogs = new FlowLogSettings(gcp.FlowLogs.AggregationInterval, gcp.FlowLogs.Sampling),
        }, After());

        var bucketCmek = config.Addons.Mlflow && gcp.BucketCmek;

        // Cloud SQL's service agent exists only once asked for; it must hold the key before the instance is created.
        var sqlAgent = config.Addons.Mlflow
            ? new Pulumi.Gcp.Projects.ServiceIdentity("cloud-sql-agent", new Pulumi.Gcp.Projects.ServiceIdentityArgs { Project = project, Service = "sqladmin.googleapis.com" }, new CustomResourceOptions { Provider = provider, Parent = services, DependsOn = services.Services.Select(s => (Resource)s).ToArray() })
            : null;
        var keys = new Components.Gcp.KeyRing("keys", new KeyRingArgs
        {
            Name = $"{clusterName}-keys",
            ProjectId = project,
            Location = region,
            Keys =
            [
                new KeySpec(SecretsKey, [Agent("container-engine-robot")]),
                new KeySpec(DiskKey, [Agent("compute-system")]),
                .. bucketCmek ? new[] { new KeySpec(BucketKey, [storageAgent]) } : [],
                .. sqlAgent is null ? [] : new[] { new KeySpec(DatabaseKey, [sqlAgent.Member]) },
            ],
        }, After());

        var hasGpuPools = config.NodePools.Any(p => p.IsGpu);
        var cluster = new GkeCluster("gke", new GkeClusterArgs
        {
            Name = clusterName,
            ProjectId = project,
            Location = location,
            KubernetesVersion = config.KubernetesVersion,
            ReleaseChannel = ConfigReader.Lower(gcp.ReleaseChannel).ToUpperInvariant(),
            NetworkId = network.NetworkId,
            SubnetworkId = network.SubnetworkId,
            MasterCidr = gcp.MasterCidr,
            MasterAuthorizedNetworks = config.IsProduction ? [] : gcp.MasterAuthorizedNetworks,
            SecretsKeyId = keys.Key(SecretsKey),
            BootDiskKeyId = keys.Key(DiskKey),
            AutoscalingLimits = GcpNodePools.AutoscalingLimits(config, gcp),
            OptimizeUtilization = hasGpuPools,
            WebhookPorts = [.. config.Namespaces.SelectMany(n => n.WebhookPorts).Distinct()],
            GpuMetrics = hasGpuPools,
            BinaryAuthorization = config.IsProduction,
            DeletionProtection = config.IsProduction,
        }, After([.. keys.Grants]));

        var registry = new ArtifactRegistry("images", new ArtifactRegistryArgs
        {
            RepositoryId = clusterName,
            ProjectId = project,
            Location = region,
            ImmutableTags = config.IsProduction,
            Readers = [cluster.NodeServiceAccountEmail.Apply(email => $"serviceAccount:{email}")],
        }, After());

        // Nodes write logs and pull images as the node account, and boot from disks the Compute Engine agent encrypts.
        var nodePools = new GkeNodePools("node-pools", new GkeNodePoolsArgs
        {
            ClusterId = cluster.ClusterId,
            ProjectId = project,
            Location = location,
            ServiceAccountEmail = cluster.NodeServiceAccountEmail,
            BootDiskKeyId = keys.Key(DiskKey),
            Pools = [GcpNodePools.System(config, gcp), .. config.NodePools.Select(p => GcpNodePools.ToGke(p, gcp))],
        }, After([.. cluster.NodeRoleGrants, .. registry.Grants, .. keys.Grants]));

        var logs = new ClusterLogs("logs", new ClusterLogsArgs
        {
            ClusterName = clusterName,
            SubnetworkName = network.SubnetworkName,
            ProjectId = project,
            Location = region,
            RetentionDays = gcp.LogRetentionDays,
        }, After());

        var outputs = new Dictionary<string, object?>();
        var annotations = ImmutableDictionary.CreateBuilder<string, InputMap<string>>();
        Output<string>? artifactStoreUri = null;
        DatabaseConnection? database = null;

        if (config.Addons.Mlflow)
        {
            var mlflowIdentity = new WorkloadIdentity("mlflow-identity", new WorkloadIdentityArgs
            {
                AccountId = GcpNames.ServiceAccountId(clusterName, "mlflow"),
                ProjectId = project,
                Namespace = PlatformNamespaces.Mlflow,
                ServiceAccount = MlflowServiceAccount,
                Description = $"MLflow of {clusterName}: its artifact bucket only",
            }, After(cluster));
            annotations[mlflowIdentity.ServiceAccountKey] = mlflowIdentity.Annotations;

            var bucket = new GcsBucket("mlflow-artifacts", new GcsBucketArgs
            {
                Name = GcsBucket.NameFor(project, clusterName, "mlflow"),
                ProjectId = project,
                Location = region,
                KmsKeyId = bucketCmek ? (Input<string>)keys.Key(BucketKey) : null,
                ObjectAdmins = [mlflowIdentity.Member],
                SoftDeleteDays = config.IsProduction ? 30 : 7,
            }, After([.. keys.Grants]));
            artifactStoreUri = bucket.Uri;

            var externalSecretsIdentity = config.Addons.ExternalSecrets
                ? new WorkloadIdentity("external-secrets-identity", new WorkloadIdentityArgs
                {
                    AccountId = GcpNames.ServiceAccountId(clusterName, "secrets"),
                    ProjectId = project,
                    Namespace = PlatformNamespaces.ExternalSecrets,
                    ServiceAccount = ExternalSecretsServiceAccount,
                    Description = $"external-secrets of {clusterName}: the platform's secrets only",
                }, After(cluster))
                : null;
            if (externalSecretsIdentity is not null)
            {
                // Alertmanager's receiver secrets: created by the operators in Secret Manager before `pulumi up`.
                foreach (var (secret, i) in new[] { config.Alerting.SlackSecret, config.Alerting.PagerDutySecret, config.Alerting.WatchdogSecret }
                    .OfType<string>().Select((secret, i) => (secret, i)))
                {
                    _ = new Pulumi.Gcp.SecretManager.SecretIamMember($"alerting-secret-reader-{i}", new Pulumi.Gcp.SecretManager.SecretIamMemberArgs
                    {
                        Project = project,
                        SecretId = secret,
                        Role = CloudSqlPostgres.SecretAccessorRole,
                        Member = externalSecretsIdentity.Member,
                    }, new CustomResourceOptions { Parent = externalSecretsIdentity });
                }

                annotations[externalSecretsIdentity.ServiceAccountKey] = externalSecretsIdentity.Annotations;
                outputs["externalSecretsServiceAccount"] = externalSecretsIdentity.Email;
            }

            var db = new CloudSqlPostgres("mlflow-db", new CloudSqlPostgresArgs
            {
                InstanceName = $"{clusterName}-mlflow",
                ProjectId = project,
                Region = region,
                NetworkId = network.NetworkId,
                AllocatedIpRange = network.PrivateServicesRangeName,
                PrivateServicesConnection = network.PrivateServicesConnection,
                DatabaseName = MlflowDatabase,
                Username = MlflowDatabase,
                SecretId = $"{clusterName}-mlflow-database",
                SecretAccessors = externalSecretsIdentity is null ? [] : [externalSecretsIdentity.Member],
                Tier = gcp.Database.Tier,
                Edition = gcp.Database.Edition,
                DatabaseVersion = gcp.Database.DatabaseVersion,
                DiskSizeGb = gcp.Database.DiskSizeGb,
                BackupRetentionDays = gcp.Database.BackupRetentionDays,
                TransactionLogRetentionDays = gcp.Database.TransactionLogRetentionDays,
                HighAvailability = config.IsProduction,
                DeletionProtection = config.IsProduction,
                EncryptionKeyId = keys.Key(DatabaseKey),
            }, After([.. keys.Grants]));
            database = new DatabaseConnection(db.PrivateIp, Output.Create(CloudSqlPostgres.PostgresPort), MlflowDatabase, MlflowDatabase, db.SecretId, db.Password);

            outputs["artifactBucket"] = bucket.BucketName;
            outputs["artifactStoreUri"] = bucket.Uri;
            outputs["databaseInstance"] = db.ConnectionName;
            outputs["databaseEndpoint"] = Output.Format($"{db.PrivateIp}:{CloudSqlPostgres.PostgresPort}");
            outputs["databaseSecretName"] = db.SecretId;
            outputs["mlflowServiceAccount"] = mlflowIdentity.Email;
        }

        var telemetryStorage = TelemetryBucket(config, clusterName, project, region, bucketCmek ? keys.Key(BucketKey) : null, After(cluster), After([.. keys.Grants]), annotations, outputs);

        // Every Kubernetes object goes through the cluster's endpoint, authenticated by the deployer's gcloud credentials.
        var kubernetes = new K8s.Provider("gke", new K8s.ProviderArgs
        {
            KubeConfig = cluster.Kubeconfig,
            EnableServerSideApply = true,
        });

        // DNS-01 on Cloud DNS: cert-manager's account administers the configured managed zone only.
        Output<ImmutableDictionary<string, object>>? acmeDns = null;
        if (TlsPlan.NeedsDnsIdentity(config) && config.Gateway.Tls!.Acme!.Dns!.ManagedZone is { } managedZone)
        {
            var certManagerIdentity = new WorkloadIdentity("cert-manager-identity", new WorkloadIdentityArgs
            {
                AccountId = GcpNames.ServiceAccountId(clusterName, "certs"),
                ProjectId = project,
                Namespace = PlatformNamespaces.CertManager,
                ServiceAccount = Components.Addons.CertManager.ServiceAccountName,
                Description = $"cert-manager of {clusterName}: DNS-01 challenge records in managed zone {managedZone} only",
            }, After(cluster));
            _ = new Pulumi.Gcp.Dns.DnsManagedZoneIamMember("cert-manager-dns", new Pulumi.Gcp.Dns.DnsManagedZoneIamMemberArgs
            {
                Project = project,
                ManagedZone = managedZone,
                Role = DnsAdminRole,
                Member = certManagerIdentity.Member,
            }, new CustomResourceOptions { Parent = certManagerIdentity });
            annotations[certManagerIdentity.ServiceAccountKey] = certManagerIdentity.Annotations;
            acmeDns = Output.Create(TlsPlan.CloudDns(project, managedZone));
            outputs["certManagerServiceAccount"] = certManagerIdentity.Email;
        }

        var computeClasses = GcpNodePools.ComputeClasses(config);
        var integration = new CloudIntegration
        {
            // Kyverno compares the registry host of each image: the repository's host (its project and repository
            // are part of the image path, which the registry policy does not look at).
            ImageRegistry = Output.Create(registry.Host),
            ArtifactStoreUri = artifactStoreUri,
            TelemetryStorage = telemetryStorage,
            Database = database,
            SecretStore = new SecretStoreBackend("gcp-secret-manager", ImmutableDictionary<string, Input<string>>.Empty
                .Add("projectID", project)
                .Add("clusterProjectID", project)
                .Add("clusterLocation", location)
                .Add("clusterName", cluster.ClusterName)),
            ServiceAccountAnnotations = annotations.ToImmutable(),
            AcmeDnsProvider = acmeDns,
            // GKE installs the driver on its GPU nodes (gpuDriverInstallationConfig): no GPU operator driver or toolkit.
            NodeImageHasGpuDriver = true,
            // Dataplane V2 (Cilium) replaces kube-proxy, and GKE's cluster DNS is kube-dns.
            HasKubeProxy = false,
            KubeDns = true,
            ClusterReady = [.. nodePools.Pools.Values],
            StorageClasses = new CloudStorageClasses
            {
                Default = PdStorageClasses.Default(regional: gcp.IsRegional),
                Fast = PdStorageClasses.Fast(),
            },
            PoolNodeSelectors = GcpNodePools.NodeSelectors(config),
            NamespaceAllowRules = MetadataServerRules(config, annotations.Keys.Select(k => k[..k.IndexOf('/', StringComparison.Ordinal)])),
            ClusterAddons = computeClasses.IsEmpty
                ? []
                :
                [
                    tenancy => _ = new GkeComputeClasses("compute-classes", new GkeComputeClassesArgs
                    {
                        Classes = computeClasses,
                        BootDiskKeyId = keys.Key(DiskKey),
                        Labels = TenancyPlan.CommonLabels(config),
                    }, new ComponentResourceOptions { Provider = kubernetes, DependsOn = [.. nodePools.Pools.Values] }),
                ],
        };

        outputs["region"] = region;
        outputs["projectId"] = project;
        outputs["clusterName"] = cluster.ClusterName;
        outputs["clusterLocation"] = location;
        outputs["clusterEndpoint"] = cluster.Endpoint;
        outputs["kubeconfig"] = cluster.Kubeconfig;
        outputs["workloadPool"] = gcp.WorkloadPool;
        outputs["network"] = network.NetworkSelfLink;
        outputs["subnetwork"] = network.SubnetworkSelfLink;
        outputs["nodeServiceAccount"] = cluster.NodeServiceAccountEmail;
        outputs["artifactRegistry"] = registry.RepositoryUrl;
        outputs["logBucket"] = logs.BucketId;
        outputs["nodePools"] = GcpNodePools.Summary(config);
        return new GcpPlatform(integration, kubernetes, outputs);
    }

    /// <summary>The egress to the GKE metadata server of the namespaces whose service accounts use workload identity.</summary>
    public static ImmutableDictionary<string, ImmutableArray<NetworkAllowRule>> MetadataServerRules(PlatformConfig config, IEnumerable<string> identityNamespaces) =>
        identityNamespaces
            .Distinct(StringComparer.Ordinal)
            .Where(ns => config.FindNamespace(ns) is not null)
            .ToImmutableDictionary(ns => ns, _ => ImmutableArray.Create(new NetworkAllowRule
            {
                Name = "gke-metadata-server",
                Direction = TrafficDirection.Egress,
                Cidrs = MetadataServerCidrs,
                Ports = [new NetworkPort(80), new NetworkPort(988)],
            }));

    /// <summary>The labels of every GCP resource of the stack (GCP label syntax: lower-case, no dots or slashes).</summary>
    public static ImmutableDictionary<string, string> Labels(PlatformConfig config, string clusterName) =>
        ImmutableDictionary<string, string>.Empty
            .Add("mlplatform-cluster", clusterName)
            .Add("environment", ConfigReader.Lower(config.Environment))
            .Add("managed-by", "pulumi");

    [GeneratedRegex(@"\A[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?\z")]
    private static partial Regex ValidClusterName();
}

/// <summary>What the GCP layer hands on: the shared layers' integration, the cluster's provider, and its stack outputs.</summary>
/// <param name="Integration">Storage, database, secret store, identities and readiness for the shared layers.</param>
/// <param name="Kubernetes">The provider of the GKE cluster.</param>
/// <param name="Outputs">The GCP stack outputs (cluster, network, identities, storage, node pools).</param>
public sealed record GcpPlatform(CloudIntegration Integration, K8s.Provider Kubernetes, Dictionary<string, object?> Outputs);
