namespace CredalDistill.Cli.Bench;

/// <summary>Scores and threshold for <c>n</c> rows: milliseconds for the scores and for the exact threshold.</summary>
internal sealed record BenchOffline(int Rows, int Classes, double ScoresMs, double ThresholdMs, double Gamma)
{
    public double TotalMs => ScoresMs + ThresholdMs;
}

/// <summary>The batch API on one thread against all cores: milliseconds per batch.</summary>
internal sealed record BenchBatch(int Rows, int Classes, int Cores, double SerialMs, double ParallelMs)
{
    public double Speedup => SerialMs / ParallelMs;
}

/// <summary>Everything one <c>credal bench</c> run measured, and the ratios derived from it.</summary>
internal sealed record BenchResults(bool Quick, double Gamma, IReadOnlyList<BenchMeasurement> Measurements, double Kl131072BoundsMs, BenchOffline Offline, BenchBatch Batch, BenchMachine Machine, double Seconds)
{
    public const string GridMethod = "paper grid (0.005) bounds";
    public const string ExactOnGridRow = "exact bounds (grid's row)";
    public const string EdgeMethod = "edge forward (ONNX Runtime, 1 thread, batch 1)";
    public const string OverheadMethod = "FMNIST-10 edge rows: bounds + IP + KL max-entropy";
    public const string TemperatureMethod = "temperature scaling";

    /// <summary>The measurement of <paramref name="method"/> (and divergence and <c>K</c> when given).</summary>
    public BenchMeasurement Find(string method, string? divergence = null, int? classes = null)
        => Measurements.First(m => m.Method == method && (divergence is null || m.Divergence == divergence) && (classes is null || m.Classes == classes));

    /// <summary>Grid time over exact time per input, KL, K = 3, on the same row.</summary>
    public double GridSpeedupK3 => Find(GridMethod).Timing.MedianMs / Find(ExactOnGridRow).Timing.MedianMs;

    /// <summary>Edge forward time per image (ms).</summary>
    public double EdgeForwardMs => Find(EdgeMethod).Timing.MedianMs;

    /// <summary>Bounds + IP + KL max-entropy on the edge's FMNIST-10 outputs, over the edge forward time.</summary>
    public double OverheadVsEdgeForward => Find(OverheadMethod).Timing.MedianMs / EdgeForwardMs;

    /// <summary>The largest allocation per input over the span-API cases (bytes).</summary>
    public double AllocatedBytesPerInput => Measurements.Where(m => m.SpanApi).Max(m => m.Timing.AllocatedBytes);

    /// <summary>Temperature scaling at <paramref name="classes"/> classes (ms per input).</summary>
    public double TemperatureMs(int classes) => Find(TemperatureMethod, classes: classes).Timing.MedianMs;
}
