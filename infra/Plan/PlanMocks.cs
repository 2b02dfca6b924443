using System.Collections.Concurrent;
using System.Collections.Immutable;
using Pulumi.Testing;

namespace MlPlatform.Infra.Plan;

/// <summary>
/// The mock engine behind the offline plan and the tests: records every registration exactly as the engine
/// received it, and answers with plausible, deterministic outputs (IDs, ARNs, endpoints) and invoke results, so
/// that the whole program runs without a cloud account.
/// </summary>
public class PlanMocks : IMocks
{
    private readonly ConcurrentQueue<MockResourceArgs> _registrations = new();
    private readonly ConcurrentQueue<MockCallArgs> _calls = new();

    /// <summary>Creates the mocks for a stack in <paramref name="region"/>.</summary>
    public PlanMocks(string region = "us-east-1", string accountId = FakeCloud.AccountId)
    {
        Cloud = new FakeCloud(region, accountId);
    }

    /// <summary>The fake cloud answering for the mocks.</summary>
    public FakeCloud Cloud { get; }

    /// <summary>Every registration, in order.</summary>
    public IReadOnlyList<MockResourceArgs> Registrations => [.. _registrations];

    /// <summary>Every invoke, in order.</summary>
    public IReadOnlyList<MockCallArgs> Calls => [.. _calls];

    /// <inheritdoc />
    public virtual Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
    {
        _registrations.Enqueue(args);
        var type = args.Type ?? string.Empty;
        var name = args.Name ?? string.Empty;
        var state = args.Inputs.ToBuilder();
        foreach (var (key, value) in Cloud.OutputsFor(type, name, args.Inputs))
        {
            state[key] = value;
        }

        return Task.FromResult<(string?, object)>((Cloud.IdFor(type, name, args.Inputs), state.ToImmutable()));
    }

    /// <inheritdoc />
    public virtual Task<object> CallAsync(MockCallArgs args)
    {
        _calls.Enqueue(args);
        return Task.FromResult<object>(Cloud.Invoke(args.Token ?? string.Empty, args.Args));
    }

    /// <summary>The registrations of one type token.</summary>
    public IReadOnlyList<MockResourceArgs> OfType(string type) =>
        [.. Registrations.Where(r => r.Type == type)];

    /// <summary>The single registration of a type and name.</summary>
    /// <exception cref="InvalidOperationException">When there is none or more than one.</exception>
    public MockResourceArgs Single(string type, string name) =>
        Registrations.Single(r => r.Type == type && r.Name == name);
}

/// <summary>
/// Deterministic stand-ins for what a cloud returns: resource IDs and computed outputs by type, and invoke
/// results by token. Anything not listed echoes its inputs, as the mock engine does.
/// </summary>
public sealed class FakeCloud
{
    /// <summary>The account every fake ARN names.</summary>
    public const string AccountId = "123456789012";

    /// <summary>Creates the fake cloud.</summary>
    public FakeCloud(string region, string accountId)
    {
        Region = region;
        Account = accountId;
        Azure = new FakeAzure(region);
        Gcp = new FakeGcp(region);
    }

    /// <summary>The fake Azure Resource Manager (azure-native resources and invokes), in the same region.</summary>
    public FakeAzure Azure { get; }

    /// <summary>The region.</summary>
    public string Region { get; }

    /// <summary>The account.</summary>
    public string Account { get; }

    /// <summary>The answers for Google Cloud resources and invokes (<c>gcp:</c> tokens).</summary>
    public FakeGcp Gcp { get; }

