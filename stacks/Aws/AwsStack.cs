using System.Collections.Immutable;
using System.Text.RegularExpressions;
using MlPlatform.Components.Aws;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using Pulumi;
using Pulumi.Aws;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Stacks.Aws;

/// <summary>
/// The <c>aws</c> target: a VPC, a locked-down EKS cluster, Karpenter for GPU and batch capacity, and the MLflow
/// storage (S3 artifacts, RDS PostgreSQL, credentials in Secrets Manager) with IRSA identities; then the shared
/// Kubernetes layers on top, through a provider built from the cluster.
/// </summary>
public static partial class AwsStack
{
    /// <summary>The MLflow database and user name.</summary>
    public const string MlflowDatabase = "mlflow";

    /// <summary>The service account of MLflow (bound to the bucket role).</summary>
    public const string MlflowServiceAccount = "mlflow";

    /// <summary>The service account of external-secrets (bound to the secrets role).</summary>
    public const string ExternalSecretsServiceAccount = "external-secrets";

    /// <summary>The service account of the Karpenter controller.</summary>
    public const string KarpenterServiceAccount = "karpenter";

    /// <summary>The service account of the AWS Load Balancer Controller.</summary>
    public const string LoadBalancerControllerServiceAccount = "aws-load-balancer-controller";

    /// <summary>The node-local endpoint where the EKS Pod Identity agent serves credentials (port 80).</summary>
    public const string PodIdentityAgentCidr = "169.254.170.23/32";

    /// <summary>The EKS cluster name of a stack.</summary>
    public static string ClusterName(string project, string stack) => $"{project}-{stack}";

    /// <summary>Deploys the platform on AWS: the cloud resources, then the shared Kubernetes layers.</summary>
    /// <param name="config">The validated configuration (cloud <c>aws</c>).</param>
    /// <exception cref="ConfigValidationException">When the stack name cannot name the cluster's resources.</exception>
    public static Dictionary<string, object?> Deploy(PlatformConfig config)
    {
        var clusterName = ClusterName(Deployment.Instance.ProjectName, Deployment.Instance.StackName);
        if (!ValidClusterName().IsMatch(clusterName))
        {
            throw new ConfigValidationException([new ConfigProblem("stack name",
                $"the cluster is named '<project>-<stack>' = '{clusterName}': it must be lower-case letters, digits and '-', start with a letter and be at most 32 characters, because AWS names derived from it (IAM roles, EventBridge rules, RDS identifiers) are short")]);
        }

        var cloud = Provision(config, clusterName);
        var outputs = KubernetesPlatform.Deploy(config, cloud.Kubernetes, cloud.Integration);
        foreach (var (key, value) in cloud.Outputs)
        {
            outputs[key] = value;
        }

        return outputs;
    }

