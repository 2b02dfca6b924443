using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Addons.Observability;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Observability;

/// <summary>Loki and Tempo: chart values against the pinned charts, storage per cloud, identity and retention.</summary>
public class TelemetryBackendTests
{

    public static TheoryData<string?> Stores => new()
    {
        { "s3://telemetry-bucket" },
        { "gs://telemetry-bucket" },
        { "wasbs://telemetry@sttelemetry.blob.core.windows.net" },
        { null },
    };

    private static TelemetryBackendSettings Settings(string? uri, bool ha = false) => new()
    {
        HighAvailability = ha,
        PriorityClassName = "system-critical",
        Store = uri is null ? null : ArtifactStore.Parse(uri),
        Region = uri?.StartsWith("s3://", StringComparison.Ordinal) == true ? "eu-west-1" : null,
        Retention = "168h",
        StorageSize = "20Gi",
        ServiceAccountAnnotations = ImmutableDictionary<string, string>.Empty.Add("eks.amazonaws.com/role-arn", "arn:aws:iam::1:role/loki"),
        PodLabels = ImmutableDictionary<string, string>.Empty.Add("azure.workload.identity/use", "true"),
    };

    [Theory]
    [MemberData(nameof(Stores))]
    public void Every_loki_value_exists_in_loki_18_11_0(string? uri)
    {
        foreach (var ha in uri is null ? new[] { false } : [false, true])
        {
            var values = Json.Of(Loki.Values(Settings(uri, ha)));
            Assert.Empty(ChartValues.UnknownKeys(VersionCatalog.Loki.Name, VersionCatalog.Loki.Version, values));
        }
    }

