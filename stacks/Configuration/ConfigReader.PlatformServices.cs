using System.Text.RegularExpressions;
using MlPlatform.Policies;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Reading and validation of the platform-services settings: policies, monitoring and the gateway.</summary>
public static partial class ConfigReader
{
    private static PolicyConfig ReadPolicies(JsonConfigNode? node, DeploymentEnvironment? environment, AddonsConfig addons, List<ConfigProblem> problems)
    {
        var defaults = PolicyConfig.For(environment ?? DeploymentEnvironment.Development);
        if (node is null)
        {
            return defaults;
        }

        if (!addons.Kyverno)
        {
            problems.Add(new(node.Key, "set, but the kyverno add-on is disabled on this stack; remove it or enable addons.kyverno"));
        }

        var mode = ReadEnum<PolicyMode>(node.String("mode"), node.Child("mode"), problems, required: false, fullKey: true) ?? defaults.Mode;
        var registries = node.StringList("allowedRegistries") ?? defaults.AllowedRegistries;
        var exempt = node.StringList("exemptNamespaces") ?? [];
        node.RejectUnknownKeys();

        for (var i = 0; i < exempt.Length; i++)
        {
            if (!KubernetesNames.IsDns1123Label(exempt[i]))
            {
                problems.Add(new($"{node.Child("exemptNamespaces")}[{i}]", $"'{exempt[i]}' is not a namespace name"));
            }
            else if (PlatformNamespaces.All.Any(n => n.Name == exempt[i]))
            {
                problems.Add(new($"{node.Child("exemptNamespaces")}[{i}]",
                    $"'{exempt[i]}' is a platform namespace; its exclusions are decided per policy in code, not by configuration"));
            }
        }

        if (registries.IsEmpty)
        {
            node.Problem("allowedRegistries", "must list at least one registry (an empty list would reject every image)");
        }

        for (var i = 0; i < registries.Length; i++)
        {
            if (!IsRegistryHost(registries[i]))
            {
                problems.Add(new($"{node.Child("allowedRegistries")}[{i}]",
                    $"'{registries[i]}' is not a registry host such as 'ghcr.io', 'registry.example.com:5000' or '123456789012.dkr.ecr.us-east-1.amazonaws.com' (no scheme, path or wildcard)"));
            }
        }

        // Judged once the list itself is sound: a configured list must keep the platform's own images admissible.
        if (node.StringList("allowedRegistries") is not null && addons.Kyverno && !registries.IsEmpty && registries.All(IsRegistryHost))
        {
            foreach (var missing in PlatformRegistries(addons).Where(r => !registries.Contains(r.Registry)).GroupBy(r => r.Registry))
            {
                node.Problem("allowedRegistries",
                    $"must include '{missing.Key}': {string.Join("; ", missing.Select(r => r.Why))} (namespaces the registry policy covers)");
            }
        }

        return new PolicyConfig { Mode = mode, AllowedRegistries = registries, ExemptNamespaces = exempt };
    }

    /// <summary>
    /// The registries of the images the platform itself runs in the namespaces where the registry policy applies
    /// (serving and the workflow namespace, where users run their own images too): a list without them would
    /// block the platform's own pods there.
    /// </summary>
    public static IEnumerable<(string Registry, string Why)> PlatformRegistries(AddonsConfig addons)
    {
        if (addons.ArgoWorkflows)
        {
            yield return ("quay.io", "Argo Workflows runs its controller, server and every step's executor from quay.io/argoproj");
            yield return ("docker.io", "the seed pipeline's steps run python, pytorch and mlflow images from docker.io");
        }

        if (addons.Kserve)
        {
            yield return ("docker.io", "KServe injects its storage initializer (kserve/storage-initializer) and the sample model runs vllm/vllm-openai from docker.io");
        }
    }

    private static MonitoringConfig ReadMonitoring(JsonConfigNode? node, DeploymentEnvironment? environment, AddonsConfig addons, List<ConfigProblem> problems)
    {
        var defaults = MonitoringConfig.For(environment ?? DeploymentEnvironment.Development);
        if (node is null)
        {
            return defaults;
        }

        if (!addons.Monitoring)
        {
            problems.Add(new(node.Key, "set, but the monitoring add-on is disabled on this stack; remove it or enable addons.monitoring"));
        }

        var retention = node.String("retention") ?? defaults.Retention;
        var storageSize = node.String("storageSize") ?? defaults.StorageSize;
        var storageClass = node.String("storageClass");
        var grafanaHostname = node.String("grafanaHostname");
        node.RejectUnknownKeys();

        if (!PrometheusDuration().IsMatch(retention))
        {
            node.Problem("retention", $"'{retention}' is not a Prometheus duration such as 15d, 720h or 2w");
        }

        if (!KubernetesNames.IsNonNegativeQuantity(storageSize) || !storageSize.TrimStart('+').TakeWhile(c => char.IsAsciiDigit(c) || c == '.').Any(c => c is >= '1' and <= '9'))
        {
            node.Problem("storageSize", $"'{storageSize}' is not a positive Kubernetes quantity such as 100Gi");
        }

        if (storageClass is not null && !KubernetesNames.IsDns1123Subdomain(storageClass))
        {
            node.Problem("storageClass", $"'{storageClass}' is not a valid storage class name");
        }

        if (grafanaHostname is not null)
        {
            if (!IsHostname(grafanaHostname, allowWildcard: false))
            {
                node.Problem("grafanaHostname", $"'{grafanaHostname}' is not a DNS host name such as grafana.example.com");
            }
            else if (!addons.Gateway)
            {
                node.Problem("grafanaHostname", "Grafana is published through the shared gateway; enable addons.gateway or remove the host name");
            }
        }

        return new MonitoringConfig
        {
            Retention = retention,
            StorageSize = storageSize,
            StorageClass = storageClass,
            GrafanaHostname = grafanaHostname,
        };
    }

