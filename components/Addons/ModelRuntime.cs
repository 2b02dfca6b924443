namespace MlPlatform.Components.Addons;

/// <summary>The server that runs a model.</summary>
public enum ModelRuntime
{
    /// <summary>vLLM's OpenAI-compatible server (LLMs, on GPUs), as a custom predictor container.</summary>
    Vllm,

    /// <summary>KServe's scikit-learn server.</summary>
    Sklearn,

    /// <summary>KServe's XGBoost server.</summary>
    Xgboost,

    /// <summary>TorchServe (a model archive).</summary>
    PyTorch,

    /// <summary>ONNX models on Triton.</summary>
    Onnx,

    /// <summary>Triton's own model repository layout.</summary>
    Triton,

    /// <summary>An MLflow pyfunc model on MLServer.</summary>
    Mlflow,
}

/// <summary>How KServe selects the runtime of each kind.</summary>
public static class ModelRuntimes
{
    /// <summary>The configuration names of the runtimes, in declaration order.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<ModelRuntime>().Select(Name).ToList();

    /// <summary>The configuration name of a runtime (<c>vllm</c>, <c>sklearn</c>, ...).</summary>
    public static string Name(ModelRuntime runtime) => runtime.ToString().ToLowerInvariant();

    /// <summary>
    /// The <c>modelFormat.name</c> KServe selects a ClusterServingRuntime by (kserve-sklearnserver, kserve-xgbserver,
    /// kserve-torchserve, kserve-tritonserver, kserve-mlserver); null for vLLM, which runs as its own container.
    /// </summary>
    public static string? ModelFormat(ModelRuntime runtime) => runtime switch
    {
        ModelRuntime.Vllm => null,
        ModelRuntime.Sklearn => "sklearn",
        ModelRuntime.Xgboost => "xgboost",
        ModelRuntime.PyTorch => "pytorch",
        ModelRuntime.Onnx => "onnx",
        ModelRuntime.Triton => "triton",
        ModelRuntime.Mlflow => "mlflow",
        _ => throw new ArgumentOutOfRangeException(nameof(runtime), runtime, null),
    };
}
