using CredalDistill.Cli.Services;

namespace CredalDistill.Cli.Tests;

public sealed class RowBatchesTests
{
    [Fact]
    public void Every_row_is_visited_exactly_once_and_progress_ends_at_one()
    {
        const int rows = 10_001;
        var visits = new int[rows];
        double last = 0;
        var progress = new SynchronousProgress(f => last = Math.Max(last, f));
        RowBatches.For(rows, progress, i => Interlocked.Increment(ref visits[i]));
        Assert.All(visits, v => Assert.Equal(1, v));
        Assert.Equal(1.0, last);
    }

    [Fact]
    public void Cancellation_stops_within_the_rows_in_flight()
    {
        // Cancelled from inside row 50: every worker may finish the row it is on, but no further row starts,
        // so far fewer rows than a whole chunk per worker are visited.
        const int rows = 200_000;
        int visited = 0;
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => RowBatches.For(rows, null, i =>
        {
            if (Interlocked.Increment(ref visited) == 50)
            {
                cancel.Cancel();
            }
        }, cancel.Token));
        Assert.True(visited < 50 + 4 * Environment.ProcessorCount, $"{visited} rows visited after cancellation at row 50");
    }

    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