    private static GatewayConfig ReadGateway(
        JsonConfigNode? node, CloudKind? cloud, DeploymentEnvironment? environment, AddonsConfig addons, MonitoringConfig monitoring, List<ConfigProblem> problems)
    {
        if (node is null)
        {
            return GatewayConfig.Default;
        }

        if (!addons.Gateway)
        {
            problems.Add(new(node.Key, "set, but the gateway add-on is disabled on this stack; remove it or enable addons.gateway"));
        }

        var hostname = node.String("hostname");
        var tlsNode = node.Object("tls");
        node.RejectUnknownKeys();

        if (hostname is not null && !IsHostname(hostname, allowWildcard: true))
        {
            node.Problem("hostname", $"'{hostname}' is not a DNS host name such as models.example.com or *.example.com");
        }
        else if (hostname is not null && monitoring.GrafanaHostname is { } grafana && !HostnameCovers(hostname, grafana))
        {
            problems.Add(new(Key("monitoring.grafanaHostname"),
                $"'{grafana}' is not served by the gateway listener host '{hostname}': the route would never attach; use a name the listener covers (e.g. a '*.' wildcard listener)"));
        }

        GatewayTlsConfig? tls = null;
        if (tlsNode is not null)
        {
            var issuer = tlsNode.String("clusterIssuer");
            var acmeNode = tlsNode.Object("acme");
            tlsNode.RejectUnknownKeys();
            var acme = acmeNode is null ? null : ReadAcme(acmeNode, hostname, cloud, environment, problems);
            if (issuer is null && acmeNode is null)
            {
                tlsNode.Problem("clusterIssuer", "required unless acme is set: the cert-manager ClusterIssuer that signs the gateway certificate");
            }
            else if (issuer is not null && acmeNode is not null)
            {
                tlsNode.Problem("acme", "set either clusterIssuer (an issuer made outside the platform) or acme (the platform's own), not both");
            }
            else if (issuer is not null && !KubernetesNames.IsDns1123Subdomain(issuer))
            {
                tlsNode.Problem("clusterIssuer", $"'{issuer}' is not a valid ClusterIssuer name");
            }

            if (hostname is null)
            {
                node.Problem("tls", "HTTPS needs a certificate for a host name: set hostname too");
            }

            if (!addons.CertManager)
            {
                node.Problem("tls", "the gateway certificate is issued by cert-manager; enable addons.certManager");
            }

            tls = acme is not null && issuer is null ? new GatewayTlsConfig(acme.IssuerName) { Acme = acme }
                : issuer is null ? null : new GatewayTlsConfig(issuer);
        }

        return new GatewayConfig { Hostname = hostname, Tls = tls };
    }

    /// <summary>
    /// The platform's ACME issuer: contact, directory (staging unless production), and the solver: HTTP-01 on the
    /// gateway (exact host names only) or DNS-01 on the cloud's zone, whose identifying key depends on the cloud.
    /// </summary>
    private static AcmeConfig? ReadAcme(JsonConfigNode node, string? hostname, CloudKind? cloud, DeploymentEnvironment? environment, List<ConfigProblem> problems)
    {
        var email = node.String("email");
        var server = ReadEnum<AcmeServer>(node.String("server"), node.Child("server"), problems, required: false, fullKey: true)
            ?? (environment == DeploymentEnvironment.Production ? AcmeServer.Production : AcmeServer.Staging);
        var solver = ReadEnum<AcmeSolver>(node.String("solver"), node.Child("solver"), problems, required: false, fullKey: true) ?? AcmeSolver.Http01;
        var dnsNode = node.Object("dns");
        node.RejectUnknownKeys();

        if (email is null)
        {
            node.Problem("email", "required: the ACME account's contact address (Let's Encrypt sends expiry notices there)");
        }
        else if (!AcmeEmail().IsMatch(email))
        {
            node.Problem("email", $"'{email}' is not an email address such as platform-team@example.com");
        }

        if (solver == AcmeSolver.Http01)
        {
            if (hostname is not null && hostname.StartsWith("*.", StringComparison.Ordinal))
            {
                node.Problem("solver", $"HTTP-01 cannot validate the wildcard '{hostname}'; use solver dns01 or an exact gateway.hostname");
            }

            if (dnsNode is not null)
            {
                node.Problem("dns", "only used with solver dns01");
            }
        }

        AcmeDnsConfig? dns = null;
        if (solver == AcmeSolver.Dns01)
        {
            if (cloud is null or CloudKind.Existing)
            {
                node.Problem("solver", "DNS-01 writes to the cloud's DNS through cert-manager's cloud identity; on an existing cluster use http01 or an outside clusterIssuer");
            }

            if (dnsNode is null)
            {
                node.Problem("dns", "required with solver dns01: the zone (and its ID on the cloud) the challenge records go to");
            }
            else
            {
                dns = ReadAcmeDns(dnsNode, hostname, cloud, problems);
            }
        }

        return email is null ? null : new AcmeConfig(email, server, solver, dns);
    }

