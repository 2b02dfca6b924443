using System.Collections.Immutable;

namespace MlPlatform.Components.Addons;

/// <summary>
/// The seed training pipeline, an Argo WorkflowTemplate: ingest a CSV dataset, validate it, engineer features,
/// train a binary classifier on a GPU pool, evaluate it against a floor, and register it in MLflow. Steps share
/// a per-workflow volume; every image is pinned in <see cref="ImageCatalog"/>; every step runs as non-root with
/// the restricted security context and a retry strategy suited to how it fails.
/// </summary>
public sealed record TrainingPipeline
{
    /// <summary>The WorkflowTemplate name.</summary>
    public string Name { get; init; } = "seed-training-pipeline";

    /// <summary>The GPU pool of the training step.</summary>
    public GpuPlacement TrainingPlacement { get; init; } = GpuPlacement.AnyGpuNode;

    /// <summary>GPUs of the training step.</summary>
    public int TrainingGpus { get; init; } = 1;

    /// <summary>The PriorityClass of the training step (a batch class; never <c>interactive</c>).</summary>
    public string TrainingPriorityClass { get; init; } = "high-priority-batch";

    /// <summary>The PriorityClass of the other steps.</summary>
    public string PriorityClass { get; init; } = "medium-priority-batch";

    /// <summary>
    /// Tolerations of every step: the taints of the capacity pipelines may run on (spot nodes), which do not force
    /// them there but let the autoscaler use it.
    /// </summary>
    public ImmutableArray<PodToleration> Tolerations { get; init; } = [];

    /// <summary>
    /// The Kueue LocalQueue of the workflow's namespace: every step pod carries <c>kueue.x-k8s.io/queue-name</c> and is
    /// admitted by Kueue (its pod integration) against the namespace's quota; null leaves the pods unqueued.
    /// </summary>
    public string? QueueName { get; init; }

    /// <summary>The MLflow tracking URI the register step logs to; null leaves the register step out.</summary>
    public string? MlflowTrackingUri { get; init; }

    /// <summary>Size of the workspace volume shared by the steps.</summary>
    public string WorkspaceSize { get; init; } = "20Gi";

    /// <summary>The StorageClass of the workspace volume; null for the cluster default.</summary>
    public string? WorkspaceStorageClass { get; init; }

    /// <summary>
    /// The workspace's access mode: <c>ReadWriteMany</c> on a shared file system, so that steps on different nodes
    /// (CPU preparation, GPU training) mount it at once; <c>ReadWriteOnce</c> pins every step to the first one's node.
    /// </summary>
    public string WorkspaceAccessMode { get; init; } = "ReadWriteOnce";

    private const string Workspace = "/workspace";