    /// <summary>
    /// Creates the AWS resources and the Kubernetes provider of the cluster, and says what the shared layers get
    /// from them. Must run inside a Pulumi deployment.
    /// </summary>
    /// <param name="config">The validated configuration (cloud <c>aws</c>).</param>
    /// <param name="clusterName">The EKS cluster name.</param>
    public static AwsPlatform Provision(PlatformConfig config, string clusterName)
    {
        var aws = config.Aws ?? throw new ArgumentException("The aws stack needs the aws settings.", nameof(config));
        var region = config.Region ?? throw new ArgumentException("The aws stack needs a region.", nameof(config));
        var tags = Tags(config, clusterName);

        // The region is mlplatform:region, not aws:region: one explicit provider for every AWS resource and invoke.
        var provider = new Pulumi.Aws.Provider("aws", new ProviderArgs { Region = region });
        var awsOptions = new ComponentResourceOptions { Provider = provider };
        var invokeOptions = new InvokeOptions { Provider = provider };
        var partitionResult = GetPartition.Invoke(new GetPartitionInvokeArgs(), invokeOptions);
        var partition = partitionResult.Apply(p => p.Partition);
        var accountId = GetCallerIdentity.Invoke(new GetCallerIdentityInvokeArgs(), invokeOptions).Apply(c => c.AccountId);

        var network = new AwsNetwork("network", new AwsNetworkArgs
        {
            ClusterName = clusterName,
            Cidr = aws.VpcCidr,
            NatGatewayPerZone = config.IsProduction,
            FlowLogRetentionDays = aws.LogRetentionDays,
            Tags = tags,
        }, awsOptions);

        var cluster = new EksCluster("eks", new EksClusterArgs
        {
            Name = clusterName,
            KubernetesVersion = config.KubernetesVersion,
            Region = region,
            Partition = partition,
            SubnetIds = network.PrivateSubnetIds,
            PublicAccessCidrs = config.IsProduction ? [] : aws.PublicAccessCidrs,
            AdminRoleArns = aws.AdminRoleArns,
            SystemNodes = new SystemNodeGroupSettings(aws.SystemInstanceType, config.SystemNodePool.Min, config.SystemNodePool.Max, config.SystemNodePool.Desired),
            NodeImage = aws.NodeImage,
            AddonVersions = Components.Addons.VersionCatalog.EksAddonVersions(config.KubernetesVersion)
                ?? throw new ArgumentException($"No pinned EKS add-on versions for Kubernetes {config.KubernetesVersion}.", nameof(config)),
            Identity = aws.Identity,
            AccountId = accountId,
            DeletionProtection = config.IsProduction,
            LogRetentionDays = aws.LogRetentionDays,
            Tags = tags,
        }, awsOptions);

        var karpenterAws = new KarpenterInfrastructure("karpenter", new KarpenterInfrastructureArgs
        {
            ClusterName = clusterName,
            ClusterNameOutput = cluster.ClusterName,
            Identity = aws.Identity,
            OidcProviderArn = cluster.OidcProviderArn is { } oidcProvider ? (Input<string>)oidcProvider : null,
            OidcIssuer = cluster.OidcIssuer,
            Namespace = PlatformNamespaces.Karpenter,
            ServiceAccount = KarpenterServiceAccount,
            Region = region,
            Partition = partition,
            AccountId = accountId,
            Tags = tags,
        }, awsOptions);

        var outputs = new Dictionary<string, object?>();
        var registry = Registry(aws, clusterName, region, partition, partitionResult.Apply(p => p.DnsSuffix), accountId,
            [cluster.SystemNodeRoleName, karpenterAws.NodeRoleName], tags, awsOptions, outputs);
        var annotations = ImmutableDictionary.CreateBuilder<string, InputMap<string>>();
        var identityContext = new WorkloadIdentityContext
        {
            Mode = aws.Identity,
            ClusterName = cluster.ClusterName,
            AccountId = accountId,
            OidcProviderArn = cluster.OidcProviderArn ?? Output.Create(string.Empty),
            OidcIssuer = cluster.OidcIssuer,
            Tags = tags,
        };

        // Pods find their role through an annotation (IRSA) or an association that must exist before they start (Pod
        // Identity): every association joins what the Kubernetes layers wait for.
        var bindings = new List<Resource>();
        var credentialNamespaces = new List<string>();
        ServiceAccountIdentity Identity(string workload, ServiceAccountPermissions permissions)
        {
            var identity = ServiceAccountIdentity.Create(
                aws.Identity == WorkloadIdentityMode.Irsa ? $"{workload}-irsa" : $"{workload}-pod-identity", identityContext, permissions, awsOptions);
            annotations[identity.ServiceAccountKey] = identity.Annotations;
            credentialNamespaces.Add(permissions.Namespace);
            if (identity.Binding is not null)
            {
                bindings.Add(identity.Binding);
            }

            return identity;
        }

        var secretArns = new List<Output<string>>();
        var secretKeys = new List<Output<string>>();
        Output<string>? artifactStoreUri = null;
        DatabaseConnection? database = null;

        if (config.Addons.Mlflow)
        {
            var bucket = new ArtifactBucket("mlflow-artifacts", new ArtifactBucketArgs
            {
                NamePrefix = BucketPrefix(clusterName),
                Description = $"MLflow artifacts of {clusterName}",
                Tags = tags,
            }, awsOptions);
            artifactStoreUri = bucket.Uri;

            var db = new PostgresDatabase("mlflow-db", new PostgresDatabaseArgs
            {
                Identifier = $"{clusterName}-mlflow",
                VpcId = network.VpcId,
                SubnetIds = network.PrivateSubnetIds,
                ClientSecurityGroupIds = [cluster.ClusterSecurityGroupId],
                DatabaseName = MlflowDatabase,
                Username = MlflowDatabase,
                SecretName = $"{clusterName}/mlflow/database",
                InstanceClass = aws.Database.InstanceClass,
                AllocatedStorage = aws.Database.AllocatedStorage,
                BackupRetentionDays = aws.Database.BackupRetentionDays,
                EngineVersion = aws.Database.EngineVersion,
                MultiAz = config.IsProduction,
                DeletionProtection = config.IsProduction,
                LogRetentionDays = aws.LogRetentionDays,
                Tags = tags,
            }, awsOptions);
            database = new DatabaseConnection(db.Address, db.Port, MlflowDatabase, MlflowDatabase, db.SecretName, db.Password);
            secretArns.Add(db.SecretArn);
            secretKeys.Add(db.KmsKeyArn);

            var mlflowRole = Identity("mlflow", new ServiceAccountPermissions(
                PlatformNamespaces.Mlflow,
                MlflowServiceAccount,
                $"MLflow of {clusterName}: its artifact bucket only",
                Output.Tuple(bucket.BucketArn, bucket.KmsKeyArn).Apply(t => IamPolicies.BucketReadWrite(t.Item1, t.Item2))));

            // Benchmark checkpoints and PostgreSQL backups: each service account its own role on the bucket.
            foreach (var account in BucketAccess.Accounts(config))
            {
                _ = Identity(account.Name, new ServiceAccountPermissions(
                    account.Namespace,
                    account.ServiceAccount,
                    $"{account.Purpose} in {clusterName}: the artifact bucket only",
                    Output.Tuple(bucket.BucketArn, bucket.KmsKeyArn).Apply(t => IamPolicies.BucketReadWrite(t.Item1, t.Item2))));
            }

            outputs["artifactBucket"] = bucket.BucketName;
            outputs["artifactStoreUri"] = bucket.Uri;
            outputs["databaseEndpoint"] = Output.Format($"{db.Address}:{db.Port}");
            outputs["databaseSecretName"] = db.SecretName;
            outputs["mlflowRoleArn"] = mlflowRole.RoleArn;
        }

        // Alertmanager's receiver secrets, created by the operators in Secrets Manager (never in configuration).
        secretArns.AddRange(AlertingSecretArns(config, partition, region, accountId, secretKeys.Count > 0));
        var telemetryStorage = TelemetryBucket(config, clusterName, region, tags, awsOptions, Identity, outputs);

        if (config.Addons.ExternalSecrets && secretArns.Count > 0)
        {
            var externalSecretsRole = Identity("external-secrets", new ServiceAccountPermissions(
                PlatformNamespaces.ExternalSecrets,
                ExternalSecretsServiceAccount,
                $"external-secrets of {clusterName}: the platform's secrets only",
                Output.Tuple(Output.All(secretArns), secretKeys[0]).Apply(t => IamPolicies.SecretsRead(t.Item1, t.Item2))));
            outputs["externalSecretsRoleArn"] = externalSecretsRole.RoleArn;
        }

        // DNS-01 on Route 53: cert-manager's role may write challenge records in the configured hosted zone only.
        Output<ImmutableDictionary<string, object>>? acmeDns = null;
        if (TlsPlan.NeedsDnsIdentity(config) && config.Gateway.Tls!.Acme!.Dns!.HostedZoneId is { } hostedZoneId)
        {
            var certManagerRole = Identity("cert-manager", new ServiceAccountPermissions(
                PlatformNamespaces.CertManager,
                Components.Addons.CertManager.ServiceAccountName,
                $"cert-manager of {clusterName}: DNS-01 challenge records in hosted zone {hostedZoneId} only",
                partition.Apply(p => IamPolicies.Route53Dns01(p, hostedZoneId))));
            acmeDns = Output.Create(TlsPlan.Route53(region, hostedZoneId));
            outputs["certManagerRoleArn"] = certManagerRole.RoleArn;
        }

        var loadBalancerControllerRole = Identity("aws-load-balancer-controller", new ServiceAccountPermissions(
            PlatformNamespaces.AwsLoadBalancerController,
            LoadBalancerControllerServiceAccount,
            $"AWS Load Balancer Controller of {clusterName}: the upstream policy of its version",
            partition.Apply(IamPolicies.LoadBalancerController)));
        credentialNamespaces.Add(PlatformNamespaces.Karpenter);
        if (karpenterAws.ControllerIdentity.Binding is not null)
        {
            bindings.Add(karpenterAws.ControllerIdentity.Binding);
        }

        AccessLogBucket? accessLogs = null;
        if (aws.LoadBalancer.AccessLogs && config.Addons.Gateway)
        {
            accessLogs = new AccessLogBucket("gateway-access-logs", new AccessLogBucketArgs
            {
                NamePrefix = AccessLogBucketPrefix(clusterName),
                AccountId = accountId,
                Partition = partition,
                Region = region,
                RetentionDays = aws.LogRetentionDays,
                Tags = tags,
            }, awsOptions);
            outputs["gatewayAccessLogBucket"] = accessLogs.BucketName;
        }

        // Every Kubernetes call needs the deployer's access entry; every workload needs nodes and the CNI.
        var kubernetes = new K8s.Provider("eks", new K8s.ProviderArgs
        {
            KubeConfig = cluster.Kubeconfig,
            EnableServerSideApply = true,
        }, new CustomResourceOptions { DependsOn = [.. cluster.AdminAccess] });

        var karpenterSettings = new KarpenterControllerSettings(
            clusterName,
            karpenterAws.QueueName,
            KarpenterServiceAccount,
            config.IsProduction ? 2 : 1,
            ImmutableDictionary<string, string>.Empty.Add(EksCluster.SystemNodeLabel, "system"));
        var nodeClasses = AwsNodePools.NodeClasses(config, aws, clusterName, tags);
        var nodePools = config.NodePools.Select(AwsNodePools.ToKarpenter).ToImmutableArray();

        var integration = new CloudIntegration
        {
            ImageRegistry = registry.RegistryHost,
            ArtifactStoreUri = artifactStoreUri,
            TelemetryStorage = telemetryStorage,
            Database = database,
            SecretStore = new SecretStoreBackend("aws-secrets-manager", ImmutableDictionary<string, Input<string>>.Empty.Add("region", region)),
            ServiceAccountAnnotations = annotations.ToImmutable(),
            AcmeDnsProvider = acmeDns,
            NodeImageHasGpuDriver = aws.NodeImage.ShipsGpuDriver(),
            ClusterReady = [.. cluster.Ready, karpenterAws.NodeAccessEntry, .. bindings],
            GatewayService = GatewayService(config, aws, accessLogs, new LoadBalancerControllerSettings(
                clusterName,
                region,
                LoadBalancerControllerServiceAccount,
                config.IsProduction,
                PriorityTier.Ladder[0].Name,
                ImmutableDictionary<string, string>.Empty.Add(EksCluster.SystemNodeLabel, "system")), network.VpcId, loadBalancerControllerRole, kubernetes, [.. cluster.Ready, .. bindings]),
            NamespaceAllowRules = NamespaceAllowRules(config, aws, credentialNamespaces),
            StorageClasses = new CloudStorageClasses
            {
                Default = EbsStorageClasses.Default(cluster.VolumesKeyArn),
                Fast = EbsStorageClasses.Fast(cluster.VolumesKeyArn),
            },
            ClusterAddons =
            [
                tenancy =>
                {
                    var ns = tenancy.Namespaces[PlatformNamespaces.Karpenter];
                    _ = new Karpenter("karpenter", new KarpenterArgs
                    {
                        Namespace = ns.NamespaceName,
                        NamespaceResource = ns,
                        Controller = karpenterSettings,
                        ServiceAccountAnnotations = karpenterAws.ControllerIdentity.Annotations,
                        // On an upgrade the node classes move after the control plane, the system nodes and every
                        // add-on (the Karpenter nodes drift to the new version's image after those).
                        After = [.. cluster.Ready, .. bindings],
                        NodeClasses = nodeClasses,
                        NodePools = nodePools,
                        Labels = TenancyPlan.CommonLabels(config),
                    }, new ComponentResourceOptions
                    {
                        Provider = kubernetes,
                        // The controller runs on the system nodes and its nodes join through their access entry. The node
                        // classes name the node role and the queue by name: depending on the whole infrastructure keeps
                        // them until the pools are gone and their instances terminated.
                        DependsOn = [.. cluster.Ready, karpenterAws, .. bindings],
                    });

                    // Karpenter has no minimum: placeholders keep each pool's configured minimum of nodes up.
                    var warm = AwsNodePools.WarmPools(config);
                    if (warm.Length > 0)
                    {
                        _ = new Components.Addons.WarmCapacity("warm-capacity", new Components.Addons.WarmCapacityArgs
                        {
                            Namespace = ns.NamespaceName,
                            Pools = warm,
                            PriorityClassName = PriorityTier.Ladder[^1].Name,
                            Ready = [ns, tenancy.PriorityClasses],
                            Labels = TenancyPlan.CommonLabels(config),
                        }, new ComponentResourceOptions { Provider = kubernetes, DependsOn = [.. cluster.Ready, .. bindings] });
                    }
                },
            ],
        };

        outputs["region"] = region;
        outputs["clusterName"] = cluster.ClusterName;
        outputs["clusterEndpoint"] = cluster.Endpoint;
        outputs["kubeconfig"] = cluster.Kubeconfig;
        outputs["identity"] = ConfigReader.Lower(aws.Identity);
        if (cluster.OidcProviderArn is not null)
        {
            outputs["oidcProviderArn"] = cluster.OidcProviderArn;
        }

        outputs["loadBalancerControllerRoleArn"] = loadBalancerControllerRole.RoleArn;
        outputs["vpcId"] = network.VpcId;
        outputs["privateSubnetIds"] = network.PrivateSubnetIds;
        outputs["karpenterControllerRoleArn"] = karpenterAws.ControllerRoleArn;
        outputs["karpenterNodeRoleArn"] = karpenterAws.NodeRoleArn;
        outputs["karpenterInterruptionQueue"] = karpenterAws.QueueName;
        outputs["nodePools"] = AwsNodePools.Summary(config);
        return new AwsPlatform(integration, kubernetes, outputs);
    }

