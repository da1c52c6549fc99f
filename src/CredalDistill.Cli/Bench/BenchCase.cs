namespace CredalDistill.Cli.Bench;

/// <summary>One timed operation of <c>credal bench</c>: what it computes, for which divergence and number of classes.</summary>
/// <param name="Method">The operation (e.g. <c>bounds + IP</c>).</param>
/// <param name="Divergence">The divergence name, or empty for references that have none.</param>
/// <param name="Classes">The number of classes <c>K</c>.</param>
/// <param name="SpanApi">True for the allocation-free per-input span API (counted in <c>allocatedBytesPerInput</c>).</param>
/// <param name="Body">One call: one input.</param>
internal sealed record BenchCase(string Method, string Divergence, int Classes, bool SpanApi, Action Body);

/// <summary>A case and its measurement.</summary>
internal sealed record BenchMeasurement(string Method, string Divergence, int Classes, bool SpanApi, BenchTiming Timing)
{
    /// <summary>Microseconds per input (median).</summary>
    public double MicroSeconds => 1000.0 * Timing.MedianMs;
}