    /// <summary>The WorkflowTemplate <c>spec</c>.</summary>
    /// <param name="serviceAccountName">The service account the step pods run as.</param>
    public ImmutableDictionary<string, object> Spec(string serviceAccountName)
    {
        if (TrainingPriorityClass == "interactive" || PriorityClass == "interactive")
        {
            throw new InvalidOperationException("Pipelines are batch work: the interactive PriorityClass is reserved for online inference.");
        }

        var steps = new List<(string Name, Dictionary<string, object> Template)>
        {
            ("ingest", Script("ingest", ImageCatalog.Python, IngestSource, Retry(3, "Always"), Cpu("500m", "1Gi", "1", "2Gi"))),
            ("validate", Script("validate", ImageCatalog.Python, ValidateSource, Retry(1, "OnError"), Cpu("500m", "1Gi", "1", "2Gi"))),
            ("features", Script("features", ImageCatalog.Python, FeaturesSource, Retry(1, "OnError"), Cpu("1", "2Gi", "2", "4Gi"))),
            ("train", Train()),
            ("evaluate", Script("evaluate", ImageCatalog.Python, EvaluateSource, Retry(1, "OnError"), Cpu("250m", "512Mi", "1", "1Gi"))),
        };
        if (MlflowTrackingUri is not null)
        {
            var register = Script("register", ImageCatalog.Mlflow, RegisterSource, Retry(3, "Always"), Cpu("250m", "1Gi", "1", "2Gi"));
            ((Dictionary<string, object>)register["script"])["env"] = new object[]
            {
                Env("HOME", "/tmp"),
                Env("MLFLOW_TRACKING_URI", MlflowTrackingUri),
            };
            steps.Add(("register", register));
        }

        var templates = new List<object>
        {
            new Dictionary<string, object>
            {
                ["name"] = "pipeline",
                ["steps"] = steps.Select(s => (object)new object[]
                {
                    new Dictionary<string, object> { ["name"] = s.Name, ["template"] = s.Name },
                }).ToArray(),
            },
        };
        templates.AddRange(steps.Select(s => s.Template));

        return ImmutableDictionary<string, object>.Empty
            .Add("entrypoint", "pipeline")
            .Add("serviceAccountName", serviceAccountName)
            .Add("podPriorityClassName", PriorityClass)
            .AddRange(Tolerations.IsEmpty ? [] : [KeyValuePair.Create<string, object>("tolerations", PodToleration.List(Tolerations))])
            .AddRange(QueueName is null ? [] : [KeyValuePair.Create<string, object>("podMetadata", new Dictionary<string, object>
            {
                ["labels"] = new Dictionary<string, object> { [Kueue.QueueNameLabel] = QueueName },
            })])
            .Add("securityContext", PodSecurity.RestrictedPod())
            .Add("activeDeadlineSeconds", 24 * 3600)
            .Add("podGC", new Dictionary<string, object> { ["strategy"] = "OnPodSuccess" })
            .Add("ttlStrategy", new Dictionary<string, object> { ["secondsAfterCompletion"] = 7 * 24 * 3600 })
            .Add("arguments", new Dictionary<string, object>
            {
                ["parameters"] = new object[]
                {
                    Parameter("dataset-uri", null, "HTTPS URL of the training data: a CSV with numeric feature columns and a 0/1 target column"),
                    Parameter("target-column", "label", "The column to predict"),
                    Parameter("epochs", "200", "Training epochs"),
                    Parameter("min-accuracy", "0.7", "Evaluation floor: the model is registered only at or above it"),
                    Parameter("experiment-name", "seed-training", "MLflow experiment"),
                    Parameter("model-name", "seed-model", "MLflow registered model"),
                },
            })
            .Add("volumeClaimTemplates", new object[]
            {
                new Dictionary<string, object>
                {
                    ["metadata"] = new Dictionary<string, object> { ["name"] = "workspace" },
                    ["spec"] = WorkspaceSpec(),
                },
            })
            .Add("volumes", new object[]
            {
                new Dictionary<string, object> { ["name"] = "tmp", ["emptyDir"] = new Dictionary<string, object> { ["sizeLimit"] = "2Gi" } },
            })
            .Add("templates", templates.ToArray());
    }

    /// <summary>The pod annotation that keeps Karpenter from voluntarily disrupting the pod's node.</summary>
    public const string DoNotDisruptAnnotation = "karpenter.sh/do-not-disrupt";

    private Dictionary<string, object> WorkspaceSpec()
    {
        var spec = new Dictionary<string, object>
        {
            ["accessModes"] = new object[] { WorkspaceAccessMode },
            ["resources"] = new Dictionary<string, object> { ["requests"] = new Dictionary<string, object> { ["storage"] = WorkspaceSize } },
        };
        if (WorkspaceStorageClass is not null)
        {
            spec["storageClassName"] = WorkspaceStorageClass;
        }

        return spec;
    }

