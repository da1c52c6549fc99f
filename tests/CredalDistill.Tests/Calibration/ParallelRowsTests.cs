using CredalDistill.Numerics;

namespace CredalDistill.Tests.Calibration;

/// <summary>The one row loop of the batch APIs.</summary>
public sealed class ParallelRowsTests
{
    [Theory]
    [InlineData(0, -1)]
    [InlineData(1, -1)]
    [InlineData(63, -1)]
    [InlineData(1000, -1)]
    [InlineData(100_003, -1)]
    [InlineData(1000, 1)]
    public void Visits_every_row_once_and_reports_completion(int rows, int parallelism)
    {
        var visits = new int[rows];
        double last = -1;
        var progress = new Inline(v => last = Math.Max(last, v));
        ParallelRows.For(rows, parallelism, i => Interlocked.Increment(ref visits[i]), default, progress);
        Assert.All(visits, v => Assert.Equal(1, v));
        Assert.Equal(1.0, last);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void Stops_when_cancelled(int parallelism)
    {
        using var cts = new CancellationTokenSource();
        int visited = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => ParallelRows.For(100_000, parallelism, i =>
        {
            if (Interlocked.Increment(ref visited) == 100)
            {
                cts.Cancel();
            }
        }, cts.Token));
        Assert.True(visited < 100_000);
    }

    private sealed class Inline(Action<double> report) : IProgress<double>
    {
        private readonly Lock _gate = new();

        public void Report(double value)
        {
            lock (_gate)
            {
                report(value);
            }
        }
    }
}
