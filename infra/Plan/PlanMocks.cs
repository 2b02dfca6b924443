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
    }

    /// <summary>The region.</summary>
    public string Region { get; }

    /// <summary>The account.</summary>
    public string Account { get; }

    /// <summary>The ID a resource gets.</summary>
    public string IdFor(string type, string name, ImmutableDictionary<string, object> inputs) => type switch
    {
        _ when inputs.TryGetValue("metadata", out var m) && m is ImmutableDictionary<string, object> meta
            && meta.TryGetValue("name", out var objectName) =>
            meta.TryGetValue("namespace", out var ns) ? $"{ns}/{objectName}" : $"{objectName}",
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
        "random:index/randomPassword:RandomPassword" => new Dictionary<string, object>
        {
            ["result"] = StackConfigFile.SecretPlaceholder,
            ["bcryptHash"] = StackConfigFile.SecretPlaceholder,
        },
        _ => ImmutableDictionary<string, object>.Empty,
    };

    /// <summary>The result of an invoke.</summary>
    public object Invoke(string token, ImmutableDictionary<string, object> args) => token switch
    {
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
