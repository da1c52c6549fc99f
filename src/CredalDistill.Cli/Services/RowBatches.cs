namespace CredalDistill.Cli.Services;

/// <summary>Runs a per-row computation over all rows in parallel chunks, reporting the completed fraction after each chunk.</summary>
public static class RowBatches
{
    /// <summary>Rows per chunk (progress granularity).</summary>
    public const int ChunkRows = 512;

    /// <summary>Calls <paramref name="body"/> for every row index in <c>[0, rows)</c> (in parallel; each row exactly once).</summary>
    public static void For(int rows, IProgress<double>? progress, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        int chunks = (rows + ChunkRows - 1) / ChunkRows;
        int done = 0;
        Parallel.For(0, chunks, c =>
        {
            int end = Math.Min(rows, (c + 1) * ChunkRows);
            for (int i = c * ChunkRows; i < end; i++)
            {
                body(i);
            }

            int finished = Interlocked.Increment(ref done);
            progress?.Report((double)finished / chunks);
        });
    }
}