    /// <summary>
    /// The ARNs of the alerting secrets external-secrets reads (Secrets Manager appends six random characters to a
    /// secret's name); none without receivers or without the platform's own secrets, whose key the read policy names.
    /// </summary>
    private static IEnumerable<Output<string>> AlertingSecretArns(
        PlatformConfig config, Output<string> partition, string region, Output<string> accountId, bool hasPlatformSecrets)
    {
        if (!hasPlatformSecrets)
        {
            return [];
        }

        return new[] { config.Alerting.SlackSecret, config.Alerting.PagerDutySecret, config.Alerting.WatchdogSecret }
            .OfType<string>()
            .Select(name => Output.Format($"arn:{partition}:secretsmanager:{region}:{accountId}:secret:{name}-??????"));
    }

    /// <summary>
    /// The gateway's LoadBalancer Service on AWS: an NLB of the AWS Load Balancer Controller (which this deploys),
    /// admitting only <c>network.loadBalancerSourceCidrs</c>.
    /// </summary>
    private static GatewayServiceSettings GatewayService(
        PlatformConfig config, AwsConfig aws, AccessLogBucket? accessLogs, LoadBalancerControllerSettings controller,
        Output<string> vpcId, ServiceAccountIdentity identity, K8s.Provider kubernetes, ImmutableArray<Resource> after)
    {
        var settings = new NlbSettings(aws.LoadBalancer.Scheme, aws.LoadBalancer.CertificateArn);
        var attributes = $"{NlbService.Prefix}attributes";
        var annotations = new InputMap<string>();
        foreach (var (key, value) in NlbService.Annotations(settings).Where(a => accessLogs is null || a.Key != attributes))
        {
            annotations.Add(key, value);
        }

        if (accessLogs is not null)
        {
            // The load balancer attribute is refused until log delivery may write to the bucket: wait for its policy.
            annotations.Add(attributes, Output.Tuple(accessLogs.BucketName, accessLogs.Policy.Id)
                .Apply(t => NlbService.Annotations(settings with { AccessLogBucket = t.Item1 })[attributes]));
        }

        var sourceRanges = config.Network.LoadBalancerSourceCidrs;
        return new GatewayServiceSettings
        {
            LoadBalancerClass = AwsLoadBalancerController.NlbClass,
            Annotations = annotations,
            // 0.0.0.0/0 is the same as no restriction; anything narrower becomes the NLB security group's only rules.
            LoadBalancerSourceRanges = sourceRanges.Contains("0.0.0.0/0") ? [] : sourceRanges,
            Controller = tenancy =>
            {
                var ns = tenancy.Namespaces[PlatformNamespaces.AwsLoadBalancerController];
                return new AwsLoadBalancerController("aws-load-balancer-controller", new AwsLoadBalancerControllerArgs
                {
                    Namespace = ns.NamespaceName,
                    NamespaceResource = ns,
                    Controller = controller,
                    VpcId = vpcId,
                    ServiceAccountAnnotations = identity.Annotations,
                    After = after,
                }, new ComponentResourceOptions { Provider = kubernetes, DependsOn = [.. after] }).Release;
            },
        };
    }