    private static AcmeDnsConfig? ReadAcmeDns(JsonConfigNode node, string? hostname, CloudKind? cloud, List<ConfigProblem> problems)
    {
        var zone = node.String("zone");
        var hostedZoneId = node.String("hostedZoneId");
        var resourceGroup = node.String("resourceGroup");
        var managedZone = node.String("managedZone");
        node.RejectUnknownKeys();

        if (zone is null)
        {
            node.Problem("zone", "required: the DNS zone's name, such as ml.example.com");
        }
        else if (!IsHostname(zone, allowWildcard: false))
        {
            node.Problem("zone", $"'{zone}' is not a DNS zone name such as ml.example.com");
        }
        else if (hostname is not null && !InZone(hostname.TrimStart('*', '.'), zone))
        {
            node.Problem("zone", $"the gateway host '{hostname}' is not in the zone '{zone}': its challenge records could not be written");
        }

        // Each cloud names its zone its own way; the other clouds' keys are mistakes.
        (string Key, string? Value, CloudKind Cloud, Func<string, bool> Valid, string Example)[] ids =
        [
            ("hostedZoneId", hostedZoneId, CloudKind.Aws, v => Route53ZoneId().IsMatch(v), "a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ"),
            ("resourceGroup", resourceGroup, CloudKind.Azure, v => AzureResourceGroupName().IsMatch(v), "an Azure resource group name such as rg-dns"),
            ("managedZone", managedZone, CloudKind.Gcp, KubernetesNames.IsDns1123Label, "a Cloud DNS managed zone name such as ml-example-com"),
        ];
        foreach (var id in ids)
        {
            if (id.Cloud == cloud && id.Value is null)
            {
                node.Problem(id.Key, $"required on {Lower(id.Cloud)}: {id.Example}");
            }
            else if (id.Cloud != cloud && id.Value is not null)
            {
                node.Problem(id.Key, $"only used on {Lower(id.Cloud)}");
            }
            else if (id.Value is not null && !id.Valid(id.Value))
            {
                node.Problem(id.Key, $"'{id.Value}' is not {id.Example}");
            }
        }

        return zone is null ? null : new AcmeDnsConfig(zone, hostedZoneId, resourceGroup, managedZone);
    }

    private static bool InZone(string host, string zone) =>
        host == zone || host.EndsWith("." + zone, StringComparison.Ordinal);

    [GeneratedRegex(@"\A[^@\s]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\z", RegexOptions.IgnoreCase)]
    private static partial Regex AcmeEmail();

    [GeneratedRegex(@"\AZ[A-Z0-9]{1,31}\z")]
    private static partial Regex Route53ZoneId();

    /// <summary>True for a DNS host name (lower case, at least two labels), optionally a leading <c>*.</c> wildcard.</summary>
    public static bool IsHostname(string value, bool allowWildcard) => NetworkSyntax.IsHostname(value, allowWildcard);

    /// <summary>
    /// True for a registry host as image references name it: a lower-case DNS name (one label allowed, e.g. a
    /// local registry) and an optional port from 1 to 65535; no scheme, path or wildcard.
    /// </summary>
    public static bool IsRegistryHost(string value)
    {
        if (RegistryHost().Match(value) is not { Success: true } match)
        {
            return false;
        }

        var host = match.Groups["host"].Value;
        var port = match.Groups["port"];
        return KubernetesNames.IsDns1123Subdomain(host) && host.Split('.').All(KubernetesNames.IsDns1123Label)
            && (!port.Success || int.Parse(port.Value, System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 65535);
    }

    /// <summary>True when a listener host name (possibly a <c>*.</c> wildcard) matches a route host name.</summary>
    public static bool HostnameCovers(string listener, string host) =>
        listener.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(listener[1..], StringComparison.Ordinal) && host.Length > listener.Length - 1
            : listener == host;

    [GeneratedRegex(@"\A[0-9]+(ms|s|m|h|d|w|y)\z")]
    private static partial Regex PrometheusDuration();

    [GeneratedRegex(@"\A(?<host>[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:(?<port>[0-9]{1,5}))?\z")]
    private static partial Regex RegistryHost();
}
