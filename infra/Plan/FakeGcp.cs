using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Net;

namespace MlPlatform.Infra.Plan;

/// <summary>
/// Deterministic stand-ins for what Google Cloud returns: resource IDs in the formats the provider really uses
/// (<c>projects/&lt;p&gt;/regions/&lt;r&gt;/subnetworks/&lt;name&gt;</c>, a bucket's name, a node pool's
/// <c>&lt;p&gt;/&lt;location&gt;/&lt;cluster&gt;/&lt;name&gt;</c>), computed outputs (self links, the cluster's endpoint and
/// CA, service account emails, Cloud SQL's private IP from its reserved range and its connection name, secret
/// names with the project number) and the results of the invokes the GCP stack makes.
/// </summary>
public sealed class FakeGcp
{
    /// <summary>The project of resources that name none.</summary>
    public const string DefaultProject = "mlplatform-project";

    /// <summary>The GKE version the fake control plane and nodes report.</summary>
    public const string GkeVersion = "1.34.1-gke.1829001";

    private const string ComputeApi = "https://www.googleapis.com/compute/v1";

    // Private services ranges by name: Cloud SQL takes its private IP from the range it names.
    private readonly ConcurrentDictionary<string, string> _ranges = new(StringComparer.Ordinal);

    /// <summary>Creates the fake cloud of a region.</summary>
    public FakeGcp(string region)
    {
        Region = region;
    }

    /// <summary>The region of regional resources that name none.</summary>
    public string Region { get; }

    /// <summary>The project number of a project ID (twelve digits, as Google assigns them).</summary>
    public static string ProjectNumber(string projectId) =>
        (long.Parse(FakeCloud.Hex(projectId, 10), NumberStyles.HexNumber, CultureInfo.InvariantCulture) % 900_000_000_000 + 100_000_000_000)
            .ToString(CultureInfo.InvariantCulture);

    /// <summary>The ID a GCP resource gets.</summary>
    public string IdFor(string type, string name, ImmutableDictionary<string, object> inputs)
    {
        var project = Project(inputs);
        var region = Str(inputs, "region", Region);
        var location = Str(inputs, "location", region);
        var resourceName = Str(inputs, "name", name);
        return type switch
        {
            "gcp:compute/network:Network" => $"projects/{project}/global/networks/{resourceName}",
            "gcp:compute/subnetwork:Subnetwork" => $"projects/{project}/regions/{region}/subnetworks/{resourceName}",
            "gcp:compute/router:Router" => $"projects/{project}/regions/{region}/routers/{resourceName}",
            "gcp:compute/routerNat:RouterNat" => $"{project}/{region}/{Str(inputs, "router", name)}/{resourceName}",
            "gcp:compute/globalAddress:GlobalAddress" => $"projects/{project}/global/addresses/{resourceName}",
            "gcp:compute/firewall:Firewall" => $"projects/{project}/global/firewalls/{resourceName}",
            "gcp:servicenetworking/connection:Connection" => $"{Str(inputs, "network", name)}:{Str(inputs, "service", "servicenetworking.googleapis.com")}",
            "gcp:container/cluster:Cluster" => $"projects/{project}/locations/{location}/clusters/{resourceName}",
            "gcp:container/nodePool:NodePool" => $"{project}/{location}/{Last(Str(inputs, "cluster", "cluster"))}/{resourceName}",
            "gcp:serviceaccount/account:Account" => $"projects/{project}/serviceAccounts/{Email(inputs, project, name)}",
            "gcp:serviceaccount/iAMMember:IAMMember" => $"{Str(inputs, "serviceAccountId", name)}/{Str(inputs, "role", "")}/{Str(inputs, "member", "")}",
            "gcp:projects/iAMMember:IAMMember" => $"{project}/{Str(inputs, "role", "")}/{Str(inputs, "member", "")}",
            "gcp:projects/service:Service" => $"{project}/{Str(inputs, "service", name)}",
            "gcp:kms/keyRing:KeyRing" => $"projects/{project}/locations/{location}/keyRings/{resourceName}",
            "gcp:kms/cryptoKey:CryptoKey" => $"{Str(inputs, "keyRing", "keyRing")}/cryptoKeys/{resourceName}",
            "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember" => $"{Str(inputs, "cryptoKeyId", name)}/{Str(inputs, "role", "")}/{Str(inputs, "member", "")}",
            "gcp:storage/bucket:Bucket" => resourceName,
            "gcp:storage/bucketIAMMember:BucketIAMMember" => $"b/{Str(inputs, "bucket", name)}/{Str(inputs, "role", "")}/{Str(inputs, "member", "")}",
            "gcp:sql/databaseInstance:DatabaseInstance" => resourceName,
            "gcp:sql/database:Database" => $"projects/{project}/instances/{Str(inputs, "instance", "")}/databases/{resourceName}",
            "gcp:sql/user:User" => $"{resourceName}//{Str(inputs, "instance", "")}",
            "gcp:secretmanager/secret:Secret" => $"projects/{project}/secrets/{Str(inputs, "secretId", name)}",
            "gcp:secretmanager/secretVersion:SecretVersion" => $"{SecretName(Str(inputs, "secret", name))}/versions/1",
            "gcp:secretmanager/secretIamMember:SecretIamMember" =>
                $"projects/{project}/secrets/{Str(inputs, "secretId", name)}/{Str(inputs, "role", "")}/{Str(inputs, "member", "")}",
            "gcp:artifactregistry/repository:Repository" => $"projects/{project}/locations/{location}/repositories/{Str(inputs, "repositoryId", name)}",
            "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember" =>
                $"projects/{project}/locations/{location}/repositories/{Str(inputs, "repository", name)}/{Str(inputs, "role", "")}/{Str(inputs, "member", "")}",
            "gcp:logging/projectBucketConfig:ProjectBucketConfig" => $"projects/{project}/locations/{location}/buckets/{Str(inputs, "bucketId", name)}",
            "gcp:logging/projectSink:ProjectSink" => $"projects/{project}/sinks/{resourceName}",
            "gcp:logging/projectExclusion:ProjectExclusion" => $"projects/{project}/exclusions/{resourceName}",
            _ => $"{name}-id",
        };
    }