    [Theory]
    [InlineData("s3://telemetry-bucket", "s3")]
    [InlineData("gs://telemetry-bucket", "gcs")]
    [InlineData("wasbs://telemetry@sttelemetry.blob.core.windows.net", "azure")]
    public void Loki_stores_chunks_and_index_in_the_bucket_with_retention(string uri, string type)
    {
        var values = Json.Of(Loki.Values(Settings(uri)));
        var loki = values["loki"]!;

        Assert.Equal(type, loki["storage"]!["type"]!.GetValue<string>());
        var bucket = type == "azure" ? "telemetry" : "telemetry-bucket";
        Assert.Equal(bucket, loki["storage"]!["bucketNames"]!["chunks"]!.GetValue<string>());
        var schema = Assert.Single(loki["schemaConfig"]!["configs"]!.AsArray())!;
        Assert.Equal(type, schema["object_store"]!.GetValue<string>());
        Assert.Equal("tsdb", schema["store"]!.GetValue<string>());
        Assert.Equal("v13", schema["schema"]!.GetValue<string>());
        Assert.Equal("168h", loki["limits_config"]!["retention_period"]!.GetValue<string>());
        Assert.True(loki["compactor"]!["retention_enabled"]!.GetValue<bool>());
        Assert.Equal(type, loki["compactor"]!["delete_request_store"]!.GetValue<string>());
        Assert.False(loki["auth_enabled"]!.GetValue<bool>());
        Assert.Equal("arn:aws:iam::1:role/loki", values["serviceAccount"]!["annotations"]!["eks.amazonaws.com/role-arn"]!.GetValue<string>());
        Assert.Equal("loki", values["serviceAccount"]!["name"]!.GetValue<string>());
        Assert.Equal("true", loki["podLabels"]!["azure.workload.identity/use"]!.GetValue<string>());
        switch (type)
        {
            case "s3":
                Assert.Equal("eu-west-1", loki["storage"]!["s3"]!["region"]!.GetValue<string>());
                break;
            case "azure":
                Assert.Equal("sttelemetry", loki["storage"]!["azure"]!["accountName"]!.GetValue<string>());
                Assert.True(loki["storage"]!["azure"]!["useFederatedToken"]!.GetValue<bool>());
                Assert.Null(loki["storage"]!["azure"]!["accountKey"]);
                break;
        }

        var attributes = Assert.Single(loki["limits_config"]!["otlp_config"]!["resource_attributes"]!["attributes_config"]!.AsArray())!;
        Assert.Equal("index_label", attributes["action"]!.GetValue<string>());
        Assert.Equal(["k8s.namespace.name", "k8s.pod.name", "k8s.container.name"], attributes["attributes"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public void Loki_is_monolithic_without_ha_and_simple_scalable_with_it_and_runs_no_extra_pods()
    {
        var single = Json.Of(Loki.Values(Settings("s3://b")));
        Assert.Equal("Monolithic", single["deploymentMode"]!.GetValue<string>());
        Assert.Equal(1, single["singleBinary"]!["replicas"]!.GetValue<int>());
        Assert.Equal("20Gi", single["singleBinary"]!["persistence"]!["size"]!.GetValue<string>());
        Assert.Equal("system-critical", single["singleBinary"]!["priorityClassName"]!.GetValue<string>());
        Assert.All(new[] { "write", "read", "backend" }, t => Assert.Equal(0, single[t]!["replicas"]!.GetValue<int>()));
        Assert.Equal(1, single["loki"]!["commonConfig"]!["replication_factor"]!.GetValue<int>());

        var scalable = Json.Of(Loki.Values(Settings("s3://b", ha: true)));
        Assert.Equal("SimpleScalable", scalable["deploymentMode"]!.GetValue<string>());
        Assert.Equal(0, scalable["singleBinary"]!["replicas"]!.GetValue<int>());
        Assert.Equal(3, scalable["write"]!["replicas"]!.GetValue<int>());
        Assert.Equal(2, scalable["read"]!["replicas"]!.GetValue<int>());
        Assert.Equal(2, scalable["backend"]!["replicas"]!.GetValue<int>());
        Assert.Equal(3, scalable["loki"]!["commonConfig"]!["replication_factor"]!.GetValue<int>());

        foreach (var values in new[] { single, scalable })
        {
            foreach (var off in new[] { "gateway", "chunksCache", "resultsCache", "lokiCanary", "test" })
            {
                Assert.False(values[off]!["enabled"]!.GetValue<bool>(), off);
            }
        }

        Assert.Equal("http://loki.loki.svc.cluster.local:3100", Loki.PushUrl("loki", false));
        Assert.Equal("http://loki-write.loki.svc.cluster.local:3100", Loki.PushUrl("loki", true));
        Assert.Equal("http://loki-read.loki.svc.cluster.local:3100", Loki.QueryUrl("loki", true));
    }

    [Fact]
    public void Loki_keeps_logs_on_its_volume_without_a_bucket_and_refuses_scaling_without_one()
    {
        var values = Json.Of(Loki.Values(Settings(null)));
        Assert.Equal("filesystem", values["loki"]!["storage"]!["type"]!.GetValue<string>());
        Assert.Null(values["loki"]!["storage"]!["bucketNames"]);
        Assert.Equal("filesystem", values["loki"]!["schemaConfig"]!["configs"]![0]!["object_store"]!.GetValue<string>());
        Assert.Throws<ArgumentException>(() => Loki.Values(Settings(null, ha: true)));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Every_tempo_value_exists_in_tempo_2_2_4_and_traces_go_to_the_bucket(string? uri)
    {
        var values = Json.Of(Tempo.Values(Settings(uri)));
        Assert.Empty(ChartValues.UnknownKeys(VersionCatalog.Tempo.Name, VersionCatalog.Tempo.Version, values));

        var trace = values["tempo"]!["storage"]!["trace"]!;
        Assert.Equal("168h", values["tempo"]!["retention"]!.GetValue<string>());
        Assert.Equal("/var/tempo/wal", trace["wal"]!["path"]!.GetValue<string>());
        Assert.Equal("tempo", values["serviceAccount"]!["name"]!.GetValue<string>());
        Assert.True(values["persistence"]!["enabled"]!.GetValue<bool>());
        switch (uri?[..uri.IndexOf(':', StringComparison.Ordinal)])
        {
            case "s3":
                Assert.Equal("s3", trace["backend"]!.GetValue<string>());
                Assert.Equal("telemetry-bucket", trace["s3"]!["bucket"]!.GetValue<string>());
                Assert.Equal("s3.eu-west-1.amazonaws.com", trace["s3"]!["endpoint"]!.GetValue<string>());
                Assert.Equal("traces", trace["s3"]!["prefix"]!.GetValue<string>());
                Assert.Null(trace["s3"]!["access_key"]);
                break;
            case "gs":
                Assert.Equal("gcs", trace["backend"]!.GetValue<string>());
                Assert.Equal("telemetry-bucket", trace["gcs"]!["bucket_name"]!.GetValue<string>());
                Assert.Equal("traces", trace["gcs"]!["prefix"]!.GetValue<string>());
                break;
            case "wasbs":
                Assert.Equal("azure", trace["backend"]!.GetValue<string>());
                Assert.Equal("telemetry", trace["azure"]!["container_name"]!.GetValue<string>());
                Assert.Equal("sttelemetry", trace["azure"]!["storage_account_name"]!.GetValue<string>());
                Assert.True(trace["azure"]!["use_federated_token"]!.GetValue<bool>());
                break;
            default:
                Assert.Equal("local", trace["backend"]!.GetValue<string>());
                break;
        }
    }

    [Fact]
    public void Tempo_and_loki_pods_fit_pod_security_restricted()
    {
        var tempo = Json.Of(Tempo.Values(Settings(null)));
        Assert.True(tempo["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
        Assert.Equal("RuntimeDefault", tempo["securityContext"]!["seccompProfile"]!["type"]!.GetValue<string>());
        var container = tempo["tempo"]!["securityContext"]!;
        Assert.False(container["allowPrivilegeEscalation"]!.GetValue<bool>());
        Assert.Equal("[\"ALL\"]", container["capabilities"]!["drop"]!.ToJsonString());

        // Loki's chart defaults already are restricted (RuntimeDefault seccomp, non-root, no capabilities): the
        // platform sets no security context there, and turns off the pods that are not (nginx gateway, memcached).
        var loki = Json.Of(Loki.Values(Settings(null)));
        Assert.Null(loki["loki"]!["podSecurityContext"]);
    }

    [Fact]
    public async Task Releases_come_from_the_catalog_into_their_namespaces()
    {
        var mocks = await ComponentTest.RunAsync(() =>
        {
            var args = new TelemetryBackendArgs { Namespace = "loki", Retention = "48h", StorageSize = "10Gi", StoreUri = Pulumi.Output.Create("gs://b") };
            _ = new Loki("loki", args);
            _ = new Tempo("tempo", new TelemetryBackendArgs { Namespace = "tempo", Retention = "24h", StorageSize = "10Gi" });
        });

        var loki = mocks.Inputs("kubernetes:helm.sh/v3:Release", "loki");
        Assert.Equal(("loki", "18.11.0", "https://grafana-community.github.io/helm-charts", "loki"),
            (loki["chart"]!.GetValue<string>(), loki["version"]!.GetValue<string>(), loki["repositoryOpts"]!["repo"]!.GetValue<string>(), loki["namespace"]!.GetValue<string>()));
        Assert.Equal("gcs", loki["values"]!["loki"]!["storage"]!["type"]!.GetValue<string>());
        Assert.Equal("48h", loki["values"]!["loki"]!["limits_config"]!["retention_period"]!.GetValue<string>());
        var tempo = mocks.Inputs("kubernetes:helm.sh/v3:Release", "tempo");
        Assert.Equal(("tempo", "2.2.4", "tempo"), (tempo["chart"]!.GetValue<string>(), tempo["version"]!.GetValue<string>(), tempo["namespace"]!.GetValue<string>()));
        Assert.Equal("local", tempo["values"]!["tempo"]!["storage"]!["trace"]!["backend"]!.GetValue<string>());
        Assert.IsType<JsonObject>(tempo["values"]);
    }
}
