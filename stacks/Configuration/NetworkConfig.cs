using System.Collections.Immutable;

namespace MlPlatform.Stacks.Configuration;

/// <summary>Address ranges that namespace network policies open towards (<c>mlplatform:network</c>).</summary>
/// <param name="ApiServerCidrs">Where the Kubernetes API server is: controllers reach it, and it calls webhooks.</param>
/// <param name="NodeCidrs">Where the nodes are: monitoring scrapes kubelets and node exporters there.</param>
/// <param name="DataStoreCidrs">Where managed data stores (PostgreSQL) are reached by the data namespaces.</param>
/// <param name="ExternalEgressCidrs">Where pods may reach HTTPS endpoints (object storage, registries, model hubs).</param>
/// <param name="LoadBalancerSourceCidrs">Who may reach the ingress gateway's listeners.</param>
public sealed record NetworkConfig(
    ImmutableArray<string> ApiServerCidrs,
    ImmutableArray<string> NodeCidrs,
    ImmutableArray<string> DataStoreCidrs,
    ImmutableArray<string> ExternalEgressCidrs,
    ImmutableArray<string> LoadBalancerSourceCidrs);