    /// <summary>Computed outputs of a GCP resource, beyond its inputs.</summary>
    public IReadOnlyDictionary<string, object> OutputsFor(string type, string name, ImmutableDictionary<string, object> inputs)
    {
        var project = Project(inputs);
        var region = Str(inputs, "region", Region);
        var location = Str(inputs, "location", region);
        var resourceName = Str(inputs, "name", name);
        var outputs = new Dictionary<string, object>();
        switch (type)
        {
            case "gcp:compute/network:Network":
                outputs["name"] = resourceName;
                outputs["selfLink"] = $"{ComputeApi}/projects/{project}/global/networks/{resourceName}";
                outputs["networkId"] = NumericId(resourceName, 19);
                break;
            case "gcp:compute/subnetwork:Subnetwork":
                outputs["name"] = resourceName;
                outputs["selfLink"] = $"{ComputeApi}/projects/{project}/regions/{region}/subnetworks/{resourceName}";
                outputs["gatewayAddress"] = Offset(Str(inputs, "ipCidrRange", "10.0.0.0/20"), 1);
                outputs["region"] = region;
                break;
            case "gcp:compute/router:Router":
                outputs["name"] = resourceName;
                outputs["selfLink"] = $"{ComputeApi}/projects/{project}/regions/{region}/routers/{resourceName}";
                break;
            case "gcp:compute/globalAddress:GlobalAddress":
                _ranges[resourceName] = $"{Str(inputs, "address", "10.100.0.0")}/{(inputs.TryGetValue("prefixLength", out var prefix) ? prefix : 16d)}";
                outputs["name"] = resourceName;
                outputs["selfLink"] = $"{ComputeApi}/projects/{project}/global/addresses/{resourceName}";
                break;
            case "gcp:compute/firewall:Firewall":
                outputs["selfLink"] = $"{ComputeApi}/projects/{project}/global/firewalls/{resourceName}";
                break;
            case "gcp:servicenetworking/connection:Connection":
                outputs["peering"] = "servicenetworking-googleapis-com";
                break;
            case "gcp:container/cluster:Cluster":
                ClusterOutputs(outputs, inputs, project, location, resourceName);
                break;
            case "gcp:container/nodePool:NodePool":
                outputs["name"] = resourceName;
                outputs["version"] = GkeVersion;
                outputs["instanceGroupUrls"] = ImmutableArray.Create<object>(
                    $"{ComputeApi}/projects/{project}/zones/{location}-a/instanceGroupManagers/gke-{resourceName}-{FakeCloud.Hex(resourceName, 8)}-grp");
                break;
            case "gcp:serviceaccount/account:Account":
                {
                    var email = Email(inputs, project, name);
                    outputs["email"] = email;
                    outputs["name"] = $"projects/{project}/serviceAccounts/{email}";
                    outputs["member"] = $"serviceAccount:{email}";
                    outputs["uniqueId"] = NumericId(email, 21);
                    break;
                }

            case "gcp:serviceaccount/iAMMember:IAMMember" or "gcp:projects/iAMMember:IAMMember" or "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
                or "gcp:storage/bucketIAMMember:BucketIAMMember" or "gcp:secretmanager/secretIamMember:SecretIamMember"
                or "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember":
                outputs["etag"] = $"BwY{FakeCloud.Hex(name, 9)}=";
                break;
            case "gcp:kms/keyRing:KeyRing":
                outputs["name"] = resourceName;
                break;
            case "gcp:kms/cryptoKey:CryptoKey":
                outputs["name"] = resourceName;
                outputs["primaries"] = ImmutableArray.Create<object>(ImmutableDictionary<string, object>.Empty
                    .Add("name", $"{Str(inputs, "keyRing", "keyRing")}/cryptoKeys/{resourceName}/cryptoKeyVersions/1")
                    .Add("state", "ENABLED"));
                break;
            case "gcp:projects/serviceIdentity:ServiceIdentity":
                {
                    // The agent's address as Google names it per service: service-<number>@gcp-sa-<service>.iam.gserviceaccount.com.
                    var agent = Str(inputs, "service", "service").Split('.')[0] switch
                    {
                        "sqladmin" => "cloud-sql",
                        var service => service,
                    };
                    outputs["email"] = $"service-{ProjectNumber(project)}@gcp-sa-{agent}.iam.gserviceaccount.com";
                    outputs["member"] = $"serviceAccount:{outputs["email"]}";
                    break;
                }

            case "gcp:storage/bucket:Bucket":
                outputs["name"] = resourceName;
                outputs["url"] = $"gs://{resourceName}";
                outputs["selfLink"] = $"https://www.googleapis.com/storage/v1/b/{resourceName}";
                break;
            case "gcp:sql/databaseInstance:DatabaseInstance":
                {
                    var range = ((inputs.GetValueOrDefault("settings") as ImmutableDictionary<string, object>)
                        ?.GetValueOrDefault("ipConfiguration") as ImmutableDictionary<string, object>)
                        ?.GetValueOrDefault("allocatedIpRange") as string;
                    var privateIp = Offset(range is not null && _ranges.TryGetValue(range, out var cidr) ? cidr : "10.100.0.0/16", 3);
                    outputs["name"] = resourceName;
                    outputs["connectionName"] = $"{project}:{region}:{resourceName}";
                    outputs["privateIpAddress"] = privateIp;
                    outputs["firstIpAddress"] = privateIp;
                    outputs["ipAddresses"] = ImmutableArray.Create<object>(ImmutableDictionary<string, object>.Empty
                        .Add("ipAddress", privateIp).Add("type", "PRIVATE"));
                    outputs["selfLink"] = $"https://sqladmin.googleapis.com/sql/v1beta4/projects/{project}/instances/{resourceName}";
                    outputs["serviceAccountEmailAddress"] = $"p{ProjectNumber(project)}-{FakeCloud.Hex(resourceName, 6)}@gcp-sa-cloud-sql.iam.gserviceaccount.com";
                    break;
                }

            case "gcp:secretmanager/secret:Secret":
                {
                    var secretId = Str(inputs, "secretId", name);
                    outputs["secretId"] = secretId;
                    outputs["name"] = $"projects/{ProjectNumber(project)}/secrets/{secretId}";
                    break;
                }

            case "gcp:secretmanager/secretVersion:SecretVersion":
                outputs["name"] = $"{SecretName(Str(inputs, "secret", name))}/versions/1";
                outputs["version"] = "1";
                break;
            case "gcp:artifactregistry/repository:Repository":
                {
                    var repository = Str(inputs, "repositoryId", name);
                    outputs["name"] = repository;
                    outputs["registryUri"] = $"{location}-docker.pkg.dev/{project}/{repository}";
                    break;
                }

            case "gcp:logging/projectBucketConfig:ProjectBucketConfig":
                outputs["name"] = $"projects/{project}/locations/{location}/buckets/{Str(inputs, "bucketId", name)}";
                break;
            case "gcp:logging/projectSink:ProjectSink":
                outputs["writerIdentity"] = $"serviceAccount:service-{ProjectNumber(project)}@gcp-sa-logging.iam.gserviceaccount.com";
                break;
        }

        return outputs;
    }