    /// <summary>The ID a resource gets.</summary>
    public string IdFor(string type, string name, ImmutableDictionary<string, object> inputs) => type switch
    {
        _ when inputs.TryGetValue("metadata", out var m) && m is ImmutableDictionary<string, object> meta
            && meta.TryGetValue("name", out var objectName) =>
            meta.TryGetValue("namespace", out var ns) ? $"{ns}/{objectName}" : $"{objectName}",
        _ when type.StartsWith("azure-native:", StringComparison.Ordinal) => Azure.IdFor(type, name, inputs),
        _ when type.StartsWith("gcp:", StringComparison.Ordinal) => Gcp.IdFor(type, name, inputs),
        _ when AwsIdPrefix(type) is { } prefix => $"{prefix}-{Hex(name, 17)}",
        "aws:ec2/eip:Eip" => $"eipalloc-{Hex(name, 17)}",
        "aws:s3/bucket:Bucket" => BucketName(name, inputs),
        "aws:ec2/launchTemplate:LaunchTemplate" => $"lt-{Hex(name, 17)}",
        // The IDs the provider really assigns: a queue's URL, a secret's ARN, an instance's resource ID, a key's UUID.
        "aws:sqs/queue:Queue" => QueueUrl(Str(inputs, "name", name)),
        "aws:secretsmanager/secret:Secret" => SecretArn(Str(inputs, "name", name)),
        "aws:rds/instance:Instance" => DbResourceId(Str(inputs, "identifier", name)),
        "aws:kms/key:Key" => KeyId(name),
        "aws:eks/cluster:Cluster" or "aws:iam/role:Role" or "aws:rds/subnetGroup:SubnetGroup" =>
            inputs.TryGetValue("name", out var n) && n is string named ? named
            : inputs.TryGetValue("identifier", out var i) && i is string identifier ? identifier : name,
        _ => $"{name}-id",
    };

    /// <summary>Computed outputs of a resource, beyond its inputs.</summary>
    public IReadOnlyDictionary<string, object> OutputsFor(string type, string name, ImmutableDictionary<string, object> inputs) => type switch
    {
        "kubernetes:helm.sh/v3:Release" => new Dictionary<string, object>
        {
            ["status"] = ImmutableDictionary<string, object>.Empty
                .Add("name", inputs.GetValueOrDefault("name") ?? name)
                .Add("namespace", inputs.GetValueOrDefault("namespace") ?? "default")
                .Add("chart", inputs.GetValueOrDefault("chart") ?? "")
                .Add("version", inputs.GetValueOrDefault("version") ?? "")
                .Add("revision", 1.0)
                .Add("status", "deployed"),
        },
        // A password of the requested length, as the provider would generate: the plan must hide it by itself.
        "random:index/randomPassword:RandomPassword" => new Dictionary<string, object>
        {
            ["result"] = FakePassword(name, inputs.TryGetValue("length", out var length) && length is double l ? (int)l : 16),
            ["bcryptHash"] = "$2a$10$" + FakePassword(name + "-bcrypt", 53),
        },
        _ when type.StartsWith("aws:", StringComparison.Ordinal) => AwsOutputs(type, name, inputs),
        _ when type.StartsWith("azure-native:", StringComparison.Ordinal) => Azure.OutputsFor(type, name, inputs),
        _ when type.StartsWith("gcp:", StringComparison.Ordinal) => Gcp.OutputsFor(type, name, inputs),
        _ => ImmutableDictionary<string, object>.Empty,
    };

