namespace CredalDistill.Cli.Services;

/// <summary>Maps a step's completed fraction onto <c>[start, start + width]</c> of an outer progress (several batch calls under one bar).</summary>
/// <param name="outer">The outer progress, or null.</param>
/// <param name="start">Where this step starts, in [0, 1].</param>
/// <param name="width">Its share of the outer bar.</param>
internal sealed class ProgressSlice(IProgress<double>? outer, double start, double width) : IProgress<double>
{
    /// <inheritdoc />
    public void Report(double value) => outer?.Report(start + (width * Math.Clamp(value, 0.0, 1.0)));

    /// <summary><paramref name="parts"/> equal consecutive slices of <paramref name="outer"/>.</summary>
    public static ProgressSlice[] Split(IProgress<double>? outer, int parts)
        => [.. Enumerable.Range(0, parts).Select(i => new ProgressSlice(outer, (double)i / parts, 1.0 / parts))];
}