    private Dictionary<string, object> Train()
    {
        var gpus = TrainingGpus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var template = Script("train", ImageCatalog.PyTorchCuda, TrainSource, Retry(2, "OnError"), new Dictionary<string, object>
        {
            ["requests"] = new Dictionary<string, object> { ["cpu"] = "4", ["memory"] = "16Gi", [GpuPlacement.GpuResource] = gpus },
            ["limits"] = new Dictionary<string, object> { ["cpu"] = "8", ["memory"] = "16Gi", [GpuPlacement.GpuResource] = gpus },
        });
        template["priorityClassName"] = TrainingPriorityClass;

        // Karpenter neither consolidates nor drifts a node while a training step runs on it (an interrupted
        // step loses its GPU hours); the pool's terminationGracePeriod still bounds a forced drain.
        template["metadata"] = new Dictionary<string, object>
        {
            ["annotations"] = new Dictionary<string, object> { [DoNotDisruptAnnotation] = "true" },
        };
        template["nodeSelector"] = TrainingPlacement.NodeSelectorMap();
        // A template's tolerations replace the workflow's: repeat them next to the GPU pool's.
        template["tolerations"] = PodToleration.List([PodToleration.Gpu, .. TrainingPlacement.PoolTolerations, .. Tolerations]);
        return template;
    }

    private static Dictionary<string, object> Script(
        string name, ContainerImage image, string source, Dictionary<string, object> retry, Dictionary<string, object> resources) => new()
        {
            ["name"] = name,
            ["retryStrategy"] = retry,
            ["script"] = new Dictionary<string, object>
            {
                ["image"] = image.Reference,
                ["command"] = new object[] { "python" },
                ["source"] = source,
                ["env"] = new object[] { Env("HOME", "/tmp") },
                ["resources"] = resources,
                ["securityContext"] = PodSecurity.RestrictedContainer(),
                ["volumeMounts"] = new object[]
                {
                    new Dictionary<string, object> { ["name"] = "workspace", ["mountPath"] = Workspace },
                    new Dictionary<string, object> { ["name"] = "tmp", ["mountPath"] = "/tmp" },
                },
            },
        };

    private static Dictionary<string, object> Retry(int limit, string policy) => new()
    {
        ["limit"] = limit,
        ["retryPolicy"] = policy,
        ["backoff"] = new Dictionary<string, object> { ["duration"] = "30s", ["factor"] = 2, ["maxDuration"] = "10m" },
    };

    private static Dictionary<string, object> Cpu(string cpu, string memory, string cpuLimit, string memoryLimit) => new()
    {
        ["requests"] = new Dictionary<string, object> { ["cpu"] = cpu, ["memory"] = memory },
        ["limits"] = new Dictionary<string, object> { ["cpu"] = cpuLimit, ["memory"] = memoryLimit },
    };

    private static Dictionary<string, object> Parameter(string name, string? value, string description)
    {
        var parameter = new Dictionary<string, object> { ["name"] = name, ["description"] = description };
        if (value is not null)
        {
            parameter["value"] = value;
        }

        return parameter;
    }

    private static Dictionary<string, object> Env(string name, string value) => new() { ["name"] = name, ["value"] = value };

    private const string IngestSource = """
        import pathlib, shutil, urllib.request
        source = "{{workflow.parameters.dataset-uri}}"
        if not source.startswith("https://"):
            raise SystemExit(f"dataset-uri must be an https:// URL, not {source!r}")
        target = pathlib.Path("/workspace/raw.csv")
        with urllib.request.urlopen(source, timeout=300) as response, target.open("wb") as out:
            shutil.copyfileobj(response, out)
        print(f"ingested {target.stat().st_size} bytes from {source}")
        """;

    private const string ValidateSource = """
        import csv
        target = "{{workflow.parameters.target-column}}"
        with open("/workspace/raw.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        if not rows:
            raise SystemExit("the dataset is empty")
        if target not in rows[0]:
            raise SystemExit(f"the target column {target!r} is missing; columns: {sorted(rows[0])}")
        incomplete = sum(1 for r in rows if any(v in ("", None) for v in r.values()))
        if incomplete > 0.05 * len(rows):
            raise SystemExit(f"{incomplete} of {len(rows)} rows have missing values (more than 5%)")
        labels = {r[target] for r in rows}
        if not labels <= {"0", "1"}:
            raise SystemExit(f"the target column must hold 0 or 1, found {sorted(labels)[:5]}")
        print(f"{len(rows)} rows, {incomplete} incomplete, columns {sorted(rows[0])}")
        """;

