namespace CredalDistill.Cli.Bench;

/// <summary>Scores and threshold for <c>n</c> rows: milliseconds for the scores and for the exact threshold.</summary>
internal sealed record BenchOffline(int Rows, int Classes, double ScoresMs, double ThresholdMs, double Gamma)
{
    public double TotalMs => ScoresMs + ThresholdMs;
}

/// <summary>The batch API on one thread against all cores: milliseconds per batch.</summary>
/// <remarks><see cref="Speedup"/> is the median ratio of alternating serial and parallel runs.</remarks>
internal sealed record BenchBatch(int Rows, int Classes, int Cores, double SerialMs, double ParallelMs, double Speedup);

/// <summary>
/// <c>credal predict</c> end to end on one file: <c>PredictionService.Stream</c> (what the command runs) reading the edge
/// matrix in chunks, computing the intersection probability and writing the output in the same format, in this process.
/// </summary>
internal sealed record BenchEndToEnd(string Format, int Rows, int Classes, double Seconds)
{
    public double RowsPerSecond => Rows / Seconds;
}

/// <summary>The headline ratios, each from a pair timed side by side: grid over exact (KL, K = 3), overhead over edge forward.</summary>
internal sealed record BenchRatios(BenchRatio GridOverExact, BenchRatio OverheadOverEdge);

/// <summary>Everything one <c>credal bench</c> run measured, and the ratios derived from it.</summary>
internal sealed record BenchResults(bool Quick, bool Full, double Gamma, IReadOnlyList<BenchMeasurement> Measurements, BenchRatios Ratios, double Kl131072BoundsMs, BenchOffline Offline, BenchBatch Batch, IReadOnlyList<BenchEndToEnd> EndToEnd, BenchMachine Machine, double Seconds)
{
    public const string GridMethod = "paper grid (0.005) bounds";
    public const string ExactOnGridRow = "exact bounds (grid's row)";
    public const string EdgeMethod = "edge forward (ONNX Runtime, 1 thread, batch 1)";
    public const string OverheadMethod = "FMNIST-10 edge rows: bounds + IP + KL max-entropy";
    public const string TemperatureMethod = "temperature scaling";

    /// <summary>The measurement of <paramref name="method"/> (and divergence and <c>K</c> when given).</summary>
    public BenchMeasurement Find(string method, string? divergence = null, int? classes = null)
        => Measurements.First(m => m.Method == method && (divergence is null || m.Divergence == divergence) && (classes is null || m.Classes == classes));

    /// <summary>Grid time over exact time per input, KL, K = 3, on the same row (timed side by side).</summary>
    public double GridSpeedupK3 => Ratios.GridOverExact.Ratio;

    /// <summary>Edge forward time per image (ms).</summary>
    public double EdgeForwardMs => Find(EdgeMethod).Timing.MedianMs;

    /// <summary>Bounds + IP + KL max-entropy on the edge's FMNIST-10 outputs, over the edge forward time (timed side by side).</summary>
    public double OverheadVsEdgeForward => Ratios.OverheadOverEdge.Ratio;

    /// <summary>The largest allocation per input over the span-API cases (bytes).</summary>
    public double AllocatedBytesPerInput => Measurements.Where(m => m.SpanApi).Max(m => m.Timing.AllocatedBytes);

    /// <summary>Temperature scaling at <paramref name="classes"/> classes (ms per input).</summary>
    public double TemperatureMs(int classes) => Find(TemperatureMethod, classes: classes).Timing.MedianMs;
}