    /// <summary>The result of a GCP invoke.</summary>
    public object Invoke(string token, ImmutableDictionary<string, object> args)
    {
        var project = Str(args, "projectId", Str(args, "project", DefaultProject));
        return token switch
        {
            "gcp:organizations/getProject:getProject" => new Dictionary<string, object>
            {
                ["id"] = $"projects/{project}",
                ["projectId"] = project,
                ["number"] = ProjectNumber(project),
                ["name"] = project,
            },
            "gcp:storage/getProjectServiceAccount:getProjectServiceAccount" => new Dictionary<string, object>
            {
                ["id"] = $"service-{ProjectNumber(project)}@gs-project-accounts.iam.gserviceaccount.com",
                ["project"] = project,
                ["emailAddress"] = $"service-{ProjectNumber(project)}@gs-project-accounts.iam.gserviceaccount.com",
                ["member"] = $"serviceAccount:service-{ProjectNumber(project)}@gs-project-accounts.iam.gserviceaccount.com",
            },
            _ => args,
        };
    }

    private static void ClusterOutputs(Dictionary<string, object> outputs, ImmutableDictionary<string, object> inputs, string project, string location, string cluster)
    {
        var privateConfig = inputs.GetValueOrDefault("privateClusterConfig") as ImmutableDictionary<string, object> ?? ImmutableDictionary<string, object>.Empty;
        var privateEndpoint = Offset(privateConfig.GetValueOrDefault("masterIpv4CidrBlock") as string ?? "172.16.0.0/28", 2);
        var seed = FakeCloud.Hex(cluster, 6);
        var publicEndpoint = $"34.{(Convert.ToInt32(seed[..2], 16) % 200) + 20}.{Convert.ToInt32(seed[2..4], 16)}.{Convert.ToInt32(seed[4..], 16) % 250 + 2}";
        var isPrivate = privateConfig.GetValueOrDefault("enablePrivateEndpoint") is true;

        outputs["name"] = cluster;
        outputs["endpoint"] = isPrivate ? privateEndpoint : publicEndpoint;
        outputs["masterVersion"] = GkeVersion;
        outputs["selfLink"] = $"https://container.googleapis.com/v1/projects/{project}/locations/{location}/clusters/{cluster}";
        outputs["masterAuth"] = ImmutableDictionary<string, object>.Empty
            .Add("clusterCaCertificate", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
                $"-----BEGIN CERTIFICATE-----\n{FakeCloud.Hex(cluster + "-ca", 48)}\n-----END CERTIFICATE-----\n")))
            .Add("clientCertificateConfigs", ImmutableArray.Create<object>(ImmutableDictionary<string, object>.Empty.Add("issueClientCertificate", false)));
        outputs["privateClusterConfig"] = privateConfig
            .SetItem("privateEndpoint", privateEndpoint)
            .SetItem("publicEndpoint", isPrivate ? string.Empty : publicEndpoint)
            .SetItem("peeringName", $"gke-n{FakeCloud.Hex(cluster, 18)}-peer");
        outputs["operation"] = string.Empty;
    }

    private static string Project(ImmutableDictionary<string, object> inputs)
    {
        if (Str(inputs, "project", string.Empty) is { Length: > 0 } project)
        {
            return project.StartsWith("projects/", StringComparison.Ordinal) ? project["projects/".Length..] : project;
        }

        // Child resources name their parent by ID: projects/<project>/...
        foreach (var key in new[] { "keyRing", "cryptoKeyId", "secret", "serviceAccountId", "cluster", "network" })
        {
            if (Str(inputs, key, string.Empty) is var parent && parent.StartsWith("projects/", StringComparison.Ordinal))
            {
                return parent.Split('/')[1];
            }
        }

        return DefaultProject;
    }

    private static string Email(ImmutableDictionary<string, object> inputs, string project, string name) =>
        $"{Str(inputs, "accountId", name)}@{project}.iam.gserviceaccount.com";

    private static string SecretName(string secretId) =>
        secretId.StartsWith("projects/", StringComparison.Ordinal) && secretId.Split('/') is [_, var project, "secrets", var id, ..]
            ? $"projects/{ProjectNumber(project)}/secrets/{id}"
            : secretId;

    private static string Last(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static string NumericId(string seed, int digits)
    {
        var hex = FakeCloud.Hex(seed, 32);
        var text = string.Concat(hex.Select(c => (char)('0' + Convert.ToInt32(c.ToString(), 16) % 10)));
        return $"1{text[..(digits - 1)]}";
    }

    /// <summary>The address <paramref name="offset"/> above the start of a CIDR block.</summary>
    private static string Offset(string cidr, int offset)
    {
        var bytes = IPAddress.Parse(cidr[..cidr.IndexOf('/')]).GetAddressBytes();
        var address = (uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3];
        address += (uint)offset;
        return new IPAddress([(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address]).ToString();
    }

    private static string Str(ImmutableDictionary<string, object> inputs, string key, string fallback) =>
        inputs.TryGetValue(key, out var value) && value is string text && text.Length > 0 ? text : fallback;
}
