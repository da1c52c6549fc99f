namespace CredalDistill.Numerics;

/// <summary>
/// The one row loop of the batch APIs: rows in chunks (at most <see cref="MaxChunkRows"/> rows, about 200 chunks), in
/// parallel unless one worker is asked for or there are fewer than <see cref="SequentialBelow"/> rows; the completed fraction
/// is reported after each chunk and cancellation is checked before every row.
/// </summary>
internal static class ParallelRows
{
    /// <summary>Largest number of rows per chunk (progress granularity).</summary>
    public const int MaxChunkRows = 512;

    /// <summary>Below this many rows the loop runs on the calling thread.</summary>
    public const int SequentialBelow = 64;

    /// <summary>Calls <paramref name="body"/> once for every row index in <c>[0, rows)</c>.</summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="maxDegreeOfParallelism">-1 for every core, 1 for the calling thread only, or a positive cap.</param>
    /// <param name="body">The per-row computation.</param>
    /// <param name="cancellationToken">Checked before each row; once cancelled each worker finishes at most its current row and
    /// the call throws <see cref="OperationCanceledException"/>.</param>
    /// <param name="progress">Receives the completed fraction after each chunk, or null.</param>
    public static void For(int rows, int maxDegreeOfParallelism, Action<int> body, CancellationToken cancellationToken = default, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        cancellationToken.ThrowIfCancellationRequested();
        int chunkRows = Math.Clamp(rows / 200, 1, MaxChunkRows);
        int chunks = (rows + chunkRows - 1) / chunkRows;
        int done = 0;
        bool Chunk(int c)
        {
            int end = Math.Min(rows, (c + 1) * chunkRows);
            for (int i = c * chunkRows; i < end; i++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                body(i);
            }

            progress?.Report((double)Interlocked.Increment(ref done) / chunks);
            return true;
        }

        if (maxDegreeOfParallelism == 1 || rows < SequentialBelow)
        {
            for (int c = 0; c < chunks && Chunk(c); c++)
            {
            }
        }
        else
        {
            var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = maxDegreeOfParallelism };
            Parallel.For(0, chunks, options, (c, state) =>
            {
                if (!Chunk(c))
                {
                    state.Stop();
                }
            });
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (rows == 0)
        {
            progress?.Report(1.0);
        }
    }
}
