using Xunit;

// Pulumi reads configuration from the process environment and keeps the deployment in ambient state:
// Pulumi tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