    /// <summary>
    /// Openings of single namespaces on AWS: the Pod Identity agent's node-local endpoint for the namespaces whose
    /// workloads call AWS, and the NLB's health checks (from the VPC) on the gateway's listener ports.
    /// </summary>
    public static ImmutableDictionary<string, ImmutableArray<NetworkAllowRule>> NamespaceAllowRules(
        PlatformConfig config, AwsConfig aws, IEnumerable<string> credentialNamespaces)
    {
        var rules = new Dictionary<string, List<NetworkAllowRule>>();
        void Add(string ns, NetworkAllowRule rule)
        {
            if (config.FindNamespace(ns) is null)
            {
                return;
            }

            if (!rules.TryGetValue(ns, out var list))
            {
                rules[ns] = list = [];
            }

            list.Add(rule);
        }

        if (aws.Identity == WorkloadIdentityMode.PodIdentity)
        {
            foreach (var ns in credentialNamespaces.Distinct(StringComparer.Ordinal))
            {
                Add(ns, new NetworkAllowRule
                {
                    Name = "pod-identity-agent",
                    Direction = TrafficDirection.Egress,
                    Cidrs = [PodIdentityAgentCidr],
                    Ports = [new NetworkPort(80)],
                });
            }
        }

        if (config.Addons.Gateway)
        {
            // With client IP preservation the proxies see the clients' addresses (the load-balancer rule); the NLB's
            // own health checks come from its addresses in the VPC.
            Add(PlatformNamespaces.Gateway, new NetworkAllowRule
            {
                Name = "load-balancer-health-checks",
                Direction = TrafficDirection.Ingress,
                Cidrs = [aws.VpcCidr],
                Ports = [new NetworkPort(10080), new NetworkPort(10443)],
            });
        }

        return rules.ToImmutableDictionary(r => r.Key, r => r.Value.ToImmutableArray());
    }

