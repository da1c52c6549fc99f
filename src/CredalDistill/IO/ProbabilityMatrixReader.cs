using CredalDistill.Validation;

namespace CredalDistill.IO;

/// <summary>
/// Reads a probability (or logit) matrix file chunk by chunk: each <see cref="ReadChunk"/> returns the next at most
/// <see cref="ChunkRows"/> rows as a validated <see cref="ProbabilityMatrix"/> (the checks of
/// <see cref="MatrixFile.ReadProbabilities(string, bool, bool, int?, double)"/>, with the file's own line/row in
/// errors), so memory stays bounded by the chunk whatever the file's length.
/// </summary>
/// <example>
/// <code>
/// using var chunks = new ProbabilityMatrixReader(MatrixReader.Open("edge.npy", 10));
/// while (chunks.ReadChunk() is { } edge) { /* rows chunks.FirstRow .. chunks.FirstRow + edge.Rows - 1 */ }
/// </code>
/// </example>
public sealed class ProbabilityMatrixReader : IDisposable
{
    /// <summary>Default rows per chunk (65,536: 5 MB of float64 at K = 10).</summary>
    public const int DefaultChunkRows = 1 << 16;

    private readonly bool _logits;
    private readonly bool _renormalize;
    private readonly double _tolerance;
    private double[] _buffer = [];

    /// <summary>Wraps <paramref name="reader"/> (which this object disposes).</summary>
    /// <param name="reader">An open matrix reader with one column per class.</param>
    /// <param name="logits">The file holds logits (the chunks are their softmax).</param>
    /// <param name="renormalize">Divide each probability row by its sum instead of rejecting sums off 1.</param>
    /// <param name="tolerance">Allowed <c>|sum - 1|</c> when not renormalising.</param>
    /// <param name="chunkRows">Rows per chunk (at least 1).</param>
    /// <exception cref="DataFormatException">The file has fewer than 2 columns.</exception>
    public ProbabilityMatrixReader(MatrixReader reader, bool logits = false, bool renormalize = false, double tolerance = Check.DefaultSumTolerance, int chunkRows = DefaultChunkRows)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        Reader = reader;
        MatrixFile.CheckProbabilityColumns(reader);
        _logits = logits;
        _renormalize = renormalize;
        _tolerance = tolerance;
        ChunkRows = (int)Math.Min(chunkRows, Array.MaxLength / reader.Columns);
    }

    /// <summary>The underlying reader (file, columns, header, total rows when known).</summary>
    public MatrixReader Reader { get; }

    /// <summary>Number of classes (columns).</summary>
    public int Classes => Reader.Columns;

    /// <summary>Maximum rows per chunk.</summary>
    public int ChunkRows { get; }

    /// <summary>0-based index of the first row of the chunk last returned.</summary>
    public long FirstRow { get; private set; }

    /// <summary>Rows returned so far.</summary>
    public long RowsRead { get; private set; }

    /// <summary>
    /// The next chunk (1 to <see cref="ChunkRows"/> rows), or null at the end of the file. A chunk owns its arrays;
    /// the reader allocates a fresh buffer for every chunk, so callers may keep earlier chunks.
    /// </summary>
    /// <exception cref="DataFormatException">A malformed row or an invalid value (file, line/row, column).</exception>
    public ProbabilityMatrix? ReadChunk()
    {
        if (_buffer.Length == 0)
        {
            long remaining = Reader.TotalRows is int total ? Math.Max(1, total - Reader.RowsRead) : ChunkRows;
            _buffer = new double[Math.Min(ChunkRows, remaining) * Classes];
        }

        int rows = Reader.ReadRows(_buffer);
        if (rows == 0)
        {
            return null;
        }

        var data = rows * Classes == _buffer.Length ? _buffer : _buffer[..(rows * Classes)];
        _buffer = [];
        FirstRow = RowsRead;
        MatrixFile.ValidateProbabilities(Reader, FirstRow, data, _logits, _renormalize, _tolerance);
        RowsRead += rows;
        return _logits ? ProbabilityMatrix.WrapLogits(data, Classes) : ProbabilityMatrix.WrapProbabilities(data, Classes);
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => Reader.Dispose();
}
