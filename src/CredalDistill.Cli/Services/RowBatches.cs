namespace CredalDistill.Cli.Services;

/// <summary>Runs a per-row computation over all rows in parallel chunks, reporting the completed fraction after each chunk.</summary>
public static class RowBatches
{
    /// <summary>Largest number of rows per chunk (progress granularity; small inputs use smaller chunks).</summary>
    public const int MaxChunkRows = 512;

    /// <summary>Calls <paramref name="body"/> for every row index in <c>[0, rows)</c> (in parallel; each row exactly once).</summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="progress">Receives the completed fraction, or null.</param>
    /// <param name="body">The per-row computation.</param>
    /// <param name="cancellationToken">Stops the loop between rows: once it is cancelled, each worker finishes at most the row it is
    /// on, and the call throws <see cref="OperationCanceledException"/>.</param>
    public static void For(int rows, IProgress<double>? progress, Action<int> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        int chunkRows = Math.Clamp(rows / 200, 1, MaxChunkRows);
        int chunks = (rows + chunkRows - 1) / chunkRows;
        int done = 0;
        cancellationToken.ThrowIfCancellationRequested();
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.For(0, chunks, options, (c, state) =>
        {
            int end = Math.Min(rows, (c + 1) * chunkRows);
            for (int i = c * chunkRows; i < end; i++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    state.Stop();
                    return;
                }

                body(i);
            }

            int finished = Interlocked.Increment(ref done);
            progress?.Report((double)finished / chunks);
        });
        cancellationToken.ThrowIfCancellationRequested();
    }
}
