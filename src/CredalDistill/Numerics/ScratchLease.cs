using System.Buffers;

namespace CredalDistill.Numerics;

/// <summary>
/// Scratch memory for per-row kernels: callers stackalloc up to <see cref="StackDoubles"/> values and rent larger
/// buffers from the shared pool through this lease, so no stack allocation is sized by user input without a cap:
/// <c>using var lease = new ScratchLease(); Span&lt;double&gt; w = n &lt;= ScratchLease.StackDoubles ? stackalloc double[n] : lease.Rent(n);</c>
/// </summary>
internal ref struct ScratchLease
{
    /// <summary>The largest scratch size (in doubles, 16 KiB) that a kernel may place on the stack.</summary>
    public const int StackDoubles = 2048;

    private double[]? _rented;

    /// <summary>Rents <paramref name="length"/> doubles from the shared pool (returned on <see cref="Dispose"/>).</summary>
    public Span<double> Rent(int length)
    {
        if (_rented is not null)
        {
            throw new InvalidOperationException("A scratch lease rents once.");
        }

        _rented = ArrayPool<double>.Shared.Rent(length);
        return _rented.AsSpan(0, length);
    }

    /// <summary>Returns the rented buffer, if any.</summary>
    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<double>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