    /// <summary>The access-log bucket's name prefix (at most 37 characters before S3's unique suffix).</summary>
    public static string AccessLogBucketPrefix(string clusterName)
    {
        var prefix = $"{clusterName}-lb-logs-";
        return prefix.Length <= 37 ? prefix : $"{prefix[..36].TrimEnd('-')}-";
    }

    /// <summary>The bucket name prefix: S3 allows at most 37 characters before the unique suffix.</summary>
    public static string BucketPrefix(string clusterName)
    {
        var prefix = $"{clusterName}-mlflow-";
        return prefix.Length <= 37 ? prefix : $"{prefix[..36].TrimEnd('-')}-";
    }

    [GeneratedRegex(@"\A[a-z][a-z0-9-]{0,31}\z")]
    private static partial Regex ValidClusterName();

    /// <summary>The tags of every AWS resource of the stack.</summary>
    public static ImmutableDictionary<string, string> Tags(PlatformConfig config, string clusterName) =>
        ImmutableDictionary<string, string>.Empty
            .Add("mlplatform.io/cluster", clusterName)
            .Add(PlatformLabels.Environment, ConfigReader.Lower(config.Environment))
            .Add("managed-by", "pulumi");
}

/// <summary>What the AWS layer hands on: the shared layers' integration, the cluster's provider, and its stack outputs.</summary>
/// <param name="Integration">Storage, database, secret store, identities and readiness for the shared layers.</param>
/// <param name="Kubernetes">The provider of the EKS cluster.</param>
/// <param name="Outputs">The AWS stack outputs (cluster, network, identities, storage, node pools).</param>
public sealed record AwsPlatform(CloudIntegration Integration, K8s.Provider Kubernetes, Dictionary<string, object?> Outputs);