    /// <summary>A deterministic hex identifier of a resource, the shape AWS uses for IDs and OIDC issuers.</summary>
    public static string Hex(string seed, int length)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed));
        return Convert.ToHexString(hash).ToLowerInvariant()[..length];
    }

    /// <summary>A deterministic stand-in for a generated password of <paramref name="length"/> characters.</summary>
    public static string FakePassword(string seed, int length) =>
        string.Concat(Enumerable.Range(0, (length / 64) + 1).Select(i => Hex($"{seed}-{i}", 64)))[..Math.Max(0, length)];

    private string QueueUrl(string queue) => $"https://sqs.{Region}.amazonaws.com/{Account}/{queue}";

    private string SecretArn(string secret) => $"arn:aws:secretsmanager:{Region}:{Account}:secret:{secret}-{Hex(secret, 6)}";

    private static string DbResourceId(string identifier) => $"db-{Hex(identifier, 26).ToUpperInvariant()}";

    private static string KeyId(string name) =>
        $"{Hex(name, 8)}-{Hex(name + "1", 4)}-{Hex(name + "2", 4)}-{Hex(name + "3", 4)}-{Hex(name + "4", 12)}";

    private static string BucketName(string name, ImmutableDictionary<string, object> inputs) =>
        Str(inputs, "bucket", Str(inputs, "bucketPrefix", name) + Hex(name, 12));

    private static string Str(ImmutableDictionary<string, object> inputs, string key, string fallback) =>
        inputs.TryGetValue(key, out var value) && value is string text && text.Length > 0 ? text : fallback;

    private Dictionary<string, object> AwsOutputs(string type, string name, ImmutableDictionary<string, object> inputs)
    {
        var outputs = new Dictionary<string, object>();
        var arnPrefix = $"arn:aws";
        switch (type)
        {
            case "aws:eks/cluster:Cluster":
                {
                    var cluster = Str(inputs, "name", name);
                    var id = Hex(cluster, 32).ToUpperInvariant();
                    outputs["arn"] = $"{arnPrefix}:eks:{Region}:{Account}:cluster/{cluster}";
                    outputs["endpoint"] = $"https://{id}.gr7.{Region}.eks.amazonaws.com";
                    outputs["certificateAuthority"] = ImmutableDictionary<string, object>.Empty
                        .Add("data", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"-----BEGIN CERTIFICATE-----\n{id}\n-----END CERTIFICATE-----\n")));
                    outputs["identities"] = ImmutableArray.Create<object>(ImmutableDictionary<string, object>.Empty
                        .Add("oidcs", ImmutableArray.Create<object>(ImmutableDictionary<string, object>.Empty
                            .Add("issuer", $"https://oidc.eks.{Region}.amazonaws.com/id/{id}"))));
                    var vpcConfig = inputs.TryGetValue("vpcConfig", out var v) && v is ImmutableDictionary<string, object> given
                        ? given : ImmutableDictionary<string, object>.Empty;
                    outputs["vpcConfig"] = vpcConfig
                        .SetItem("clusterSecurityGroupId", $"sg-{Hex(cluster + "-cluster-sg", 17)}")
                        .SetItem("vpcId", $"vpc-{Hex("vpc", 17)}");
                    outputs["status"] = "ACTIVE";
                    outputs["platformVersion"] = "eks.1";
                    break;
                }

            case "aws:iam/role:Role":
                {
                    var role = Str(inputs, "name", name);
                    outputs["name"] = role;
                    outputs["arn"] = $"{arnPrefix}:iam::{Account}:role/{role}";
                    outputs["uniqueId"] = $"AROA{Hex(role, 17).ToUpperInvariant()}";
                    break;
                }

            case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
                outputs["arn"] = $"{arnPrefix}:iam::{Account}:oidc-provider/{Str(inputs, "url", name).Replace("https://", string.Empty, StringComparison.Ordinal)}";
                break;
            case "aws:iam/policy:Policy":
                outputs["arn"] = $"{arnPrefix}:iam::{Account}:policy/{Str(inputs, "name", name)}";
                break;
            case "aws:iam/instanceProfile:InstanceProfile":
                outputs["arn"] = $"{arnPrefix}:iam::{Account}:instance-profile/{Str(inputs, "name", name)}";
                break;
            case "aws:kms/key:Key":
                {
                    var keyId = KeyId(name);
                    outputs["keyId"] = keyId;
                    outputs["arn"] = $"{arnPrefix}:kms:{Region}:{Account}:key/{keyId}";
                    break;
                }

            case "aws:s3/bucket:Bucket":
                {
                    var bucket = BucketName(name, inputs);
                    outputs["bucket"] = bucket;
                    outputs["arn"] = $"{arnPrefix}:s3:::{bucket}";
                    outputs["bucketRegionalDomainName"] = $"{bucket}.s3.{Region}.amazonaws.com";
                    outputs["region"] = Region;
                    break;
                }

            case "aws:rds/instance:Instance":
                {
                    var identifier = Str(inputs, "identifier", name);
                    var host = $"{identifier}.c{Hex(Account, 11)}.{Region}.rds.amazonaws.com";
                    var port = inputs.TryGetValue("port", out var p) ? p : 5432d;
                    outputs["address"] = host;
                    outputs["endpoint"] = $"{host}:{port}";
                    outputs["port"] = port;
                    outputs["arn"] = $"{arnPrefix}:rds:{Region}:{Account}:db:{identifier}";
                    outputs["resourceId"] = DbResourceId(identifier);
                    break;
                }

            case "aws:secretsmanager/secret:Secret":
                {
                    var secret = Str(inputs, "name", name);
                    outputs["name"] = secret;
                    outputs["arn"] = SecretArn(secret);
                    break;
                }

            case "aws:ecr/repository:Repository":
                {
                    var repository = Str(inputs, "name", name);
                    outputs["name"] = repository;
                    outputs["arn"] = $"{arnPrefix}:ecr:{Region}:{Account}:repository/{repository}";
                    outputs["registryId"] = Account;
                    outputs["repositoryUrl"] = $"{Account}.dkr.ecr.{Region}.amazonaws.com/{repository}";
                    break;
                }

            case "aws:sqs/queue:Queue":
                {
                    var queue = Str(inputs, "name", name);
                    outputs["name"] = queue;
                    outputs["arn"] = $"{arnPrefix}:sqs:{Region}:{Account}:{queue}";
                    outputs["url"] = QueueUrl(queue);
                    break;
                }

            case "aws:cloudwatch/logGroup:LogGroup":
                outputs["arn"] = $"{arnPrefix}:logs:{Region}:{Account}:log-group:{Str(inputs, "name", name)}";
                break;
            case "aws:cloudwatch/eventRule:EventRule":
                outputs["name"] = Str(inputs, "name", name);
                outputs["arn"] = $"{arnPrefix}:events:{Region}:{Account}:rule/{Str(inputs, "name", name)}";
                break;
            case "aws:ec2/launchTemplate:LaunchTemplate":
                outputs["latestVersion"] = 1d;
                outputs["arn"] = $"{arnPrefix}:ec2:{Region}:{Account}:launch-template/lt-{Hex(name, 17)}";
                break;
            case "aws:eks/nodeGroup:NodeGroup":
                outputs["arn"] = $"{arnPrefix}:eks:{Region}:{Account}:nodegroup/{name}";
                outputs["status"] = "ACTIVE";
                break;
            case "aws:eks/addon:Addon":
                outputs["addonVersion"] = Str(inputs, "addonVersion", "v0.0.0-eksbuild.1");
                outputs["arn"] = $"{arnPrefix}:eks:{Region}:{Account}:addon/{name}";
                break;
            case "aws:rds/subnetGroup:SubnetGroup":
                outputs["name"] = Str(inputs, "name", name);
                outputs["arn"] = $"{arnPrefix}:rds:{Region}:{Account}:subgrp:{Str(inputs, "name", name)}";
                break;
            case "aws:ec2/eip:Eip":
                outputs["publicIp"] = $"198.51.100.{(Hex(name, 2)[0] % 200) + 10}";
                outputs["allocationId"] = $"eipalloc-{Hex(name, 17)}";
                break;
            default:
                if (AwsIdPrefix(type) is { } prefix)
                {
                    outputs["arn"] = $"{arnPrefix}:ec2:{Region}:{Account}:{prefix}/{prefix}-{Hex(name, 17)}";
                }

                break;
        }

        return outputs;
    }

    private static string? AwsIdPrefix(string type) => type switch
    {
        "aws:ec2/vpc:Vpc" => "vpc",
        "aws:ec2/subnet:Subnet" => "subnet",
        "aws:ec2/internetGateway:InternetGateway" => "igw",
        "aws:ec2/natGateway:NatGateway" => "nat",
        "aws:ec2/routeTable:RouteTable" => "rtb",
        "aws:ec2/securityGroup:SecurityGroup" => "sg",
        "aws:ec2/flowLog:FlowLog" => "fl",
        _ => null,
    };

    /// <summary>The result of an invoke.</summary>
    public object Invoke(string token, ImmutableDictionary<string, object> args) => token switch
    {
        _ when token.StartsWith("azure-native:", StringComparison.Ordinal) => Azure.Invoke(token, args),
        _ when token.StartsWith("gcp:", StringComparison.Ordinal) => Gcp.Invoke(token, args),
        "aws:index/getAvailabilityZones:getAvailabilityZones" => new Dictionary<string, object>
        {
            ["id"] = Region,
            ["names"] = ImmutableArray.Create<object>($"{Region}a", $"{Region}b", $"{Region}c"),
            ["zoneIds"] = ImmutableArray.Create<object>("use1-az1", "use1-az2", "use1-az3"),
            ["groupNames"] = ImmutableArray.Create<object>(Region),
        },
        "aws:index/getCallerIdentity:getCallerIdentity" => new Dictionary<string, object>
        {
            ["id"] = Account,
            ["accountId"] = Account,
            ["arn"] = $"arn:aws:iam::{Account}:user/platform-admin",
            ["userId"] = "AIDAEXAMPLEUSERID",
        },
        "aws:index/getPartition:getPartition" => new Dictionary<string, object>
        {
            ["id"] = "aws",
            ["partition"] = "aws",
            ["dnsSuffix"] = "amazonaws.com",
            ["reverseDnsPrefix"] = "com.amazonaws",
        },
        "aws:index/getRegion:getRegion" => new Dictionary<string, object>
        {
            ["id"] = Region,
            ["name"] = Region,
            ["region"] = Region,
            ["endpoint"] = $"ec2.{Region}.amazonaws.com",
            ["description"] = Region,
        },
        _ => args,
    };
}