    private const string FeaturesSource = """
        import csv, json, statistics
        target = "{{workflow.parameters.target-column}}"
        with open("/workspace/raw.csv", newline="") as f:
            rows = [r for r in csv.DictReader(f) if all(v not in ("", None) for v in r.values())]
        names = [c for c in rows[0] if c != target]
        columns = {c: [float(r[c]) for r in rows] for c in names}
        scaler = {c: (statistics.fmean(v), statistics.pstdev(v) or 1.0) for c, v in columns.items()}
        with open("/workspace/features.csv", "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(names + [target])
            for i, row in enumerate(rows):
                writer.writerow([(columns[c][i] - scaler[c][0]) / scaler[c][1] for c in names] + [row[target]])
        with open("/workspace/scaler.json", "w") as f:
            json.dump(scaler, f)
        print(f"{len(rows)} rows, {len(names)} standardised features")
        """;

    private const string TrainSource = """
        import csv, json, torch
        epochs = int("{{workflow.parameters.epochs}}")
        with open("/workspace/features.csv", newline="") as f:
            reader = csv.reader(f)
            next(reader)
            data = torch.tensor([[float(v) for v in row] for row in reader])
        device = "cuda" if torch.cuda.is_available() else "cpu"
        torch.manual_seed(0)
        data = data.to(device)
        x, y = data[:, :-1], data[:, -1:]
        order = torch.randperm(len(data), device=device)
        cut = int(0.8 * len(data))
        train, test = order[:cut], order[cut:]
        model = torch.nn.Linear(x.shape[1], 1).to(device)
        optimiser = torch.optim.Adam(model.parameters(), lr=0.05)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        for epoch in range(epochs):
            optimiser.zero_grad()
            loss = loss_fn(model(x[train]), y[train])
            loss.backward()
            optimiser.step()
        with torch.no_grad():
            accuracy = ((model(x[test]) > 0).float() == y[test]).float().mean().item()
        torch.save(model.state_dict(), "/workspace/model.pt")
        with open("/workspace/metrics.json", "w") as f:
            json.dump({"accuracy": accuracy, "train_loss": loss.item(), "epochs": epochs}, f)
        print(f"trained on {device}: accuracy {accuracy:.3f}")
        """;

    private const string EvaluateSource = """
        import json
        floor = float("{{workflow.parameters.min-accuracy}}")
        with open("/workspace/metrics.json") as f:
            metrics = json.load(f)
        print(json.dumps(metrics))
        if metrics["accuracy"] < floor:
            raise SystemExit(f"accuracy {metrics['accuracy']:.3f} is below the floor {floor}: not registering")
        """;

    // The client API registers the run's artifact directory as a model version on MLflow 2 and 3 alike,
    // without needing the training framework in the register image.
    private const string RegisterSource = """
        import json, mlflow
        from mlflow.exceptions import MlflowException
        from mlflow.tracking import MlflowClient
        name = "{{workflow.parameters.model-name}}"
        with open("/workspace/metrics.json") as f:
            metrics = json.load(f)
        mlflow.set_experiment("{{workflow.parameters.experiment-name}}")
        with mlflow.start_run(run_name="{{workflow.name}}") as run:
            mlflow.log_params({"dataset-uri": "{{workflow.parameters.dataset-uri}}", "epochs": metrics["epochs"]})
            mlflow.log_metrics({"accuracy": metrics["accuracy"], "train_loss": metrics["train_loss"]})
            mlflow.log_artifact("/workspace/model.pt", artifact_path="model")
            mlflow.log_artifact("/workspace/scaler.json", artifact_path="model")
        client = MlflowClient()
        try:
            client.create_registered_model(name)
        except MlflowException as error:
            if error.error_code != "RESOURCE_ALREADY_EXISTS":
                raise
        version = client.create_model_version(name, source=f"{run.info.artifact_uri}/model", run_id=run.info.run_id)
        print(f"registered {name} version {version.version}")
        """;
}
